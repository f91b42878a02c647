// Sealtrail protocol v1 — INDEPENDENT verifier.
//
// Written by an outside auditor from the text of DESIGN.md ("Protocol v1") and the proof-bundle JSON
// Schema only. It deliberately does not import or mirror anything from the project's own code base
// (protocol/, gateway/, api/, cli/): it uses only standard third-party libraries and a small, strict,
// hand-written CBOR decoder.
//
// Exports:
//   verifyMessage(message, key, options?)  -> { ok: true, messageId, device, payload, ... } | { ok: false, reason, category, detail }
//   verifyChain(messages, options?)        -> { ok, devices, errors, warnings }
//   verifyTree(root, messageIds, proofs?)  -> { ok, root, rebuiltRoot, proofs: [...], errors }
//   verifyBundle(bundle, options?)         -> Promise<report>   (options: { rpcUrl } | string)
//   addressFromPublicKey(publicKey)        -> lowercase 0x address
//   registryMetadataHash(kind, publicKey)  -> the key registry's metadata hash (docs/protocol.md 13.1)
//   registryKeyOk(record, kind, key, t)    -> { ok, detail }: the key rule at anchor time t
//   decodeCbor(bytes, options?)            -> strict CBOR decode (typed tree)
//
// Failure categories (coarse, for comparison with other implementations):
//   "format"    — not well-formed / not strictly encoded CBOR, or not a COSE_Sign1 of the required shape
//   "header"    — protected header problems: alg, kid, unexpected parameters
//   "signature" — signature of wrong size, out of range, high-S, or not valid for the device key
//   "payload"   — payload is valid CBOR but not a valid v1 reading (version, seq, ts, prev, m)
//   "key"       — the verifier's own inputs (expected public key / address) are unusable or inconsistent
//   "bundle"    — proof-bundle level problems (schema, id, device, merkle, anchors)

import { readFileSync } from "node:fs";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import * as secp from "@noble/secp256k1";
import merkleTreePkg from "@openzeppelin/merkle-tree";
import AjvModule from "ajv/dist/2020.js";
import { getAddress, JsonRpcProvider, Network } from "ethers";

secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, msg) => hmac(sha256, key, msg);

const { StandardMerkleTree } = merkleTreePkg;
const Ajv2020 = AjvModule.default ?? AjvModule;

// ---------------------------------------------------------------------------------------------
// Constants taken from the spec / the RFCs it cites.

export const COSE_SIGN1_TAG = 18; // RFC 9052
export const ALG_ES256K = -47; // RFC 8812
export const HDR_ALG = 1; // RFC 9052 common header parameter "alg"
export const HDR_KID = 4; // RFC 9052 common header parameter "kid"
export const PAYLOAD_VERSION = 1;
export const LEAF_ENCODING = "oz-standard-v1:bytes32";
export const BUNDLE_FORMAT = "sealtrail-proof-v1";
export const ANCHOR_STATUSES = ["pending", "sealed", "submitted", "included", "final"];
/**
 * Size cap. DESIGN.md did not state one (the first version took 64 KiB from the bundle schema's message
 * maxLength); docs/protocol.md §4 does: a message is at most 4096 bytes.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 4096;
/** docs/protocol.md §6: 1 … 32 measurements, names lowercase `name_unit`, at most 32 characters. */
const MAX_MEASUREMENTS = 32;
const MEASUREMENT_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;
const MAX_MEASUREMENT_NAME_LENGTH = 32;
const MAX_DEPTH = 8;
const CURVE_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = CURVE_N >> 1n;

// ---------------------------------------------------------------------------------------------
// Small byte helpers.

export function hexToBytes(hex, what = "hex") {
  if (hex instanceof Uint8Array) return hex;
  if (typeof hex !== "string")
    throw new VerifyError("format", "input.not-hex", `${what} is not a hex string`);
  const h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) {
    throw new VerifyError("format", "input.not-hex", `${what} is not an even-length hex string`);
  }
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(b) {
  let s = "0x";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

export function keccakHex(bytes) {
  return bytesToHex(keccak_256(bytes));
}

class VerifyError extends Error {
  constructor(category, reason, detail) {
    super(`${reason}: ${detail}`);
    this.category = category;
    this.reason = reason;
    this.detail = detail;
  }
}

// ---------------------------------------------------------------------------------------------
// Strict CBOR decoder (RFC 8949), written for this verifier.
//
// Rejects: truncation, trailing bytes, reserved additional-info values (28..30), indefinite lengths,
// a stray "break", non-preferred ("non-shortest") argument encodings (lengths, integers, tags,
// simple values), invalid UTF-8 in text strings, duplicate map keys, map keys that are not
// integers or text, tags anywhere except the outermost item, simple values other than
// false/true/null/undefined, nesting deeper than MAX_DEPTH, and declared lengths / item counts that
// cannot possibly fit in the remaining input (checked before allocating anything).
//
// Decoded values are typed: {t:"uint"|"nint", v: bigint}, {t:"bytes", v: Uint8Array},
// {t:"text", v: string}, {t:"array", v: [...]}, {t:"map", v: [[k, val], ...]},
// {t:"tag", tag: number, v}, {t:"float", v: number, width: 16|32|64}, {t:"simple", v: false|true|null|undefined}.

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function cborFail(reason, detail) {
  return new VerifyError("format", `cbor.${reason}`, detail);
}

function halfToNumber(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

export function decodeCbor(bytes, { allowTopLevelTag = true, strictHeads = true } = {}) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;

  const need = (n, what) => {
    if (n > bytes.length - pos) throw cborFail("truncated", `input ends inside ${what} at offset ${pos}`);
  };

  // Reads the initial byte's argument; returns { major, ai, arg (bigint | null for indefinite) }.
  const readHead = () => {
    need(1, "an initial byte");
    const start = pos;
    const ib = bytes[pos++];
    const major = ib >> 5;
    const ai = ib & 0x1f;
    if (ai < 24) return { major, ai, arg: BigInt(ai), start };
    if (ai >= 28 && ai <= 30) {
      throw cborFail("reserved-additional-info", `reserved additional information ${ai} at offset ${start}`);
    }
    if (ai === 31) return { major, ai, arg: null, start };
    const len = 1 << (ai - 24); // 1, 2, 4, 8
    need(len, "an argument");
    let arg;
    if (len === 1) arg = BigInt(view.getUint8(pos));
    else if (len === 2) arg = BigInt(view.getUint16(pos));
    else if (len === 4) arg = BigInt(view.getUint32(pos));
    else arg = view.getBigUint64(pos);
    pos += len;
    if (strictHeads && major !== 7) {
      const min = len === 1 ? 24n : len === 2 ? 0x100n : len === 4 ? 0x10000n : 0x100000000n;
      if (arg < min) {
        throw cborFail(
          "non-preferred-encoding",
          `argument ${arg} at offset ${start} is not in its shortest form`,
        );
      }
    }
    return { major, ai, arg, start };
  };

  const item = (depth) => {
    if (depth > MAX_DEPTH) throw cborFail("too-deep", `nesting deeper than ${MAX_DEPTH}`);
    const { major, ai, arg, start } = readHead();
    if (arg === null) {
      if (major === 7)
        throw cborFail("unexpected-break", `"break" outside an indefinite-length item at offset ${start}`);
      if (major === 2 || major === 3 || major === 4 || major === 5) {
        throw cborFail(
          "indefinite-length",
          `indefinite-length item (major type ${major}) at offset ${start}`,
        );
      }
      throw cborFail(
        "invalid-indefinite",
        `additional information 31 with major type ${major} at offset ${start}`,
      );
    }
    switch (major) {
      case 0:
        return { t: "uint", v: arg };
      case 1:
        return { t: "nint", v: -1n - arg };
      case 2:
      case 3: {
        if (arg > BigInt(bytes.length - pos)) {
          throw cborFail("truncated", `string of ${arg} bytes at offset ${start} exceeds the input`);
        }
        const n = Number(arg);
        const raw = bytes.subarray(pos, pos + n);
        pos += n;
        if (major === 2) return { t: "bytes", v: raw };
        try {
          return { t: "text", v: utf8.decode(raw) };
        } catch {
          throw cborFail("invalid-utf8", `text string at offset ${start} is not valid UTF-8`);
        }
      }
      case 4: {
        // every item takes at least one byte
        if (arg > BigInt(bytes.length - pos)) {
          throw cborFail("truncated", `array of ${arg} items at offset ${start} cannot fit in the input`);
        }
        const n = Number(arg);
        const out = [];
        for (let i = 0; i < n; i++) out.push(item(depth + 1));
        return { t: "array", v: out };
      }
      case 5: {
        if (arg * 2n > BigInt(bytes.length - pos)) {
          throw cborFail("truncated", `map of ${arg} pairs at offset ${start} cannot fit in the input`);
        }
        const n = Number(arg);
        const out = [];
        const seen = new Set();
        for (let i = 0; i < n; i++) {
          const keyStart = pos;
          const k = item(depth + 1);
          let id;
          if (k.t === "uint" || k.t === "nint") id = `i:${k.v}`;
          else if (k.t === "text") id = `t:${k.v}`;
          else throw cborFail("unsupported-map-key", `map key of type ${k.t} at offset ${keyStart}`);
          if (seen.has(id))
            throw cborFail(
              "duplicate-map-key",
              `duplicate map key ${JSON.stringify(String(k.v))} at offset ${keyStart}`,
            );
          seen.add(id);
          out.push([k, item(depth + 1)]);
        }
        return { t: "map", v: out };
      }
      case 6: {
        if (!(allowTopLevelTag && depth === 0))
          throw cborFail(
            "unexpected-tag",
            `tag ${arg} at offset ${start} (tags are only expected on the outer item)`,
          );
        return { t: "tag", tag: Number(arg), v: item(depth + 1) };
      }
      case 7: {
        if (ai < 24) {
          if (ai === 20) return { t: "simple", v: false };
          if (ai === 21) return { t: "simple", v: true };
          if (ai === 22) return { t: "simple", v: null };
          if (ai === 23) return { t: "simple", v: undefined };
          throw cborFail("unsupported-simple", `simple value ${ai} at offset ${start}`);
        }
        if (ai === 24) {
          if (arg < 32n)
            throw cborFail("invalid-simple", `two-byte simple value ${arg} < 32 at offset ${start}`);
          throw cborFail("unsupported-simple", `simple value ${arg} at offset ${start}`);
        }
        if (ai === 25) return { t: "float", v: halfToNumber(Number(arg)), width: 16 };
        if (ai === 26) return { t: "float", v: view.getFloat32(pos - 4), width: 32 };
        return { t: "float", v: view.getFloat64(pos - 8), width: 64 };
      }
      default:
        throw cborFail("internal", "unreachable");
    }
  };

  const value = item(0);
  if (pos !== bytes.length)
    throw cborFail("trailing-bytes", `${bytes.length - pos} byte(s) after the end of the item`);
  return value;
}

// Minimal deterministic CBOR encoding of the Sig_structure (RFC 9052 §4.4):
//   ["Signature1", body_protected: bstr, external_aad: bstr (empty), payload: bstr]
function head(major, n) {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n);
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  return Uint8Array.of((major << 5) | 26, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}
function concat(...parts) {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
export function sigStructure(protectedBytes, payloadBytes) {
  const ctx = new TextEncoder().encode("Signature1");
  return concat(
    head(4, 4),
    head(3, ctx.length),
    ctx,
    head(2, protectedBytes.length),
    protectedBytes,
    head(2, 0),
    head(2, payloadBytes.length),
    payloadBytes,
  );
}

// ---------------------------------------------------------------------------------------------
// Keys and addresses.

/** Ethereum address of a secp256k1 public key (33-byte compressed or 65-byte uncompressed), lowercase. */
export function addressFromPublicKey(publicKey) {
  const pk = hexToBytes(publicKey, "publicKey");
  const point = secp.Point.fromBytes(pk); // validates the point is on the curve
  const uncompressed = point.toBytes(false);
  return bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12));
}

export function addressFromPrivateKey(privateKey) {
  return addressFromPublicKey(secp.getPublicKey(hexToBytes(privateKey, "privateKey"), true));
}

function normalizeAddress(a, what) {
  if (typeof a !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(a))
    throw new VerifyError("key", "key.bad-address", `${what} is not a 20-byte 0x address`);
  try {
    return getAddress(a).toLowerCase(); // throws on a mixed-case address with a wrong EIP-55 checksum
  } catch {
    throw new VerifyError("key", "key.bad-checksum", `${what} is mixed-case but not valid EIP-55`);
  }
}

/**
 * Normalises the "expected device" argument:
 *   "0x02…"/"0x03…"/"0x04…" public key hex | Uint8Array public key | "0x" + 40 hex address
 *   | { publicKey?, address?, privateKey? } | null
 * (null => the kid itself is trusted as the device address and the key is recovered from the signature)
 */
function resolveExpectedKey(key) {
  if (key === null || key === undefined) return { publicKey: null, address: null };
  if (typeof key === "string" && /^0x[0-9a-fA-F]{40}$/.test(key)) {
    return { publicKey: null, address: normalizeAddress(key, "expected address") };
  }
  if (typeof key === "string" || key instanceof Uint8Array) {
    const pk = hexToBytes(key, "publicKey");
    let address;
    try {
      address = addressFromPublicKey(pk);
    } catch {
      throw new VerifyError(
        "key",
        "key.bad-public-key",
        "expected public key is not a valid secp256k1 point",
      );
    }
    return { publicKey: pk, address };
  }
  if (typeof key !== "object") throw new VerifyError("key", "key.bad-argument", "unsupported key argument");
  let publicKey = null;
  let address = null;
  if (key.publicKey) {
    publicKey = hexToBytes(key.publicKey, "publicKey");
    try {
      address = addressFromPublicKey(publicKey);
    } catch {
      throw new VerifyError(
        "key",
        "key.bad-public-key",
        "expected public key is not a valid secp256k1 point",
      );
    }
  } else if (key.privateKey) {
    publicKey = secp.getPublicKey(hexToBytes(key.privateKey, "privateKey"), true);
    address = addressFromPublicKey(publicKey);
  }
  if (key.address) {
    const a = normalizeAddress(key.address, "expected address");
    if (address && a !== address)
      throw new VerifyError(
        "key",
        "key.inconsistent",
        "expected address does not belong to the expected public key",
      );
    address = a;
  }
  return { publicKey, address };
}

// ---------------------------------------------------------------------------------------------
// 1. Single message.

function fail(e) {
  if (e instanceof VerifyError)
    return { ok: false, reason: e.reason, category: e.category, detail: e.detail };
  return { ok: false, reason: "internal.error", category: "format", detail: String(e?.message ?? e) };
}

function mapGet(map, pred) {
  return map.v.filter(([k]) => pred(k));
}

/**
 * Verifies one Sealtrail v1 reading message.
 * @param message hex string (0x optional) or Uint8Array — the raw bytes as received
 * @param key expected device: public key hex | {publicKey?, address?, privateKey?} | null (trust the kid)
 * @param options { maxBytes?: number, strictHeads?: boolean (default true) }
 */
export function verifyMessage(message, key, options = {}) {
  try {
    return verifyMessageOrThrow(message, key, options);
  } catch (e) {
    return fail(e);
  }
}

function verifyMessageOrThrow(
  message,
  key,
  { maxBytes = DEFAULT_MAX_MESSAGE_BYTES, strictHeads = true } = {},
) {
  const expected = resolveExpectedKey(key);
  const raw = hexToBytes(message, "message");
  if (raw.length === 0) throw new VerifyError("format", "input.empty", "empty message");
  if (raw.length > maxBytes)
    throw new VerifyError("format", "input.too-large", `message of ${raw.length} bytes exceeds ${maxBytes}`);

  // --- envelope: tag 18 [protected bstr, unprotected {}, payload bstr, signature bstr]
  const top = decodeCbor(raw, { allowTopLevelTag: true, strictHeads });
  if (top.t !== "tag")
    throw new VerifyError(
      "format",
      "cose.untagged",
      `expected CBOR tag ${COSE_SIGN1_TAG} (COSE_Sign1), got ${top.t}`,
    );
  if (top.tag !== COSE_SIGN1_TAG)
    throw new VerifyError("format", "cose.wrong-tag", `expected tag ${COSE_SIGN1_TAG}, got tag ${top.tag}`);
  const arr = top.v;
  if (arr.t !== "array")
    throw new VerifyError("format", "cose.not-array", `COSE_Sign1 must be an array, got ${arr.t}`);
  if (arr.v.length !== 4)
    throw new VerifyError(
      "format",
      "cose.array-length",
      `COSE_Sign1 must have 4 elements, got ${arr.v.length}`,
    );
  const [prot, unprot, payload, signature] = arr.v;
  if (prot.t !== "bytes")
    throw new VerifyError("format", "cose.protected-type", "protected header must be a byte string");
  if (unprot.t !== "map")
    throw new VerifyError("format", "cose.unprotected-type", "unprotected header must be a map");
  if (payload.t !== "bytes")
    throw new VerifyError(
      "format",
      "cose.payload-type",
      "payload must be a byte string (detached payloads are not allowed)",
    );
  if (signature.t !== "bytes")
    throw new VerifyError("format", "cose.signature-type", "signature must be a byte string");
  if (unprot.v.length !== 0)
    throw new VerifyError(
      "header",
      "header.unprotected-not-empty",
      "unprotected header must be the empty map {}",
    );

  // --- protected header: exactly {1: -47, 4: kid(20 bytes)}
  const ph = decodeCbor(prot.v, { allowTopLevelTag: false, strictHeads });
  if (ph.t !== "map")
    throw new VerifyError("format", "header.not-map", "protected header bytes must encode a map");
  for (const [k] of ph.v) {
    if (!(k.t === "uint" && (k.v === BigInt(HDR_ALG) || k.v === BigInt(HDR_KID)))) {
      throw new VerifyError(
        "header",
        "header.unexpected-parameter",
        `unexpected protected header parameter ${String(k.v)}`,
      );
    }
  }
  // docs/protocol.md (after DESIGN.md was found ambiguous here): the header is byte-exact, alg first.
  if (ph.v.length === 2 && ph.v[0][0].v !== BigInt(HDR_ALG)) {
    throw new VerifyError("format", "header.key-order", "protected header must list alg (1) before kid (4)");
  }
  const alg = mapGet(ph, (k) => k.v === BigInt(HDR_ALG))[0]?.[1];
  const kid = mapGet(ph, (k) => k.v === BigInt(HDR_KID))[0]?.[1];
  if (!alg) throw new VerifyError("header", "header.missing-alg", "protected header has no alg (1)");
  if (!((alg.t === "nint" || alg.t === "uint") && alg.v === BigInt(ALG_ES256K))) {
    throw new VerifyError(
      "header",
      "header.unsupported-alg",
      `alg must be ${ALG_ES256K} (ES256K), got ${alg.t === "text" ? JSON.stringify(alg.v) : String(alg.v)}`,
    );
  }
  if (!kid) throw new VerifyError("header", "header.missing-kid", "protected header has no kid (4)");
  if (kid.t !== "bytes") throw new VerifyError("header", "header.kid-type", "kid must be a byte string");
  if (kid.v.length !== 20)
    throw new VerifyError(
      "header",
      "header.kid-length",
      `kid must be a 20-byte address, got ${kid.v.length} bytes`,
    );
  const kidAddress = bytesToHex(kid.v);
  if (expected.address && kidAddress !== expected.address) {
    throw new VerifyError(
      "header",
      "header.kid-mismatch",
      `kid ${kidAddress} is not the expected device ${expected.address}`,
    );
  }

  // --- signature: ES256K, 64 bytes r||s, low-S, over SHA-256(Sig_structure) of the bytes as received
  const sig = signature.v;
  if (sig.length !== 64)
    throw new VerifyError(
      "signature",
      "signature.length",
      `signature must be 64 bytes r||s, got ${sig.length}`,
    );
  const r = BigInt(bytesToHex(sig.subarray(0, 32)));
  const s = BigInt(bytesToHex(sig.subarray(32)));
  if (r === 0n || r >= CURVE_N || s === 0n || s >= CURVE_N)
    throw new VerifyError("signature", "signature.out-of-range", "r or s is not in [1, n-1]");
  if (s > HALF_N)
    throw new VerifyError(
      "signature",
      "signature.high-s",
      "s is in the upper half of the curve order (only low-S is accepted)",
    );
  const digest = sha256(sigStructure(prot.v, payload.v));
  let publicKey = expected.publicKey;
  if (publicKey) {
    let good = false;
    try {
      good = secp.verify(sig, digest, publicKey, { prehash: false, lowS: true });
    } catch {
      good = false;
    }
    if (!good)
      throw new VerifyError(
        "signature",
        "signature.invalid",
        "signature does not verify under the device key",
      );
  } else {
    // Address-only (or kid-trusting) mode: recover the key and compare its address with the kid.
    publicKey = null;
    for (const rec of [0, 1]) {
      try {
        const sigRec = new secp.Signature(r, s, rec).toBytes("recovered");
        const pk = secp.recoverPublicKey(sigRec, digest, { prehash: false });
        if (
          addressFromPublicKey(pk) === kidAddress &&
          secp.verify(sig, digest, pk, { prehash: false, lowS: true })
        ) {
          publicKey = pk;
          break;
        }
      } catch {
        /* try the other recovery id */
      }
    }
    if (!publicKey)
      throw new VerifyError(
        "signature",
        "signature.invalid",
        "no public key with the kid's address verifies this signature",
      );
  }

  // --- payload (only after the signature: everything below is authenticated content)
  const p = decodeCbor(payload.v, { allowTopLevelTag: false, strictHeads });
  const view = checkPayload(p);

  return {
    ok: true,
    messageId: keccakHex(raw),
    device: kidAddress,
    publicKey: bytesToHex(secp.Point.fromBytes(publicKey).toBytes(true)),
    payload: view,
    size: raw.length,
  };
}

function payloadFail(reason, detail) {
  return new VerifyError("payload", `payload.${reason}`, detail);
}

function checkPayload(p) {
  if (p.t !== "map") throw payloadFail("not-map", `payload must be a map, got ${p.t}`);
  const fields = new Map();
  for (const [k, v] of p.v) {
    if (k.t !== "text")
      throw payloadFail("non-text-key", `payload keys must be text, got ${k.t} ${String(k.v)}`);
    fields.set(k.v, v);
  }
  // Version first, so that a future version is reported as such rather than as "unknown key".
  const v = fields.get("v");
  if (!v) throw payloadFail("missing-v", "payload has no v");
  if (v.t !== "uint") throw payloadFail("v-type", `v must be an unsigned integer, got ${v.t}`);
  if (v.v !== BigInt(PAYLOAD_VERSION))
    throw payloadFail(
      "unsupported-version",
      `payload version ${v.v} is not supported (expected ${PAYLOAD_VERSION})`,
    );
  const allowed = ["v", "seq", "ts", "prev", "m"];
  for (const k of fields.keys())
    if (!allowed.includes(k)) throw payloadFail("unknown-key", `unknown payload key ${JSON.stringify(k)}`);
  for (const k of allowed) if (!fields.has(k)) throw payloadFail("missing-key", `payload has no ${k}`);

  const seq = fields.get("seq");
  if (seq.t !== "uint") throw payloadFail("seq-type", `seq must be an unsigned integer, got ${seq.t}`);
  if (seq.v < 1n) throw payloadFail("seq-zero", "seq must be >= 1");
  if (seq.v > BigInt(Number.MAX_SAFE_INTEGER))
    throw payloadFail("seq-range", "seq exceeds 2^53-1 (not representable by this verifier)");

  const ts = fields.get("ts");
  if (ts.t !== "uint")
    throw payloadFail("ts-type", `ts must be an unsigned integer (ms since epoch), got ${ts.t}`);
  if (ts.v > BigInt(Number.MAX_SAFE_INTEGER)) throw payloadFail("ts-range", "ts exceeds 2^53-1");

  const prev = fields.get("prev");
  if (prev.t !== "bytes") throw payloadFail("prev-type", `prev must be a byte string, got ${prev.t}`);
  if (prev.v.length !== 32) throw payloadFail("prev-length", `prev must be 32 bytes, got ${prev.v.length}`);
  const prevZero = prev.v.every((b) => b === 0);
  if (seq.v === 1n && !prevZero)
    throw payloadFail("prev-not-zero", "prev must be 32 zero bytes when seq = 1");

  const m = fields.get("m");
  if (m.t !== "map") throw payloadFail("m-type", `m must be a map, got ${m.t}`);
  if (m.v.length === 0 || m.v.length > MAX_MEASUREMENTS)
    throw payloadFail("m-count", `m must hold 1 to ${MAX_MEASUREMENTS} measurements, got ${m.v.length}`);
  const measurements = {};
  for (const [k, val] of m.v) {
    if (k.t !== "text") throw payloadFail("m-key-type", `measurement names must be text, got ${k.t}`);
    if (k.v.length === 0) throw payloadFail("m-key-empty", "empty measurement name");
    if (k.v.length > MAX_MEASUREMENT_NAME_LENGTH || !MEASUREMENT_NAME.test(k.v))
      throw payloadFail(
        "m-key-invalid",
        `measurement name ${JSON.stringify(k.v.slice(0, 40))} is not lowercase name_unit`,
      );
    let num;
    if (val.t === "uint" || val.t === "nint") {
      if (val.v > BigInt(Number.MAX_SAFE_INTEGER) || val.v < -BigInt(Number.MAX_SAFE_INTEGER)) {
        throw payloadFail("m-value-range", `measurement ${k.v} is an integer outside ±(2^53-1)`);
      }
      num = Number(val.v);
    } else if (val.t === "float") {
      if (!Number.isFinite(val.v))
        throw payloadFail("m-value-not-finite", `measurement ${k.v} is NaN or infinite`);
      num = val.v;
    } else {
      throw payloadFail("m-value-type", `measurement ${k.v} must be a number, got ${val.t}`);
    }
    if (Object.hasOwn(measurements, k.v) || k.v === "__proto__") {
      // (duplicates are already rejected by the decoder; "__proto__" would not round-trip through a JS object)
      throw payloadFail("m-key-invalid", `measurement name ${JSON.stringify(k.v)} not supported`);
    }
    measurements[k.v] = num;
  }
  return {
    v: PAYLOAD_VERSION,
    seq: Number(seq.v),
    ts: Number(ts.v),
    prev: bytesToHex(prev.v),
    m: measurements,
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Per-device hash chains.

/**
 * @param messages array of hex strings or { message, key? } (key as for verifyMessage; default: trust the kid)
 * @param options { allowWindow?: boolean } — when true a device's chain may start at seq > 1
 *   (its first prev is then unchecked); by default every chain must start at seq 1.
 */
export function verifyChain(messages, { allowWindow = false } = {}) {
  const errors = [];
  const warnings = [];
  const byDevice = new Map();
  messages.forEach((entry, index) => {
    const message = typeof entry === "string" || entry instanceof Uint8Array ? entry : entry.message;
    const key = typeof entry === "object" && !(entry instanceof Uint8Array) ? (entry.key ?? null) : null;
    const res = verifyMessage(message, key);
    if (!res.ok) {
      errors.push({ index, reason: res.reason, category: res.category, detail: res.detail });
      return;
    }
    if (!byDevice.has(res.device)) byDevice.set(res.device, []);
    byDevice.get(res.device).push({ index, ...res });
  });

  const devices = {};
  for (const [device, list] of byDevice) {
    list.sort((a, b) => a.payload.seq - b.payload.seq || a.index - b.index);
    const info = {
      count: list.length,
      firstSeq: list[0].payload.seq,
      lastSeq: list.at(-1).payload.seq,
      head: list.at(-1).messageId,
      complete: true,
    };
    devices[device] = info;
    const err = (index, reason, detail) => {
      info.complete = false;
      errors.push({ index, device, reason, category: "chain", detail });
    };
    if (list[0].payload.seq !== 1 && !allowWindow)
      err(list[0].index, "chain.no-genesis", `first message has seq ${list[0].payload.seq}, expected 1`);
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1];
      const b = list[i];
      if (b.payload.seq === a.payload.seq) {
        if (b.messageId === a.messageId)
          warnings.push({
            index: b.index,
            device,
            reason: "chain.duplicate",
            detail: `seq ${b.payload.seq} given twice (identical message)`,
          });
        else err(b.index, "chain.equivocation", `two different messages with seq ${b.payload.seq}`);
        continue;
      }
      if (b.payload.seq !== a.payload.seq + 1)
        err(b.index, "chain.gap", `seq jumps from ${a.payload.seq} to ${b.payload.seq}`);
      else if (b.payload.prev !== a.messageId)
        err(
          b.index,
          "chain.prev-mismatch",
          `seq ${b.payload.seq}: prev ${b.payload.prev} != id of seq ${a.payload.seq} ${a.messageId}`,
        );
      if (b.payload.ts < a.payload.ts)
        warnings.push({
          index: b.index,
          device,
          reason: "chain.ts-decreasing",
          detail: `ts goes backwards at seq ${b.payload.seq}`,
        });
    }
  }
  return { ok: errors.length === 0, devices, errors, warnings };
}

// ---------------------------------------------------------------------------------------------
// 3. Merkle trees (OpenZeppelin StandardMerkleTree, leaf encoding ["bytes32"]).

/** leaf = keccak256(keccak256(abi.encode(bytes32 id))) — abi.encode of one bytes32 is the 32 bytes themselves. */
export function leafHash(messageId) {
  const id = hexToBytes(messageId, "messageId");
  if (id.length !== 32) throw new VerifyError("bundle", "merkle.bad-id", "message id must be 32 bytes");
  return keccak_256(keccak_256(id));
}

function compareBytes(a, b) {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Hand-rolled proof processing (sorted-pair keccak), as a cross-check of the library. */
export function processProof(messageId, proof) {
  let h = leafHash(messageId);
  for (const sib of proof) {
    const s = hexToBytes(sib, "proof element");
    if (s.length !== 32)
      throw new VerifyError("bundle", "merkle.bad-proof-element", "proof elements must be 32 bytes");
    h = compareBytes(h, s) <= 0 ? keccak_256(concat(h, s)) : keccak_256(concat(s, h));
  }
  return bytesToHex(h);
}

function libraryVerify(root, id, proof) {
  try {
    return StandardMerkleTree.verify(root, ["bytes32"], [id], proof);
  } catch {
    return false;
  }
}

/** Verifies one inclusion proof both with the library and by hand; returns { ok, library, manual }. */
export function verifyInclusion(root, messageId, proof) {
  const library = libraryVerify(root, messageId, proof);
  let manual = false;
  try {
    manual = processProof(messageId, proof).toLowerCase() === String(root).toLowerCase();
  } catch {
    manual = false;
  }
  return { ok: library && manual, library, manual };
}

/**
 * @param root 0x root
 * @param messageIds the batch's leaves (message ids) — in any order
 * @param proofs optional proofs, proofs[i] for messageIds[i]
 */
export function verifyTree(root, messageIds, proofs) {
  const errors = [];
  const rootLc = String(root).toLowerCase();
  let rebuiltRoot = null;
  let rebuiltUnsortedRoot = null;
  try {
    rebuiltRoot = StandardMerkleTree.of(
      messageIds.map((id) => [id]),
      ["bytes32"],
    ).root.toLowerCase();
    rebuiltUnsortedRoot = StandardMerkleTree.of(
      messageIds.map((id) => [id]),
      ["bytes32"],
      { sortLeaves: false },
    ).root.toLowerCase();
  } catch (e) {
    errors.push({ reason: "merkle.rebuild-failed", detail: String(e?.message ?? e) });
  }
  if (rebuiltRoot !== null && rebuiltRoot !== rootLc) {
    errors.push({
      reason: "merkle.root-mismatch",
      detail: `rebuilt root ${rebuiltRoot} (sorted leaves) != ${rootLc}${rebuiltUnsortedRoot === rootLc ? " — but it matches the tree built WITHOUT sorting the leaves" : ""}`,
    });
  }
  if (new Set(messageIds.map((x) => String(x).toLowerCase())).size !== messageIds.length) {
    errors.push({
      reason: "merkle.duplicate-leaf",
      detail: "the same message id appears twice in the batch",
    });
  }
  const proofResults = [];
  if (proofs) {
    if (proofs.length !== messageIds.length)
      errors.push({ reason: "merkle.proof-count", detail: "one proof per message id expected" });
    messageIds.forEach((id, i) => {
      const r = verifyInclusion(root, id, proofs[i] ?? []);
      proofResults.push({ messageId: id, ...r });
      if (!r.ok)
        errors.push({
          reason: "merkle.proof-invalid",
          index: i,
          detail: `proof ${i} does not lead to the root (library=${r.library}, manual=${r.manual})`,
        });
    });
  }
  return { ok: errors.length === 0, root: rootLc, rebuiltRoot, proofs: proofResults, errors };
}

// ---------------------------------------------------------------------------------------------
// 4. Proof bundles.

let schemaValidator = null;
function getSchemaValidator() {
  if (!schemaValidator) {
    const schema = JSON.parse(
      readFileSync(new URL("../../docs/schemas/sealtrail-proof-v1.schema.json", import.meta.url), "utf8"),
    );
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    schemaValidator = ajv.compile(schema);
  }
  return schemaValidator;
}

// docs/protocol.md section 14: the same IEEE-754 double (JSON writers print the shortest text that reads
// back as the same double, so an honest bundle always matches exactly; no tolerance).
function sameJsonNumber(a, b) {
  return typeof a === "number" && typeof b === "number" && a === b;
}

function compareReading(reading, payload) {
  const diffs = [];
  if (!reading || typeof reading !== "object") return ["reading is not an object"];
  for (const k of ["v", "seq", "ts"])
    if (reading[k] !== payload[k]) diffs.push(`${k}: ${JSON.stringify(reading[k])} != ${payload[k]}`);
  if (typeof reading.prev !== "string" || reading.prev.toLowerCase() !== payload.prev)
    diffs.push(`prev: ${JSON.stringify(reading.prev)} != ${payload.prev}`);
  const rm = reading.m && typeof reading.m === "object" ? reading.m : {};
  const names = new Set([...Object.keys(rm), ...Object.keys(payload.m)]);
  for (const n of names)
    if (!sameJsonNumber(rm[n], payload.m[n]))
      diffs.push(`m.${n}: ${JSON.stringify(rm[n])} != ${payload.m[n]}`);
  for (const k of Object.keys(reading))
    if (!["v", "seq", "ts", "prev", "m"].includes(k)) diffs.push(`extra field ${k}`);
  return diffs;
}

const RPC_TIMEOUT_MS = 15000;
const providerCache = new Map();

async function rpcCall(url, method, params) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`RPC ${method}: HTTP ${res.status}`);
  const body = await res.json();
  if (body.error) throw new Error(`RPC ${method}: ${body.error.message ?? JSON.stringify(body.error)}`);
  return body.result;
}

/**
 * The chain id is read with one plain JSON-RPC call (with a timeout) so that an unreachable or wrong
 * endpoint fails fast; ethers' provider is then pinned to that network (no background re-detection).
 */
async function providerFor(url) {
  if (!providerCache.has(url)) {
    const chainId = BigInt(await rpcCall(url, "eth_chainId", []));
    const provider = new JsonRpcProvider(url, Network.from(chainId), {
      staticNetwork: true,
      batchMaxCount: 1,
    });
    providerCache.set(url, { provider, chainId });
  }
  return providerCache.get(url);
}
/** Closes the RPC providers created by verifyBundle (for tests / CLI exit). */
export function closeProviders() {
  for (const { provider } of providerCache.values()) provider.destroy();
  providerCache.clear();
}

function withTimeout(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out`)), RPC_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * @param bundle parsed JSON object (or JSON string)
 * @param options string rpcUrl | { rpcUrl?: string | {[chainId]: url}, minConfirmationsFinal?: number,
 *   eventTopic?: string (expected topics[0]; DESIGN.md does not name the event), requireAnchored?: boolean }
 * @returns Promise<{ ok, level, errors[], warnings[], checks[], message, merkle, anchors[] }>
 */
export async function verifyBundle(bundle, options = {}) {
  const opts = typeof options === "string" ? { rpcUrl: options } : options;
  const report = {
    ok: false,
    format: BUNDLE_FORMAT,
    level: "none",
    errors: [],
    warnings: [],
    checks: [],
    message: null,
    merkle: null,
    anchors: [],
  };
  const check = (name, ok, detail) => {
    report.checks.push({ name, ok, ...(detail ? { detail } : {}) });
    if (!ok) report.errors.push({ check: name, detail });
    return ok;
  };
  const finish = () => {
    if (opts.requireAnchored && report.level !== "anchored") {
      check("anchored", false, "no anchor of this bundle was verified on chain (requireAnchored)");
    }
    report.ok = report.errors.length === 0;
    return report;
  };

  let b = bundle;
  if (typeof b === "string") {
    try {
      b = JSON.parse(b);
    } catch (e) {
      check("json", false, `bundle is not JSON: ${e.message}`);
      return finish();
    }
  }
  // schema
  const validate = getSchemaValidator();
  const schemaOk = validate(b);
  check(
    "schema",
    schemaOk,
    schemaOk
      ? undefined
      : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; "),
  );
  if (!schemaOk) return finish();

  // device = address(publicKey)
  let device;
  let keyAddress;
  try {
    device = normalizeAddress(b.device, "device");
    check("device.address", true);
  } catch (e) {
    check("device.address", false, e.detail ?? String(e));
  }
  try {
    keyAddress = addressFromPublicKey(b.publicKey);
    check("publicKey.point", true);
  } catch {
    check("publicKey.point", false, "publicKey is not a valid compressed secp256k1 point");
  }
  if (device && keyAddress)
    check(
      "device = address(publicKey)",
      device === keyAddress,
      device === keyAddress ? undefined : `address(publicKey) = ${keyAddress}, device = ${device}`,
    );

  // message
  const res = keyAddress
    ? verifyMessage(b.message, { publicKey: b.publicKey })
    : verifyMessage(b.message, device ? { address: device } : null);
  report.message = res;
  if (
    !check("message.signature", res.ok, res.ok ? undefined : `${res.category}/${res.reason}: ${res.detail}`)
  )
    return finish();
  if (device)
    check(
      "message.kid = device",
      res.device === device,
      res.device === device ? undefined : `kid ${res.device} != device ${device}`,
    );
  check(
    "messageId = keccak256(message)",
    res.messageId === b.messageId.toLowerCase(),
    res.messageId === b.messageId.toLowerCase()
      ? undefined
      : `computed ${res.messageId}, bundle says ${b.messageId}`,
  );
  // docs/protocol.md section 14: every informative field must say what the signed bytes say; a bundle
  // whose `reading` differs from the signed payload is invalid (a reader would see the edited values).
  const diffs = compareReading(b.reading, res.payload);
  check(
    "reading = signed payload",
    diffs.length === 0,
    diffs.length === 0
      ? undefined
      : `bundle field reading differs from the signed payload: ${diffs.join("; ")}`,
  );
  if (report.errors.length) return finish();
  report.level = "signed";

  // merkle
  if (b.merkle === null) {
    const advanced = b.anchors.filter((a) => a.status !== "pending");
    check(
      "merkle/anchors consistency",
      advanced.length === 0,
      advanced.length
        ? `merkle is null but anchors have status ${advanced.map((a) => a.status).join(", ")}`
        : undefined,
    );
    if (b.anchors.length === 0)
      report.warnings.push({ check: "merkle", detail: "message not yet in a sealed batch (merkle: null)" });
    return finish();
  }
  const inc = verifyInclusion(b.merkle.root, b.messageId, b.merkle.proof);
  report.merkle = { root: b.merkle.root.toLowerCase(), depth: b.merkle.proof.length, ...inc };
  if (
    !check(
      "merkle.proof",
      inc.ok,
      inc.ok ? undefined : `proof does not lead to the root (library=${inc.library}, manual=${inc.manual})`,
    )
  )
    return finish();
  report.level = "sealed";

  // anchors
  const rootLc = b.merkle.root.toLowerCase();
  let anchoredOnChain = false;
  let anyChecked = false;
  for (const [i, a] of b.anchors.entries()) {
    const entry = {
      index: i,
      chainId: a.chainId,
      contract: a.contract,
      status: a.status,
      txHash: a.txHash,
      checked: false,
      ok: null,
      detail: [],
    };
    report.anchors.push(entry);
    const onChain = a.status === "included" || a.status === "final";
    if (onChain && (a.txHash === null || a.blockNumber === null || a.blockTimestamp === null)) {
      entry.ok = false;
      check(
        `anchor[${i}].fields`,
        false,
        `status ${a.status} requires txHash, blockNumber and blockTimestamp`,
      );
      continue;
    }
    if (a.status === "submitted" && a.txHash === null)
      report.warnings.push({ check: `anchor[${i}]`, detail: "status submitted without a txHash" });
    if (
      (a.status === "pending" || a.status === "sealed") &&
      (a.blockNumber !== null || a.blockTimestamp !== null)
    ) {
      report.warnings.push({ check: `anchor[${i}]`, detail: `status ${a.status} but block fields are set` });
    }
    if (!onChain) {
      entry.detail.push(`status ${a.status}: not anchored yet, nothing to check on chain`);
      continue;
    }
    const url =
      typeof opts.rpcUrl === "object" && opts.rpcUrl !== null ? opts.rpcUrl[a.chainId] : opts.rpcUrl;
    if (!url) {
      entry.detail.push("no RPC URL for this chain: on-chain anchor NOT checked");
      continue;
    }
    entry.checked = true;
    anyChecked = true;
    try {
      entry.ok = await checkAnchorOnChain(await providerFor(url), a, rootLc, entry, opts);
    } catch (e) {
      entry.ok = false;
      entry.detail.push(`RPC error: ${e?.shortMessage ?? e?.message ?? e}`);
    }
    check(`anchor[${i}] on chain ${a.chainId}`, entry.ok, entry.ok ? undefined : entry.detail.join("; "));
    if (entry.ok) anchoredOnChain = true;
  }
  if (anchoredOnChain && report.errors.length === 0) report.level = "anchored";
  // docs/protocol.md sections 13.1 and 15 step 4: the signing key, judged at the earliest verified anchor.
  if (b.registry !== undefined) {
    const anchoredAt = report.anchors
      .filter((e) => e.ok === true)
      .map((e) => b.anchors[e.index].blockTimestamp)
      .sort((x, y) => x - y)[0];
    const url =
      typeof opts.rpcUrl === "object" && opts.rpcUrl !== null ? opts.rpcUrl[b.registry.chainId] : opts.rpcUrl;
    report.key = await checkRegistryKey(b, device, anchoredAt, url);
    if (report.key.checked) check("signing key in registry", report.key.ok, report.key.detail);
    else report.warnings.push({ check: "signing key", detail: report.key.detail });
  } else {
    report.warnings.push({
      check: "signing key",
      detail: "the bundle names no key registry: key state not checked",
    });
  }
  if (!anyChecked && b.anchors.some((a) => a.status === "included" || a.status === "final")) {
    report.warnings.push({
      check: "anchors",
      detail: "anchors claim inclusion but none was checked on chain (pass an RPC URL)",
    });
  }
  return finish();
}

/** keccak256("sealtrail-key-v1:" + kind + ":" || 33-byte compressed key), hex. */
export function registryMetadataHash(kind, publicKey) {
  const key = hexToBytes(publicKey, "publicKey");
  if (key.length !== 33) throw new Error("a compressed public key has 33 bytes");
  const tag = new TextEncoder().encode(`sealtrail-key-v1:${kind}:`);
  return keccakHex(new Uint8Array([...tag, ...key]));
}

/** The rule of section 13.1: registered as its kind, not revoked at or before the anchor time (seconds). */
export function registryKeyOk(record, kind, publicKey, anchoredAt) {
  if (record.registeredAt === 0) return { ok: false, detail: "never registered" };
  if (record.metadataHash.toLowerCase() !== registryMetadataHash(kind, publicKey))
    return { ok: false, detail: `metadata hash ${record.metadataHash} is not the ${kind} key's` };
  if (record.revokedAt !== 0 && record.revokedAt <= anchoredAt)
    return { ok: false, detail: `revoked at ${record.revokedAt}, not after the anchor time ${anchoredAt}` };
  return {
    ok: true,
    detail: `registered at ${record.registeredAt}, revoked at ${record.revokedAt || "never"}`,
  };
}

async function checkRegistryKey(b, device, anchoredAt, url) {
  const r = b.registry;
  if (device === undefined || r.key.toLowerCase() !== device)
    return { checked: true, ok: false, detail: `registry.key ${r.key} is not the kid ${device}` };
  if (r.kind !== "device")
    return { checked: true, ok: false, detail: `registry.kind ${r.kind} for a reading` };
  if (anchoredAt === undefined) return { checked: false, detail: "no verified anchor to date the message" };
  if (!url) return { checked: false, detail: "no RPC URL for the registry's chain: key NOT checked" };
  try {
    const { provider, chainId } = await providerFor(url);
    if (chainId !== BigInt(r.chainId))
      return { checked: false, detail: `RPC is chain ${chainId}, registry on ${r.chainId}` };
    // deviceRecord(address): selector 0x27dc9894 (docs/protocol.md section 13.1), five 32-byte words back.
    const data = `0x27dc9894${r.key.toLowerCase().slice(2).padStart(64, "0")}`;
    const out = await withTimeout(provider.call({ to: r.contract, data }), "eth_call deviceRecord");
    if (out.length !== 2 + 64 * 5)
      return { checked: true, ok: false, detail: `no registry at ${r.contract}` };
    const word = (i) => out.slice(2 + 64 * i, 2 + 64 * (i + 1));
    const record = {
      registeredAt: Number(BigInt(`0x${word(0)}`)),
      revokedAt: Number(BigInt(`0x${word(1)}`)),
      metadataHash: `0x${word(4)}`,
    };
    const verdict = registryKeyOk(record, "device", b.publicKey, anchoredAt);
    return { checked: true, record, ...verdict };
  } catch (e) {
    return { checked: false, detail: `RPC error: ${e?.shortMessage ?? e?.message ?? e}` };
  }
}

async function checkAnchorOnChain({ provider, chainId }, a, rootLc, entry, opts) {
  let ok = true;
  const bad = (d) => {
    ok = false;
    entry.detail.push(d);
  };
  if (chainId !== BigInt(a.chainId)) {
    bad(`RPC is chain ${chainId}, anchor says ${a.chainId}`);
    return false;
  }
  const receipt = await withTimeout(provider.getTransactionReceipt(a.txHash), "eth_getTransactionReceipt");
  if (!receipt) {
    bad(`no receipt for ${a.txHash}`);
    return false;
  }
  if (receipt.status !== 1) bad(`transaction reverted (status ${receipt.status})`);
  if (receipt.blockNumber !== a.blockNumber)
    bad(`receipt block ${receipt.blockNumber} != anchor blockNumber ${a.blockNumber}`);
  const contractLc = a.contract.toLowerCase();
  const log = receipt.logs.find(
    (l) =>
      l.address.toLowerCase() === contractLc && l.topics.length >= 2 && l.topics[1].toLowerCase() === rootLc,
  );
  if (!log) bad(`no log from ${a.contract} with topics[1] = root in tx ${a.txHash}`);
  else {
    entry.eventTopic0 = log.topics[0];
    if (opts.eventTopic && log.topics[0].toLowerCase() !== opts.eventTopic.toLowerCase())
      bad(`event topic0 ${log.topics[0]} is not the expected ${opts.eventTopic}`);
  }
  const block = await withTimeout(provider.getBlock(receipt.blockNumber), "eth_getBlockByNumber");
  if (!block) bad(`block ${receipt.blockNumber} not found`);
  else {
    if (block.hash && receipt.blockHash && block.hash.toLowerCase() !== receipt.blockHash.toLowerCase())
      bad("receipt block hash differs from the canonical block (reorg?)");
    if (block.timestamp !== a.blockTimestamp)
      bad(`block timestamp ${block.timestamp} != anchor blockTimestamp ${a.blockTimestamp}`);
    const latest = await withTimeout(provider.getBlockNumber(), "eth_blockNumber");
    entry.confirmations = latest - receipt.blockNumber + 1;
    if (
      a.status === "final" &&
      opts.minConfirmationsFinal &&
      entry.confirmations < opts.minConfirmationsFinal
    ) {
      bad(`status final but only ${entry.confirmations} confirmation(s) (< ${opts.minConfirmationsFinal})`);
    }
  }
  if (ok)
    entry.detail.push(
      `root found in a log of ${a.contract} in block ${receipt.blockNumber} (${entry.confirmations} confirmation(s))`,
    );
  return ok;
}
