/**
 * Builds the golden vectors of the key registry (docs/protocol.md, "Key registry"): each kind's metadata
 * hash for fixed EXAMPLE keys, and how a registry entry is judged at a message's anchor time. Deterministic:
 * `npm run vectors` always writes the same test/vectors/registry-keys-v1.json. EXAMPLE KEYS: never use them.
 */
import {
  bytesToHex,
  deviceIdentityFromPrivateKey,
  type Hex,
  judgeKeyState,
  KEY_METADATA_TAG,
  keyMetadataHash,
  REGISTRY_KEY_KINDS,
  type RegistryKeyKind,
} from "#protocol";
import { exampleKey } from "./buildVectors.ts";

export const REGISTRY_VECTORS_FORMAT = "sealtrail-registry-key-vectors-v1";

export type RegistryVectors = {
  format: typeof REGISTRY_VECTORS_FORMAT;
  note: string;
  metadataTag: string;
  keys: { role: string; kind: RegistryKeyKind; publicKey: Hex; address: Hex; metadataHash: Hex }[];
  /** deviceRecord(key) as a verifier reads it, the anchor time (s), and whether the message's key passes. */
  judgements: {
    description: string;
    key: number;
    record: { registeredAt: number; revokedAt: number; metadataHash: Hex };
    anchoredAt: number;
    ok: boolean;
  }[];
};

export function buildRegistryVectors(): RegistryVectors {
  const keys = REGISTRY_KEY_KINDS.map((kind) => {
    const identity = deviceIdentityFromPrivateKey(exampleKey(`registry ${kind}`));
    return {
      role: `EXAMPLE ${kind} key`,
      kind,
      publicKey: bytesToHex(identity.publicKey),
      address: identity.address,
      metadataHash: keyMetadataHash(kind, identity.publicKey),
    };
  });
  const device = keys[0]!;
  const organisation = keys[1]!;
  const cases: [string, number, RegistryVectors["judgements"][number]["record"], number][] = [
    [
      "registered before the anchoring, never revoked",
      0,
      { registeredAt: 1000, revokedAt: 0, metadataHash: device.metadataHash },
      2000,
    ],
    [
      "revoked after the anchoring",
      0,
      { registeredAt: 1000, revokedAt: 3000, metadataHash: device.metadataHash },
      2000,
    ],
    [
      "revoked in the very second of the anchoring: refused",
      0,
      { registeredAt: 1000, revokedAt: 2000, metadataHash: device.metadataHash },
      2000,
    ],
    [
      "revoked before the anchoring: refused",
      0,
      { registeredAt: 1000, revokedAt: 1500, metadataHash: device.metadataHash },
      2000,
    ],
    [
      "registered on chain after the anchoring (registrar lag): accepted",
      0,
      { registeredAt: 2500, revokedAt: 0, metadataHash: device.metadataHash },
      2000,
    ],
    [
      "never registered: refused",
      0,
      { registeredAt: 0, revokedAt: 0, metadataHash: `0x${"00".repeat(32)}` },
      2000,
    ],
    [
      "a device key registered as an organisation key: refused",
      0,
      { registeredAt: 1000, revokedAt: 0, metadataHash: keyMetadataHash("organisation", device.publicKey) },
      2000,
    ],
    [
      "an organisation key registered with its own kind",
      1,
      { registeredAt: 1000, revokedAt: 0, metadataHash: organisation.metadataHash },
      2000,
    ],
  ];
  return {
    format: REGISTRY_VECTORS_FORMAT,
    note: "metadataHash = keccak256(ASCII 'sealtrail-key-v1:' + kind + ':' || 33-byte compressed key). A message's key passes when registeredAt != 0, metadataHash is its kind's, and revokedAt == 0 or anchoredAt < revokedAt (anchoredAt: the anchor block's timestamp, seconds).",
    metadataTag: KEY_METADATA_TAG,
    keys,
    judgements: cases.map(([description, key, record, anchoredAt]) => {
      const k = keys[key]!;
      const verdict = judgeKeyState(
        { ...record, rotatedFrom: `0x${"00".repeat(20)}`, rotatedTo: `0x${"00".repeat(20)}` },
        { kind: k.kind, publicKey: k.publicKey, anchoredAt },
      );
      return { description, key, record, anchoredAt, ok: verdict.ok };
    }),
  };
}
