import type { OrganisationKeyRecord, OrganisationRecord } from "#gateway";
import { type Address, bytesToHex, toChecksumAddress } from "#protocol";
import type { KeyOnChainJson } from "./keyOnChain.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An organisation key as the API shows it: the device lifecycle fields, times in ISO 8601. */
export function organisationKeyToJson(k: OrganisationKeyRecord, onChain?: KeyOnChainJson) {
  return {
    address: toChecksumAddress(k.address),
    publicKey: bytesToHex(k.publicKey),
    organisation: k.organisation,
    status: k.revokedAt === null ? "active" : "revoked",
    registeredAt: iso(k.registeredAt),
    revokedAt: iso(k.revokedAt),
    rotatedFrom: k.rotatedFrom === null ? null : toChecksumAddress(k.rotatedFrom),
    rotatedTo: k.rotatedTo === null ? null : toChecksumAddress(k.rotatedTo),
    ...(onChain === undefined ? {} : { onChain }),
  };
}

/** An organisation as the API shows it (never its credentials); with its keys' on-chain states when given. */
export function organisationToJson(o: OrganisationRecord, onChain?: ReadonlyMap<Address, KeyOnChainJson>) {
  return {
    id: o.id,
    name: o.name,
    glns: o.glns,
    createdAt: iso(o.createdAt),
    keys: o.keys.map((k) => organisationKeyToJson(k, onChain?.get(k.address))),
  };
}
