import {
  addressFromPublicKey,
  bytesToHex,
  compareBytes,
  type DecodedEventMessage,
  type DecodedReading,
  decodeEventMessage,
  decodeReading,
  type Hex,
  hexToBytes,
  merkleLeafHash,
  messageIdOf,
  SealtrailError,
  type SignatureVerifier,
  verifyDecodedCoseSign1,
} from "#protocol";
import { base64ToBytes } from "./base64.ts";
import type { EvidencePackage } from "./evidencePackage.ts";
import { processMultiProof } from "./multiproof.ts";

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

export type EvidenceProgress = {
  phase: "signatures" | "proofs" | "anchors" | "journey";
  done: number;
  total: number;
};

const reasonOf = (error: unknown): string =>
  error instanceof SealtrailError ? `${error.code}: ${error.shortMessage}` : String(error);

/**
 * Everything in a package that needs no chain: every reading and visible event decodes, is signed by a key
 * the package carries (whose address is the kid's), and every batch's multiproof leads from ALL its
 * messages (readings, events, hidden ids) to its root; a message counts as verified only when both hold.
 * Keys are checked once: a key whose public key is not its address's is a failure and verifies nothing.
 * @example const offline = verifyEvidenceMessages(pkg, nobleVerifier); offline.readings.verified.length
 */
export function verifyEvidenceMessages(
  pkg: EvidencePackage,
  verifier: SignatureVerifier,
  onProgress: (p: EvidenceProgress) => void = () => {},
): OfflineEvidence {
  const failures: EvidenceFailure[] = [];
  const deviceKeys = new Map<string, Uint8Array>();
  const orgKeys = new Map<string, { key: Uint8Array; organisation: string }>();
  for (const k of pkg.keys.devices) {
    const key = hexToBytes(k.publicKey, 33);
    if (safeAddress(key) === k.address.toLowerCase()) deviceKeys.set(k.address.toLowerCase(), key);
    else
      failures.push({
        subject: `key ${k.address}`,
        check: "key",
        detail: "the public key is not this address's",
      });
  }
  for (const k of pkg.keys.organisations) {
    const key = hexToBytes(k.publicKey, 33);
    if (safeAddress(key) === k.address.toLowerCase())
      orgKeys.set(k.address.toLowerCase(), { key, organisation: k.organisation });
    else
      failures.push({
        subject: `key ${k.address}`,
        check: "key",
        detail: "the public key is not this address's",
      });
  }

  const sections = [
    ...pkg.batches.map((b) => ({ batch: b, root: b.root.toLowerCase() as Hex })),
    { batch: pkg.pending, root: null },
  ];
  const total = sections.reduce((n, s) => n + s.batch.readings.length + s.batch.events.length, 0);
  let done = 0;
  const tick = () => {
    done++;
    if (done % 512 === 0 || done === total) onProgress({ phase: "signatures", done, total });
  };
  const out: OfflineEvidence = {
    readings: { total: 0, verified: [] },
    events: { total: 0, verified: [], hidden: [] },
    provenRoots: new Set(),
    failures,
  };
  for (const [index, { batch, root }] of sections.entries()) {
    const leaves: Uint8Array[] = [];
    const signedOk: { reading?: DecodedReading; event?: DecodedEventMessage; organisation?: string }[] = [];
    for (const text of batch.readings) {
      out.readings.total++;
      tick();
      const raw = base64ToBytes(text)!;
      let decoded: DecodedReading;
      try {
        decoded = decodeReading(raw);
      } catch (error) {
        const id = messageIdOf(raw);
        leaves.push(merkleLeafHash(hexToBytes(id, 32)));
        failures.push({ subject: `reading ${id}`, check: "decode", detail: reasonOf(error) });
        continue;
      }
      // The leaf is the id of the bytes as given (decodeReading computed it), never a field of the package.
      leaves.push(merkleLeafHash(hexToBytes(decoded.messageId, 32)));
      const key = deviceKeys.get(decoded.device);
      if (key === undefined) {
        failures.push({
          subject: `reading ${decoded.messageId}`,
          check: "key",
          detail: `no key of device ${decoded.device} in the package`,
        });
        continue;
      }
      try {
        verifyDecodedCoseSign1(decoded, decoded.kid, key, verifier);
        signedOk.push({ reading: decoded });
      } catch (error) {
        failures.push({
          subject: `reading ${decoded.messageId}`,
          check: "signature",
          detail: reasonOf(error),
        });
      }
    }
    for (const text of batch.events) {
      out.events.total++;
      tick();
      const raw = base64ToBytes(text)!;
      let decoded: DecodedEventMessage;
      try {
        decoded = decodeEventMessage(raw);
      } catch (error) {
        const id = messageIdOf(raw);
        leaves.push(merkleLeafHash(hexToBytes(id, 32)));
        failures.push({ subject: `event ${id}`, check: "decode", detail: reasonOf(error) });
        continue;
      }
      leaves.push(merkleLeafHash(hexToBytes(decoded.messageId, 32)));
      const key = orgKeys.get(decoded.signer);
      if (key === undefined) {
        failures.push({
          subject: `event ${decoded.messageId}`,
          check: "key",
          detail: `no key of signer ${decoded.signer} in the package`,
        });
        continue;
      }
      try {
        verifyDecodedCoseSign1(decoded, decoded.kid, key.key, verifier);
        signedOk.push({ event: decoded, organisation: key.organisation });
      } catch (error) {
        failures.push({ subject: `event ${decoded.messageId}`, check: "signature", detail: reasonOf(error) });
      }
    }
    for (const id of batch.hidden) {
      out.events.hidden.push(id.toLowerCase() as Hex);
      leaves.push(merkleLeafHash(hexToBytes(id, 32)));
    }
    let proven = false;
    if (root !== null && "proof" in batch) {
      onProgress({ phase: "proofs", done: index, total: pkg.batches.length });
      leaves.sort(compareBytes);
      const reached = processMultiProof(
        leaves,
        batch.proof.map((h) => hexToBytes(h, 32)),
        batch.flags,
      );
      proven = reached !== null && bytesToHex(reached) === root;
      if (proven) out.provenRoots.add(root);
      else
        failures.push({
          subject: `batch ${root}`,
          check: "multiproof",
          detail:
            reached === null
              ? `the multiproof does not fit ${leaves.length} leaves (${batch.proof.length} hashes, ${batch.flags.length} flags): a leaf is missing or one too many`
              : `the multiproof over its ${leaves.length} leaves leads to ${bytesToHex(reached)}, not to the root`,
        });
    }
    // A message counts as verified when its signature holds AND its batch is proven (pending: signature only).
    if (root === null || proven) {
      for (const s of signedOk) {
        if (s.reading) out.readings.verified.push({ ...s.reading, root });
        if (s.event) out.events.verified.push({ ...s.event, root, organisationOfKey: s.organisation! });
      }
    }
  }
  onProgress({ phase: "proofs", done: pkg.batches.length, total: pkg.batches.length });
  return out;
}

function safeAddress(key: Uint8Array): string | null {
  try {
    return addressFromPublicKey(key);
  } catch {
    return null;
  }
}
