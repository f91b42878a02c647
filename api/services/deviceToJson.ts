import type { DeviceRecord } from "#gateway";
import { type Address, bytesToHex, type Hex, toChecksumAddress } from "#protocol";
import type { KeyOnChainJson } from "./keyOnChain.ts";

/** A device as the API shows it. Times are ms since the epoch, server clock. */
export type DeviceJson = {
  address: Address;
  addressChecksummed: Hex;
  publicKey: Hex;
  label: string;
  registeredAt: number;
  /** `revoked` from `revokedAt` on: the gateway refuses its CONNECTs and readings. */
  status: "active" | "revoked";
  revokedAt: number | null;
  flaggedAt: number | null;
  /** The device whose key this one replaced by a rotation. */
  rotatedFrom: Address | null;
  /** The device whose key replaced this one by a rotation (this one is revoked then). */
  rotatedTo: Address | null;
  /** Its GS1 GIAI (bare key), how EPCIS AssociationEvents name it; null when it has none. */
  giai: string | null;
  /** Its state in the registry contract (GET /devices/:address only). */
  onChain?: KeyOnChainJson;
};

/**
 * The JSON view of a stored device: lowercase address for ids, EIP-55 for display, compressed key.
 * @example deviceToJson(record).addressChecksummed // "0x7E5F…5Bdf"
 */
export function deviceToJson(device: DeviceRecord, onChain?: KeyOnChainJson): DeviceJson {
  return {
    address: device.address,
    addressChecksummed: toChecksumAddress(device.address),
    publicKey: bytesToHex(device.publicKey),
    label: device.label,
    registeredAt: device.registeredAt,
    status: device.revokedAt === null ? "active" : "revoked",
    revokedAt: device.revokedAt,
    flaggedAt: device.flaggedAt,
    rotatedFrom: device.rotatedFrom,
    rotatedTo: device.rotatedTo,
    giai: device.giai,
    ...(onChain === undefined ? {} : { onChain }),
  };
}
