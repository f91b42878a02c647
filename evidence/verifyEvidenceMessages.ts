import type { DecodedEventMessage, DecodedReading, Hex, SignatureVerifier } from "#protocol";
import { checkEvidenceSignaturesSync, type SignatureOutcomes } from "./checkEvidenceSignatures.ts";
import { type DecodedEvidence, decodeEvidenceMessages } from "./decodeEvidenceMessages.ts";
import type { EvidencePackage } from "./evidencePackage.ts";

/** One thing that did not verify, and why, in words an auditor can act on. */
export type EvidenceFailure = {
  /** What failed: `reading 0x…`, `event 0x…`, `batch 0x…` (its root), `key 0x…`, `journey`, `anchor …`. */
  subject: string;
  /** The check: decode, key, signature, multiproof, anchor, completeness, verdict, … */
  check: string;
  detail: string;
};

/** A reading whose signature verified, as its signed bytes say it, and the batch root it was proven in. */
export type VerifiedReading = DecodedReading & { root: Hex | null };
export type VerifiedEvent = DecodedEventMessage & { root: Hex | null; organisationOfKey: string };

export type OfflineEvidence = {
  readings: { total: number; verified: VerifiedReading[] };
  events: { total: number; verified: VerifiedEvent[]; hidden: Hex[] };
  /** Roots whose multiproof led to them from every message of the batch. */
  provenRoots: Set<Hex>;
  failures: EvidenceFailure[];
};

/**
 * Where a verification is. `proofs` (decoding and multiproofs, no curve arithmetic) comes first; then
 * `signatures` and `anchors` run side by side, so their reports interleave; `journey` comes last.
 */
export type EvidenceProgress = {
  phase: "signatures" | "proofs" | "anchors" | "journey";
  done: number;
  total: number;
};

/**
 * Everything in a package that needs no chain: every reading and visible event decodes, is signed by a key
 * the package carries (whose address is the kid's), and every batch's multiproof leads from ALL its
 * messages (readings, events, hidden ids) to its root; a message counts as verified only when both hold.
 * Keys are checked once: a key whose public key is not its address's is a failure and verifies nothing.
 * Synchronous; verifyEvidencePackage runs the same two passes with the signatures beside the anchor reads.
 * @example const offline = verifyEvidenceMessages(pkg, nobleVerifier); offline.readings.verified.length
 */
export function verifyEvidenceMessages(
  pkg: EvidencePackage,
  verifier: SignatureVerifier,
  onProgress: (p: EvidenceProgress) => void = () => {},
): OfflineEvidence {
  const decoded = decodeEvidenceMessages(pkg, onProgress);
  return assembleOfflineEvidence(decoded, checkEvidenceSignaturesSync(decoded, verifier, onProgress));
}

/**
 * The offline findings from the two passes, in the package's order: bad keys, then per section each
 * message's failure in turn and the section's multiproof failure. A message counts as verified when its
 * signature holds AND its batch is proven (pending messages: the signature only).
 * @example const offline = assembleOfflineEvidence(decoded, await checkEvidenceSignatures(decoded, options))
 */
export function assembleOfflineEvidence(
  decoded: DecodedEvidence,
  signatures: SignatureOutcomes,
): OfflineEvidence {
  const out: OfflineEvidence = {
    readings: { total: decoded.readingsTotal, verified: [] },
    events: { total: decoded.eventsTotal, verified: [], hidden: decoded.hidden },
    provenRoots: decoded.provenRoots,
    failures: [...decoded.keyFailures],
  };
  for (const [s, section] of decoded.sections.entries()) {
    const outcomes = signatures[s]!;
    for (const failure of outcomes) if (failure !== null) out.failures.push(failure);
    if (section.proofFailure !== null) out.failures.push(section.proofFailure);
    if (section.root !== null && !section.proven) continue;
    for (const [i, item] of section.items.entries()) {
      if (outcomes[i] !== null) continue;
      if (item.kind === "reading") out.readings.verified.push({ ...item.decoded, root: section.root });
      else if (item.kind === "event")
        out.events.verified.push({
          ...item.decoded,
          root: section.root,
          organisationOfKey: item.organisation,
        });
    }
  }
  return out;
}
