import { bytesToHex, type Hex, keccak256, type RegistryKeyRecord } from "#protocol";

/*
 * The one view of SealtrailDeviceRegistry a verifier reads, `deviceRecord(address)`, encoded by hand like
 * anchorAbi.ts, so that the key check needs no ABI coder (and runs where the anchor check runs).
 */

const DEVICE_RECORD_SELECTOR = bytesToHex(keccak256(new TextEncoder().encode("deviceRecord(address)"))).slice(
  0,
  10,
);

/**
 * Calldata of `deviceRecord(address key)`.
 * @example encodeDeviceRecordCall(key) // "0x27dc9894" + the key left-padded to 32 bytes
 */
export function encodeDeviceRecordCall(key: Hex): Hex {
  return `${DEVICE_RECORD_SELECTOR}${key.slice(2).toLowerCase().padStart(64, "0")}` as Hex;
}

/**
 * The answer of `deviceRecord`: a static tuple of five words (uint64 registeredAt, uint64 revokedAt, address
 * rotatedFrom, address rotatedTo, bytes32 metadataHash); null when the data is not exactly that.
 * @example decodeDeviceRecord(data)?.revokedAt // 0 (never)
 */
export function decodeDeviceRecord(data: string): RegistryKeyRecord | null {
  if (!/^0x[0-9a-fA-F]{320}$/.test(data)) return null;
  const word = (i: number) => data.slice(2 + 64 * i, 2 + 64 * (i + 1)).toLowerCase();
  const uint64 = (i: number) => {
    const value = BigInt(`0x${word(i)}`);
    return value < 1n << 64n ? Number(value) : null;
  };
  const address = (i: number) => (/^0{24}/.test(word(i)) ? (`0x${word(i).slice(24)}` as Hex) : null);
  const [registeredAt, revokedAt, rotatedFrom, rotatedTo] = [uint64(0), uint64(1), address(2), address(3)];
  if (registeredAt === null || revokedAt === null || rotatedFrom === null || rotatedTo === null) return null;
  return { registeredAt, revokedAt, rotatedFrom, rotatedTo, metadataHash: `0x${word(4)}` as Hex };
}
