import { bytesToHex as nobleBytesToHex, hexToBytes as nobleHexToBytes } from "@noble/hashes/utils.js";
import { validateArgument } from "./errors.ts";

/** A 0x-prefixed lowercase hex string. */
export type Hex = `0x${string}`;

const HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/;

/**
 * Encodes bytes as 0x-prefixed lowercase hex.
 * @example bytesToHex(new Uint8Array([1, 255])) // "0x01ff"
 */
export function bytesToHex(bytes: Uint8Array): Hex {
  return `0x${nobleBytesToHex(bytes)}`;
}

/**
 * Decodes 0x-prefixed hex (either case) to bytes, optionally checking the length.
 * @example hexToBytes("0x01ff") // Uint8Array [1, 255]
 */
export function hexToBytes(hex: string, expectedLength?: number): Uint8Array {
  validateArgument(typeof hex === "string" && HEX_RE.test(hex), "expected 0x-prefixed hex with whole bytes", {
    value: typeof hex === "string" ? hex.slice(0, 80) : typeof hex,
  });
  const bytes = nobleHexToBytes(hex.slice(2));
  validateArgument(
    expectedLength === undefined || bytes.length === expectedLength,
    `expected ${expectedLength} bytes`,
    {
      length: bytes.length,
    },
  );
  return bytes;
}

/** True when `value` is 0x-prefixed hex of exactly `length` bytes. */
export function isHexOfLength(value: unknown, length: number): value is Hex {
  return typeof value === "string" && value.length === 2 + 2 * length && HEX_RE.test(value);
}

/** Constant-shape byte comparison (inputs are public; no timing secrecy needed). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Compares two byte strings lexicographically, as Solidity and OpenZeppelin compare bytes32. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
