// How schema 8 keeps a reading's raw bytes: without the 31 bytes that its device's address determines.
import { type Address, addressToBytes, encodeProtectedHeader } from "#protocol";

/**
 * The first bytes of every reading a device signs: tag 18, array(4), the protected header as a 26-byte
 * byte string (`58 1a` + `a2 01 38 2e 04 54 <kid>`, byte-exact: the gateway refuses any other header) and
 * the empty unprotected map `a0`. Only the kid varies, and the row names the device already.
 */
export function readingRawPrefix(device: Address): Buffer {
  const header = encodeProtectedHeader(addressToBytes(device));
  return Buffer.concat([Buffer.of(0xd2, 0x84, 0x58, header.length), header, Buffer.of(0xa0)]);
}

/** Length of {@link readingRawPrefix}. */
export const READING_RAW_PREFIX_BYTES = 31;

/**
 * The same prefix in SQL, from a `0x…` address column (the migration from schema 7 uses it). Joined as hex
 * text, then made a blob: SQLite's || turns blobs into text.
 */
export const readingRawPrefixSql = (addressColumn: string) =>
  `unhex('d284581aa201382e0454' || substr(${addressColumn}, 3) || 'a0')`;

/**
 * The bytes a row keeps of `raw`: what follows the device's prefix, or undefined when `raw` does not start
 * with it (a record no gateway made: it is then kept whole, with its payload JSON beside it).
 * @example compactReadingRaw(raw, device)?.length // raw.length - 31
 */
export function compactReadingRaw(raw: Uint8Array, device: Address): Buffer | undefined {
  if (raw.length <= READING_RAW_PREFIX_BYTES) return undefined;
  const prefix = readingRawPrefix(device);
  const head = Buffer.from(raw.buffer, raw.byteOffset, READING_RAW_PREFIX_BYTES);
  return head.equals(prefix) ? Buffer.from(raw.subarray(READING_RAW_PREFIX_BYTES)) : undefined;
}

/**
 * The raw bytes as received, from a row's stored bytes: byte-exact, so keccak256 of the result is the
 * message id (storeBytes tests check it on every reading they read back).
 * @example expandReadingRaw(stored, device, true)
 */
export function expandReadingRaw(stored: Uint8Array, device: Address, compact: boolean): Uint8Array {
  if (!compact) return new Uint8Array(stored);
  const prefix = readingRawPrefix(device);
  const out = new Uint8Array(prefix.length + stored.length);
  out.set(prefix, 0);
  out.set(stored, prefix.length);
  return out;
}
