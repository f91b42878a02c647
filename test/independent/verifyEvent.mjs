// Sealtrail protocol v1, section 19 (Events) — INDEPENDENT verifier of event messages.
//
// Written from the text of docs/protocol.md section 19 and the data file test/vectors/events-v1.json only,
// on top of this folder's own strict CBOR decoder and helpers (verify.mjs). Nothing under protocol/,
// gateway/, api/ or cli/ is imported or mirrored. Caveat: written by the same engineer who wrote the
// reference implementation, so it checks that section 19 is complete enough to implement, not that a
// stranger reads it the same way.
//
// Export: verifyEventMessage(hex, publicKeyHex | null) -> { ok: true, messageId, signer, contentType,
//   signedBy, organisation, event } | { ok: false, reason } (reason: the section-19 refusal code).
import { sha256 } from "@noble/hashes/sha2.js";
import * as secp from "@noble/secp256k1";
import {
  addressFromPublicKey,
  bytesToHex,
  decodeCbor,
  hexToBytes,
  keccakHex,
  sigStructure,
} from "./verify.mjs";

const MAX_MESSAGE_BYTES = 65536;
const MAX_JSON_DEPTH = 32;
const ORG = "application/ld+json";
const ATTESTED = "application/vnd.sealtrail.attested-event+json";
const EVENT_TYPES = [
  "ObjectEvent",
  "AggregationEvent",
  "TransactionEvent",
  "TransformationEvent",
  "AssociationEvent",
];
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

class Refusal extends Error {
  constructor(reason, detail) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
  }
}
const refuse = (reason, detail) => {
  throw new Refusal(reason, detail);
};

/** The exact header bytes of section 19.1: a3 01 38 2e 03 <text head + type> 04 54 <kid>. */
function expectedHeader(contentType, kid) {
  const type = new TextEncoder().encode(contentType);
  const textHead = type.length < 24 ? [0x60 | type.length] : [0x78, type.length];
  return Uint8Array.from([0xa3, 0x01, 0x38, 0x2e, 0x03, ...textHead, ...type, 0x04, 0x54, ...kid]);
}

function jsonObject(bytes) {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) refuse("INVALID_EVENT", "byte order mark");
  let value;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    refuse("INVALID_EVENT", "not UTF-8 JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    refuse("INVALID_EVENT", "not an object");
  const stack = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (depth > MAX_JSON_DEPTH) refuse("INVALID_EVENT", "too deep");
    for (const [k, child] of Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v)) {
      if (!Array.isArray(v) && FORBIDDEN.has(k)) refuse("INVALID_EVENT", `key ${k}`);
      stack.push([child, depth + 1]);
    }
  }
  return value;
}

function checkEvent(event) {
  if (
    event === null ||
    typeof event !== "object" ||
    Array.isArray(event) ||
    !EVENT_TYPES.includes(event.type)
  )
    refuse("INVALID_EVENT", "not one EPCIS event");
  return event;
}

function verifyOrThrow(hex, publicKeyHex) {
  const raw = hexToBytes(hex, "message");
  if (raw.length > MAX_MESSAGE_BYTES) refuse("TOO_LARGE", `${raw.length} bytes`);
  let outer;
  try {
    outer = decodeCbor(raw);
  } catch (e) {
    refuse("MALFORMED_CBOR", e.message);
  }
  if (outer.t !== "tag" || outer.tag !== 18 || outer.v.t !== "array" || outer.v.v.length !== 4)
    refuse("MALFORMED_COSE", "not tag 18 [4 items]");
  const [prot, unprot, payload, sig] = outer.v.v;
  if (prot.t !== "bytes" || payload.t !== "bytes" || sig.t !== "bytes")
    refuse("MALFORMED_COSE", "not byte strings");
  if (unprot.t !== "map" || unprot.v.length !== 0) refuse("MALFORMED_COSE", "unprotected not empty");
  const header = decodeCbor(prot.v, { allowTopLevelTag: false });
  if (header.t !== "map") refuse("MALFORMED_COSE", "header not a map");
  const get = (label) => header.v.find(([k]) => k.t === "uint" && k.v === BigInt(label))?.[1];
  const alg = get(1);
  if (alg?.t !== "nint" || alg.v !== -47n) refuse("UNSUPPORTED_ALG", "alg");
  const ct = get(3);
  if (ct?.t !== "text" || (ct.v !== ORG && ct.v !== ATTESTED))
    refuse("UNSUPPORTED_CONTENT_TYPE", String(ct?.v));
  if (header.v.length !== 3) refuse("MALFORMED_COSE", "extra header key");
  const kid = get(4);
  if (kid?.t !== "bytes" || kid.v.length !== 20) refuse("KID_MISMATCH", "kid");
  if (bytesToHex(prot.v) !== bytesToHex(expectedHeader(ct.v, kid.v)))
    refuse("MALFORMED_COSE", "header bytes");
  if (sig.v.length !== 64) refuse("MALFORMED_SIGNATURE", "length");
  const r = BigInt(bytesToHex(sig.v.subarray(0, 32)));
  const s = BigInt(bytesToHex(sig.v.subarray(32)));
  if (r === 0n || r >= N || s === 0n || s >= N) refuse("MALFORMED_SIGNATURE", "range");
  if (s > N >> 1n) refuse("HIGH_S", "high s");
  const body = jsonObject(payload.v);
  let organisation = null;
  let event;
  if (ct.v === ATTESTED) {
    const keys = Object.keys(body).sort();
    if (keys.length !== 2 || keys[0] !== "event" || keys[1] !== "org")
      refuse("INVALID_EVENT", "attested keys");
    if (typeof body.org !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(body.org))
      refuse("INVALID_EVENT", "org");
    organisation = body.org;
    event = checkEvent(body.event);
  } else event = checkEvent(body);
  const signer = bytesToHex(kid.v);
  if (publicKeyHex !== null) {
    const publicKey = hexToBytes(publicKeyHex, "public key");
    if (addressFromPublicKey(publicKey) !== signer) refuse("KID_MISMATCH", "kid is not the key's address");
    const digest = sha256(sigStructure(prot.v, payload.v));
    if (!secp.verify(sig.v, digest, publicKey, { prehash: false, lowS: true }))
      refuse("BAD_SIGNATURE", "signature");
  }
  return {
    ok: true,
    messageId: keccakHex(raw),
    signer,
    contentType: ct.v,
    signedBy: ct.v === ORG ? "organisation" : "attester",
    organisation,
    event,
  };
}

/** Verifies an event message (hex) against the signer's public key (hex); null checks structure only. */
export function verifyEventMessage(hex, publicKeyHex) {
  try {
    return verifyOrThrow(hex, publicKeyHex);
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, reason: e.reason };
    throw e;
  }
}
