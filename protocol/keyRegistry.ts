import { bytesToHex, type Hex, hexToBytes } from "./bytes.ts";
import { validateArgument } from "./errors.ts";
import { keccak256 } from "./hashes.ts";

/**
 * The kinds of signing key SealtrailDeviceRegistry holds. One contract holds them all (one registrar role,
 * one lifecycle, one `isActiveAt`); the kind is committed to in the key's `metadataHash`, so a reading's
 * key cannot pass for an organisation's and the other way round, and the contract did not have to change.
 */
export const REGISTRY_KEY_KINDS = ["device", "organisation", "attester"] as const;
export type RegistryKeyKind = (typeof REGISTRY_KEY_KINDS)[number];

/** Domain tag of {@link keyMetadataHash}; a new layout gets a new tag. */
export const KEY_METADATA_TAG = "sealtrail-key-v1";

/**
 * Where a bundle's signing key is registered: the registry contract on one chain and the key's address in
 * it. Optional in `sealtrail-proof-v1` and `sealtrail-event-proof-v1` (bundles written before it verify,
 * with the key state unchecked).
 */
export type RegistryReference = {
  chainId: number;
  contract: Hex;
  /** The signing key's address: the reading's device, or the event's signer. */
  key: Hex;
  kind: RegistryKeyKind;
};

/**
 * The `metadataHash` a key is registered with: keccak256 of the ASCII text `sealtrail-key-v1:<kind>:`
 * followed by the 33-byte compressed public key. It binds the on-chain entry to the kind and to the very key
 * (the address alone names a key but says nothing of its kind).
 * @example keyMetadataHash("device", publicKey) // "0x…" (32 bytes)
 */
export function keyMetadataHash(kind: RegistryKeyKind, compressedPublicKey: Uint8Array | Hex): Hex {
  validateArgument(REGISTRY_KEY_KINDS.includes(kind), `unknown registry key kind ${JSON.stringify(kind)}`);
  const key =
    typeof compressedPublicKey === "string" ? hexToBytes(compressedPublicKey, 33) : compressedPublicKey;
  validateArgument(key.length === 33, `a compressed public key has 33 bytes, got ${key.length}`);
  const prefix = new TextEncoder().encode(`${KEY_METADATA_TAG}:${kind}:`);
  const preimage = new Uint8Array(prefix.length + key.length);
  preimage.set(prefix);
  preimage.set(key, prefix.length);
  return bytesToHex(keccak256(preimage));
}

/** A key's entry in the registry, as `deviceRecord(address)` returns it (times in seconds, 0 = never). */
export type RegistryKeyRecord = {
  registeredAt: number;
  revokedAt: number;
  rotatedFrom: Hex;
  rotatedTo: Hex;
  metadataHash: Hex;
};

/** The verdict on a signing key at the time a message was anchored. */
export type KeyStateVerdict = {
  ok: boolean;
  /** `active`: registered and not revoked by then; the rest say why not. */
  state: "active" | "never-registered" | "revoked-before" | "wrong-metadata";
  detail: string;
};

/**
 * Judges a message's signing key from its registry entry, at `anchoredAt` (block timestamp, seconds, of the
 * message's anchor). The key must be registered with the metadata hash of its kind and public key, and not
 * revoked at or before the anchoring: the anchor is the only time the chain vouches for (the message existed
 * then), whereas the signed `ts` is whatever the key holder wrote, so a stolen key could backdate it. A
 * registration that reached the chain after the anchor is accepted and said so: the registrar sends it after
 * the store has accepted the key, so its lag is no evidence against the message.
 * @example judgeKeyState(record, { kind: "device", publicKey, anchoredAt: 1700000000 }).ok
 */
export function judgeKeyState(
  record: RegistryKeyRecord,
  expected: { kind: RegistryKeyKind; publicKey: Uint8Array | Hex; anchoredAt: number },
): KeyStateVerdict {
  const when = (s: number) => `${new Date(s * 1000).toISOString()} (${s})`;
  if (record.registeredAt === 0)
    return { ok: false, state: "never-registered", detail: "the key was never registered in the registry" };
  const metadata = keyMetadataHash(expected.kind, expected.publicKey);
  if (record.metadataHash.toLowerCase() !== metadata)
    return {
      ok: false,
      state: "wrong-metadata",
      detail: `registered with metadata ${record.metadataHash}, not the ${expected.kind} key's ${metadata}`,
    };
  if (record.revokedAt !== 0 && record.revokedAt <= expected.anchoredAt)
    return {
      ok: false,
      state: "revoked-before",
      detail: `revoked at ${when(record.revokedAt)}, at or before the anchoring at ${when(expected.anchoredAt)}`,
    };
  const registered = `${expected.kind} key registered at ${when(record.registeredAt)}`;
  const late =
    record.registeredAt > expected.anchoredAt ? " (on chain after the anchoring: registrar lag)" : "";
  const revoked =
    record.revokedAt === 0 ? ", not revoked" : `, revoked at ${when(record.revokedAt)} (after the anchoring)`;
  return { ok: true, state: "active", detail: `${registered}${late}${revoked}` };
}
