import * as secp from "@noble/secp256k1";
import { bytesToHex, type Hex, hexToBytes } from "./bytes.ts";
import { ProtocolError, ProtocolErrorCode, validateArgument } from "./errors.ts";
import { keccak256 } from "./hashes.ts";

/** A device address: 0x + 40 lowercase hex digits (the form used in topics, ids and storage). */
export type Address = Hex;

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

/**
 * Compressed (33-byte) public key of a secp256k1 private key.
 * @example publicKeyFromPrivateKey(hexToBytes("0x" + "01".repeat(32))) // 33 bytes starting with 02 or 03
 */
export function publicKeyFromPrivateKey(privateKey: Uint8Array): Uint8Array {
  validateArgument(
    privateKey.length === 32 && secp.utils.isValidSecretKey(privateKey),
    "invalid secp256k1 private key",
  );
  return secp.getPublicKey(privateKey, true);
}

/**
 * Parses a public key (33-byte compressed or 65-byte uncompressed) and returns it compressed.
 * Throws INVALID_ARGUMENT when the bytes are not a point on the curve.
 * @example compressPublicKey(uncompressed65) // 33 bytes
 */
export function compressPublicKey(publicKey: Uint8Array): Uint8Array {
  try {
    return secp.Point.fromBytes(publicKey).toBytes(true);
  } catch (cause) {
    throw new ProtocolError(ProtocolErrorCode.InvalidArgument, "not a valid secp256k1 public key", { cause });
  }
}

/**
 * The device address of a public key: keccak256 of the 64-byte uncompressed point (without the 04 prefix),
 * last 20 bytes, lowercase hex — exactly an Ethereum address.
 * @example addressFromPublicKey(publicKey) // "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"
 */
export function addressFromPublicKey(publicKey: Uint8Array): Address {
  let uncompressed: Uint8Array;
  try {
    uncompressed = secp.Point.fromBytes(publicKey).toBytes(false);
  } catch (cause) {
    throw new ProtocolError(ProtocolErrorCode.InvalidArgument, "not a valid secp256k1 public key", { cause });
  }
  return bytesToHex(keccak256(uncompressed.subarray(1)).subarray(12));
}

/**
 * Lowercase normal form of an address given in any case; throws INVALID_ARGUMENT when malformed.
 * Mixed-case input must carry a valid EIP-55 checksum.
 * @example normalizeAddress("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf") // "0x7e5f…5bdf"
 */
export function normalizeAddress(address: string): Address {
  validateArgument(
    typeof address === "string" && ADDRESS_RE.test(address),
    "address must be 0x followed by 40 hex digits",
    {
      address: typeof address === "string" ? address.slice(0, 64) : typeof address,
    },
  );
  const lower = address.toLowerCase() as Address;
  const body = address.slice(2);
  const mixed = body !== body.toLowerCase() && body !== body.toUpperCase();
  validateArgument(!mixed || toChecksumAddress(lower) === address, "address has an invalid EIP-55 checksum", {
    address,
  });
  return lower;
}

/**
 * EIP-55 mixed-case checksum form, for display.
 * @example toChecksumAddress("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf") // "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
 */
export function toChecksumAddress(address: string): Hex {
  validateArgument(ADDRESS_RE.test(address), "address must be 0x followed by 40 hex digits", { address });
  const lower = address.slice(2).toLowerCase();
  const hash = keccak256(new TextEncoder().encode(lower));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0x0f;
    const c = lower[i]!;
    out += nibble >= 8 ? c.toUpperCase() : c;
  }
  return out as Hex;
}

/** The 20 address bytes, as carried in the COSE `kid`. */
export function addressToBytes(address: Address): Uint8Array {
  return hexToBytes(normalizeAddress(address), 20);
}

/** A device's key material and identifiers. */
export type DeviceIdentity = {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  address: Address;
};

/**
 * Derives the full identity of a device from its private key.
 * @example deviceIdentityFromPrivateKey(key).address // "0x…" lowercase
 */
export function deviceIdentityFromPrivateKey(privateKey: Uint8Array): DeviceIdentity {
  const publicKey = publicKeyFromPrivateKey(privateKey);
  return { privateKey, publicKey, address: addressFromPublicKey(publicKey) };
}

/**
 * A fresh random private key from the platform CSPRNG.
 * @example generatePrivateKey().length // 32
 */
export function generatePrivateKey(): Uint8Array {
  return secp.utils.randomSecretKey();
}
