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
} from "#protocol";
import { base64ToBytes } from "./base64.ts";
import type { EvidencePackage } from "./evidencePackage.ts";
import { processMultiProof } from "./multiproof.ts";
import type { EvidenceFailure, EvidenceProgress } from "./verifyEvidenceMessages.ts";

/** A message that decoded and whose signer's key the package carries: its signature is still to check. */
export type SignatureToCheck =
  | { kind: "reading"; decoded: DecodedReading; key: Uint8Array }
  | { kind: "event"; decoded: DecodedEventMessage; key: Uint8Array; organisation: string };

/** One message of a section, in the package's order: to check, or already failed (decode, key). */
export type DecodedItem = SignatureToCheck | { kind: "failed"; failure: EvidenceFailure };

/** A batch (root set) or the pending section (root null), decoded and its multiproof checked. */
export type DecodedSection = {
  root: Hex | null;
  items: DecodedItem[];
  /** A sealed batch whose multiproof led from all its messages to its root. */
  proven: boolean;
  proofFailure: EvidenceFailure | null;
};

/** What needs no signature check and no chain: everything decoded, every multiproof checked. */
export type DecodedEvidence = {
  /** Keys whose public key is not their address's (they verify nothing). */
  keyFailures: EvidenceFailure[];
  sections: DecodedSection[];
  readingsTotal: number;
  eventsTotal: number;
  hidden: Hex[];
  provenRoots: Set<Hex>;
};

export const reasonOf = (error: unknown): string =>
  error instanceof SealtrailError ? `${error.code}: ${error.shortMessage}` : String(error);

/**
 * The first, cheap pass over a package (hashing only, no curve arithmetic): decodes every message, hashes
 * its leaf, and checks each batch's multiproof. Done before the signatures so that the proven roots are
 * known at once and their anchors can be read from the chain while the signatures are checked.
 * @example const decoded = decodeEvidenceMessages(pkg); decoded.provenRoots.size
 */
export function decodeEvidenceMessages(
  pkg: EvidencePackage,
  onProgress: (p: EvidenceProgress) => void = () => {},
): DecodedEvidence {
  const keyFailures: EvidenceFailure[] = [];
  const deviceKeys = new Map<string, Uint8Array>();
  const orgKeys = new Map<string, { key: Uint8Array; organisation: string }>();
  const badKey = (address: string) =>
    keyFailures.push({
      subject: `key ${address}`,
      check: "key",
      detail: "the public key is not this address's",
    });
  for (const k of pkg.keys.devices) {
    const key = hexToBytes(k.publicKey, 33);
    if (safeAddress(key) === k.address.toLowerCase()) deviceKeys.set(k.address.toLowerCase(), key);
    else badKey(k.address);
  }
  for (const k of pkg.keys.organisations) {
    const key = hexToBytes(k.publicKey, 33);
    if (safeAddress(key) === k.address.toLowerCase())
      orgKeys.set(k.address.toLowerCase(), { key, organisation: k.organisation });
    else badKey(k.address);
  }

  const out: DecodedEvidence = {
    keyFailures,
    sections: [],
    readingsTotal: 0,
    eventsTotal: 0,
    hidden: [],
    provenRoots: new Set(),
  };
  const sections = [
    ...pkg.batches.map((b) => ({ batch: b, root: b.root.toLowerCase() as Hex })),
    { batch: pkg.pending, root: null },
  ];
  for (const [index, { batch, root }] of sections.entries()) {
    const leaves: Uint8Array[] = [];
    const items: DecodedItem[] = [];
    const failed = (failure: EvidenceFailure) => items.push({ kind: "failed", failure });
    for (const text of batch.readings) {
      out.readingsTotal++;
      const raw = base64ToBytes(text)!;
      let decoded: DecodedReading;
      try {
        decoded = decodeReading(raw);
      } catch (error) {
        const id = messageIdOf(raw);
        leaves.push(merkleLeafHash(hexToBytes(id, 32)));
        failed({ subject: `reading ${id}`, check: "decode", detail: reasonOf(error) });
        continue;
      }
      // The leaf is the id of the bytes as given (decodeReading computed it), never a field of the package.
      leaves.push(merkleLeafHash(hexToBytes(decoded.messageId, 32)));
      const key = deviceKeys.get(decoded.device);
      if (key === undefined)
        failed({
          subject: `reading ${decoded.messageId}`,
          check: "key",
          detail: `no key of device ${decoded.device} in the package`,
        });
      else items.push({ kind: "reading", decoded, key });
    }
    for (const text of batch.events) {
      out.eventsTotal++;
      const raw = base64ToBytes(text)!;
      let decoded: DecodedEventMessage;
      try {
        decoded = decodeEventMessage(raw);
      } catch (error) {
        const id = messageIdOf(raw);
        leaves.push(merkleLeafHash(hexToBytes(id, 32)));
        failed({ subject: `event ${id}`, check: "decode", detail: reasonOf(error) });
        continue;
      }
      leaves.push(merkleLeafHash(hexToBytes(decoded.messageId, 32)));
      const key = orgKeys.get(decoded.signer);
      if (key === undefined)
        failed({
          subject: `event ${decoded.messageId}`,
          check: "key",
          detail: `no key of signer ${decoded.signer} in the package`,
        });
      else items.push({ kind: "event", decoded, key: key.key, organisation: key.organisation });
    }
    for (const id of batch.hidden) {
      out.hidden.push(id.toLowerCase() as Hex);
      leaves.push(merkleLeafHash(hexToBytes(id, 32)));
    }
    const section: DecodedSection = { root, items, proven: false, proofFailure: null };
    if (root !== null && "proof" in batch) {
      onProgress({ phase: "proofs", done: index, total: pkg.batches.length });
      leaves.sort(compareBytes);
      const reached = processMultiProof(
        leaves,
        batch.proof.map((h) => hexToBytes(h, 32)),
        batch.flags,
      );
      section.proven = reached !== null && bytesToHex(reached) === root;
      if (section.proven) out.provenRoots.add(root);
      else
        section.proofFailure = {
          subject: `batch ${root}`,
          check: "multiproof",
          detail:
            reached === null
              ? `the multiproof does not fit ${leaves.length} leaves (${batch.proof.length} hashes, ${batch.flags.length} flags): a leaf is missing or one too many`
              : `the multiproof over its ${leaves.length} leaves leads to ${bytesToHex(reached)}, not to the root`,
        };
    }
    out.sections.push(section);
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
