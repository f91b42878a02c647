import { type CborLimits, DEFAULT_CBOR_LIMITS } from "./cbor.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES = new Map([...ALPHABET].map((c, i) => [c.charCodeAt(0), i]));
/** First byte of every binary token: CBOR tag 18 (COSE_Sign1); not a base64url character. */
const COSE_SIGN1_TAG_BYTE = 0xd2;

/**
 * The text form of a CONNECT token: base64url without padding (RFC 4648 §5) of the token's bytes, for
 * MQTT clients and broker hooks that carry the password as text (`mosquitto_pub -P`, RabbitMQ's HTTP
 * auth backend). docs/protocol.md §9.
 * @example connectTokenText(signConnectToken(identity, iat)) // "0oRYGqIBOC4EVBrLJH_vPF41b0DWRaKHlvppQ7MBoFhIo2Nh…"
 */
export function connectTokenText(token: Uint8Array): string {
  let out = "";
  for (let i = 0; i < token.length; i += 3) {
    const n = (token[i]! << 16) | ((token[i + 1] ?? 0) << 8) | (token[i + 2] ?? 0);
    const chars = i + 2 < token.length ? 4 : i + 1 < token.length ? 3 : 2;
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/**
 * The token bytes an MQTT password carries, in either form: binary (it starts with `d2`) or its text form
 * (base64url without padding, which never contains `d2`). A text counts only as the one encoding of its
 * bytes (no padding, no whitespace, unused trailing bits zero), so one token has one text form. Anything
 * else is returned as it is, to be refused as a token like any other bytes (MALFORMED_COSE, TOO_LARGE).
 * @example connectTokenFromPassword(new TextEncoder().encode("0oRYGqIB…"))[0] // 0xd2
 */
export function connectTokenFromPassword(
  password: Uint8Array,
  limits: CborLimits = DEFAULT_CBOR_LIMITS,
): Uint8Array {
  if (password.length === 0 || password[0] === COSE_SIGN1_TAG_BYTE) return password;
  // Bounded before decoding: no text longer than the largest token is looked at.
  if (password.length > Math.ceil((limits.maxBytes * 4) / 3) || password.length % 4 === 1) return password;
  const out = new Uint8Array(Math.floor((password.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let o = 0;
  for (const c of password) {
    const v = VALUES.get(c);
    if (v === undefined) return password;
    buffer = ((buffer << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return password;
  return out;
}
