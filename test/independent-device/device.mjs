// An independent Sealtrail v1 device, written from docs/protocol.md (and README.md for the HTTP API) only.
// Nothing under protocol/, gateway/, device-firmware-sim/, api/, cli/ or test/vectors/buildVectors.ts was read
// or imported. Plain JavaScript on purpose; standard libraries only: @noble/secp256k1 + @noble/hashes for the
// crypto, mqtt (mqtt.js 5, MQTT 3.1.1) for the transport. CBOR is encoded (and, for the errors topic, decoded)
// by hand below, following the spec's CBOR profile (section 4).
//
//   node test/independent-device/device.mjs --api URL --mqtt URL --admin-token T [--count 20] [--label L]
//        [--key 0x<64 hex>]        (default: a fresh random key)
//
// Test-only code: it keeps its state (seq, prev, outbox) in memory, unlike a real device (protocol.md §10.2).

import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import * as secp from "@noble/secp256k1";
import mqtt from "mqtt";

secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, msg) => hmac(sha256, key, msg);

// ---------------------------------------------------------------------------------------------------------
// bytes / hex
// ---------------------------------------------------------------------------------------------------------

export function toHex(bytes) {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

export function fromHex(hex, expectedLength) {
  if (typeof hex !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(hex))
    throw new Error(`not a 0x hex string: ${hex}`);
  const out = new Uint8Array(Buffer.from(hex.slice(2), "hex"));
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new Error(`expected ${expectedLength} bytes, got ${out.length}`);
  }
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const keccak256 = (bytes) => keccak_256(bytes);

// ---------------------------------------------------------------------------------------------------------
// CBOR encoder (RFC 8949), the profile of protocol.md §4: definite lengths, shortest heads, integers as
// integers, untagged byte strings. Only what a device emits: uint, nint, bytes, text, map (ordered), float64.
// ---------------------------------------------------------------------------------------------------------

const MAX_SAFE = 2n ** 53n - 1n;

/** Head of major type `major` (0..7) with argument `arg` (number or bigint), shortest form. */
function head(major, arg) {
  const v = BigInt(arg);
  if (v < 0n) throw new Error("negative head argument");
  const mt = major << 5;
  if (v < 24n) return Uint8Array.of(mt | Number(v));
  if (v < 0x100n) return Uint8Array.of(mt | 24, Number(v));
  if (v < 0x10000n) return Uint8Array.of(mt | 25, Number(v >> 8n), Number(v & 0xffn));
  if (v < 0x100000000n) {
    const b = new Uint8Array(5);
    b[0] = mt | 26;
    new DataView(b.buffer).setUint32(1, Number(v));
    return b;
  }
  if (v < 2n ** 64n) {
    const b = new Uint8Array(9);
    b[0] = mt | 27;
    new DataView(b.buffer).setBigUint64(1, v);
    return b;
  }
  throw new Error("CBOR argument too large");
}

const utf8 = new TextEncoder();

/** Tagged-union CBOR values so that nothing is guessed: an integer stays an integer, a float a float. */
export const C = {
  int: (n) => {
    const v = BigInt(n);
    if (v > MAX_SAFE || v < -MAX_SAFE) throw new Error(`integer outside ±(2^53−1): ${n}`);
    return { t: "int", v };
  },
  float: (x) => {
    if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
    return { t: "f64", v: x };
  },
  bytes: (b) => ({ t: "bytes", v: b }),
  text: (s) => ({ t: "text", v: s }),
  /** entries: array of [key (string | integer), value], written in this order. */
  map: (entries) => ({ t: "map", v: entries }),
  array: (items) => ({ t: "array", v: items }),
  null: () => ({ t: "null" }),
};

export function encodeCbor(item) {
  switch (item.t) {
    case "int":
      return item.v >= 0n ? head(0, item.v) : head(1, -1n - item.v);
    case "f64": {
      const b = new Uint8Array(9);
      b[0] = 0xfb;
      new DataView(b.buffer).setFloat64(1, item.v);
      return b;
    }
    case "bytes":
      return concat(head(2, item.v.length), item.v);
    case "text": {
      const b = utf8.encode(item.v);
      return concat(head(3, b.length), b);
    }
    case "array":
      return concat(head(4, item.v.length), ...item.v.map(encodeCbor));
    case "map": {
      const parts = [head(5, item.v.length)];
      for (const [k, val] of item.v) {
        parts.push(encodeCbor(typeof k === "string" ? C.text(k) : C.int(k)));
        parts.push(encodeCbor(val));
      }
      return concat(...parts);
    }
    case "null":
      return Uint8Array.of(0xf6);
    default:
      throw new Error(`unknown CBOR item ${item.t}`);
  }
}

/**
 * A small CBOR decoder, used only to read the gateway's notices on the errors topic (§9). Lenient: it is a
 * log reader, not a verifier. Returns JS values: numbers (bigint above 2^53), Uint8Array, strings, arrays,
 * Map for maps (plain object when all keys are strings), null/true/false/undefined.
 */
export function decodeCbor(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  /** Advances past n bytes and returns the offset where they start. */
  const take = (n) => {
    if (off + n > bytes.length) throw new Error("truncated CBOR");
    const at = off;
    off += n;
    return at;
  };
  const arg = (ai) => {
    if (ai < 24) return ai;
    if (ai === 24) return bytes[take(1)];
    if (ai === 25) return dv.getUint16(take(2));
    if (ai === 26) return dv.getUint32(take(4));
    if (ai === 27) {
      const v = dv.getBigUint64(take(8));
      return v <= MAX_SAFE ? Number(v) : v;
    }
    throw new Error(`unsupported additional info ${ai}`);
  };
  const item = () => {
    const ib = bytes[take(1)];
    const major = ib >> 5;
    const ai = ib & 31;
    if (major === 7) {
      if (ai === 20) return false;
      if (ai === 21) return true;
      if (ai === 22) return null;
      if (ai === 23) return undefined;
      if (ai === 25) return halfToNumber(dv.getUint16(take(2)));
      if (ai === 26) return dv.getFloat32(take(4));
      if (ai === 27) return dv.getFloat64(take(8));
      throw new Error(`unsupported simple value ${ai}`);
    }
    const n = arg(ai);
    switch (major) {
      case 0:
        return n;
      case 1:
        return typeof n === "bigint" ? -1n - n : -1 - n;
      case 2: {
        const at = take(Number(n));
        return bytes.slice(at, at + Number(n));
      }
      case 3: {
        const at = take(Number(n));
        return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(at, at + Number(n)));
      }
      case 4:
        return Array.from({ length: Number(n) }, item);
      case 5: {
        const m = new Map();
        for (let i = 0; i < Number(n); i++) m.set(item(), item());
        return [...m.keys()].every((k) => typeof k === "string") ? Object.fromEntries(m) : m;
      }
      case 6:
        return { tag: n, value: item() };
      default:
        throw new Error("unreachable");
    }
  };
  const out = item();
  if (off !== bytes.length) throw new Error("trailing bytes after CBOR item");
  return out;
}

function halfToNumber(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

// ---------------------------------------------------------------------------------------------------------
// Identity (§3)
// ---------------------------------------------------------------------------------------------------------

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A fresh private key from the CSPRNG, 1 ≤ k < n (EXAMPLE / test use). */
export function generatePrivateKey() {
  for (;;) {
    const k = new Uint8Array(randomBytes(32));
    const v = BigInt(toHex(k));
    if (v >= 1n && v < N) return k;
  }
}

export function identityFromPrivateKey(privateKey) {
  const sk = typeof privateKey === "string" ? fromHex(privateKey, 32) : privateKey;
  const publicKey = secp.getPublicKey(sk, true); // 33 bytes, 02/03 ‖ x
  const uncompressed = secp.getPublicKey(sk, false); // 65 bytes, 04 ‖ x ‖ y
  const addressBytes = keccak256(uncompressed.subarray(1)).subarray(12); // last 20 bytes
  return {
    privateKey: sk,
    publicKey,
    addressBytes,
    address: toHex(addressBytes), // lowercase, the written form for MQTT, topics, cid, APIs
  };
}

// ---------------------------------------------------------------------------------------------------------
// COSE_Sign1 / ES256K (§5)
// ---------------------------------------------------------------------------------------------------------

/** The 26-byte protected header a2 01 38 2e 04 54 <kid>: {1: -47, 4: kid}, alg first. */
export function protectedHeader(addressBytes) {
  return encodeCbor(
    C.map([
      [1, C.int(-47)],
      [4, C.bytes(addressBytes)],
    ]),
  );
}

/** Tagged COSE_Sign1 over `payload` (CBOR bytes), signed with the identity's key. */
export function coseSign1(identity, payload) {
  const prot = protectedHeader(identity.addressBytes);
  if (prot.length !== 26) throw new Error("protected header must be 26 bytes");
  const sigStructure = encodeCbor(
    C.array([C.text("Signature1"), C.bytes(prot), C.bytes(new Uint8Array(0)), C.bytes(payload)]),
  );
  const digest = sha256(sigStructure);
  // RFC 6979 nonces (noble's default without extraEntropy), the digest signed as is, low-S, compact r ‖ s.
  const signature = secp.sign(digest, identity.privateKey, { prehash: false, lowS: true });
  if (signature.length !== 64) throw new Error("signature must be 64 bytes");
  const s = BigInt(toHex(signature.subarray(32)));
  if (s > N / 2n) throw new Error("high-S signature (signer bug)");
  const body = encodeCbor(C.array([C.bytes(prot), C.map([]), C.bytes(payload), C.bytes(signature)]));
  return concat(Uint8Array.of(0xd2), body); // tag 18, one byte
}

// ---------------------------------------------------------------------------------------------------------
// Reading payload v1 (§6) and CONNECT token (§9)
// ---------------------------------------------------------------------------------------------------------

export const GENESIS_PREV = new Uint8Array(32);
const NAME_RE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/**
 * Encodes a reading payload: keys in the order v, seq, ts, prev, m; measurements in the given order,
 * integral values as CBOR integers, others as float64 (what §16 calls Sealtrail's own encoder's choice).
 */
export function encodeReadingPayload({ seq, ts, prev, m }) {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`bad seq ${seq}`);
  if (!Number.isSafeInteger(ts) || ts < 0) throw new Error(`bad ts ${ts}`);
  if (!(prev instanceof Uint8Array) || prev.length !== 32) throw new Error("prev must be 32 bytes");
  if (seq === 1 && prev.some((b) => b !== 0)) throw new Error("prev must be 32 zero bytes when seq = 1");
  const names = Object.keys(m);
  if (names.length < 1 || names.length > 32) throw new Error("1 to 32 measurements");
  const entries = names.map((name) => {
    if (name.length > 32 || !NAME_RE.test(name)) throw new Error(`bad measurement name ${name}`);
    const x = m[name];
    if (typeof x !== "number" || !Number.isFinite(x)) throw new Error(`bad measurement value ${name}=${x}`);
    return [name, Number.isSafeInteger(x) ? C.int(x) : C.float(x)];
  });
  return encodeCbor(
    C.map([
      ["v", C.int(1)],
      ["seq", C.int(seq)],
      ["ts", C.int(ts)], // ≥ 2^32 for any current date: the 1b head, as an integer, never a float
      ["prev", C.bytes(prev)],
      ["m", C.map(entries)],
    ]),
  );
}

/** Signs a reading; returns { message, messageId (0x hex), messageIdBytes }. */
export function signReading(identity, reading) {
  const message = coseSign1(identity, encodeReadingPayload(reading));
  if (message.length > 4096) throw new Error("message above the 4096-byte limit");
  const messageIdBytes = keccak256(message);
  return { message, messageIdBytes, messageId: toHex(messageIdBytes) };
}

/** The CONNECT token (§9): COSE_Sign1 over {aud: "sealtrail", iat: seconds, cid: lowercase address}. */
export function signConnectToken(identity, iatSeconds) {
  if (!Number.isSafeInteger(iatSeconds) || iatSeconds < 0) throw new Error(`bad iat ${iatSeconds}`);
  const payload = encodeCbor(
    C.map([
      ["aud", C.text("sealtrail")],
      ["iat", C.int(iatSeconds)],
      ["cid", C.text(identity.address)],
    ]),
  );
  return coseSign1(identity, payload);
}

// ---------------------------------------------------------------------------------------------------------
// HTTP registration (README.md: POST /api/v1/devices with the admin bearer token)
// ---------------------------------------------------------------------------------------------------------

export async function registerDevice({ apiUrl, adminToken, identity, label }) {
  const res = await fetch(`${apiUrl.replace(/\/$/, "")}/api/v1/devices`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ publicKey: toHex(identity.publicKey), label }),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`registration failed: HTTP ${res.status} ${text}`);
  }
  const returned = body && typeof body === "object" ? body.address : undefined;
  if (typeof returned === "string" && returned.toLowerCase() !== identity.address) {
    throw new Error(`registration returned address ${returned}, expected ${identity.address}`);
  }
  return { status: res.status, body };
}

// ---------------------------------------------------------------------------------------------------------
// The device loop: CONNECT (fresh token), SUBSCRIBE errors, PUBLISH QoS 1 one at a time, outbox, resend.
// ---------------------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Default measurements of a small cold-chain sensor. */
function defaultMeasure(seq) {
  return { temp_c: Math.round((3.5 + 0.1 * Math.sin(seq)) * 100) / 100, rh_pct: 55 + (seq % 5) };
}

/**
 * Runs the device: registers it, connects, publishes `count` chained readings and waits for each PUBACK.
 * Options: apiUrl, mqttUrl, adminToken, count, label, privateKey (hex or bytes; default random),
 * register (default true), measure(seq) → m, log(line), maxAttempts (connections, default 6).
 * Returns { address, publicKey, messageIds, messages, pubacks, refusals, connects, firstPublishAt }.
 */
export async function runDevice(options) {
  const {
    apiUrl,
    mqttUrl,
    adminToken,
    count = 20,
    label = "independent device",
    privateKey,
    register = true,
    measure = defaultMeasure,
    log = () => {},
    maxAttempts = 6,
  } = options;
  const identity = identityFromPrivateKey(privateKey ?? generatePrivateKey());
  log(`device ${identity.address} (public key ${toHex(identity.publicKey)})`);
  if (register) {
    const r = await registerDevice({ apiUrl, adminToken, identity, label });
    log(`registered: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }

  // Device state (§10): next seq, prev, and the outbox of signed-but-unacknowledged messages.
  let nextSeq = 1;
  let prev = GENESIS_PREV;
  let lastIat = 0;
  const outbox = []; // { seq, message, messageId }, in seq order
  const messageIds = [];
  const messages = [];
  const refusals = []; // errors-topic notices and refused CONNECTs
  const acked = new Set();
  let pubacks = 0;
  let connects = 0;
  let firstPublishAt;

  // Signs the next reading when the previous one is settled; ts = the measurement time (ms).
  const signNext = () => {
    const ts = Date.now();
    const seq = nextSeq;
    const signed = signReading(identity, { seq, ts, prev, m: measure(seq) });
    nextSeq = seq + 1;
    prev = signed.messageIdBytes; // (a real device persists next_seq, prev and the message here, §10.2)
    outbox.push({ seq, message: signed.message, messageId: signed.messageId });
    messageIds.push(signed.messageId);
    messages.push(toHex(signed.message));
  };

  const readingsTopic = `devices/${identity.address}/readings`;
  const errorsTopic = `devices/${identity.address}/errors`;
  let signed = 0;
  let attempt = 0;
  let backoff = 1000;

  while (signed < count || outbox.length > 0) {
    if (attempt >= maxAttempts)
      throw new Error(`gave up after ${attempt} connections; refusals ${JSON.stringify(refusals)}`);
    attempt++;
    const iat = Math.max(Math.floor(Date.now() / 1000), lastIat + 1); // §9: strictly increasing iat
    lastIat = iat;
    const client = mqtt.connect(mqttUrl, {
      protocolVersion: 4, // MQTT 3.1.1
      clientId: identity.address,
      username: identity.address,
      password: Buffer.from(signConnectToken(identity, iat)), // raw bytes, not hex
      clean: true,
      reconnectPeriod: 0, // reconnects are ours (fresh token each time)
      connectTimeout: 10_000,
    });
    let closed = false;
    const closedPromise = new Promise((resolve) => client.once("close", () => resolve()));
    client.on("close", () => {
      closed = true;
    });
    client.on("packetreceive", (packet) => {
      if (packet.cmd === "puback") pubacks++;
    });
    client.on("message", (topic, payload) => {
      if (topic !== errorsTopic) return;
      let notice;
      try {
        notice = decodeCbor(new Uint8Array(payload));
      } catch (e) {
        notice = { id: null, code: "UNDECODABLE_NOTICE", detail: `${e.message}: ${toHex(payload)}` };
      }
      log(`errors topic: ${JSON.stringify(notice)}`);
      refusals.push(notice);
    });
    const connected = await new Promise((resolve) => {
      client.once("connect", () => resolve({ ok: true }));
      client.once("error", (err) => resolve({ ok: false, err }));
      client.once("close", () => resolve({ ok: false, err: new Error("closed before CONNACK") }));
    });
    if (!connected.ok) {
      const code = connected.err?.code;
      log(`CONNECT refused: ${connected.err?.message} (CONNACK ${code})`);
      refusals.push({ id: null, code: `CONNACK_${code ?? "none"}`, detail: String(connected.err?.message) });
      client.end(true);
      // 2, 4 and 5 are permanent for this key/token logic except 4 on clock trouble; do not hammer.
      if (code === 2 || code === 5) throw new Error(`CONNECT refused with CONNACK ${code}`);
      await sleep(backoff + Math.random() * 250);
      backoff = Math.min(backoff * 2, 60_000);
      continue;
    }
    connects++;
    backoff = 1000;
    log(`connected (iat ${iat})`);
    // Wait for the SUBACK before publishing, so that a notice about the first PUBLISH cannot be missed.
    const subscribed = await new Promise((resolve) =>
      client.subscribe(errorsTopic, { qos: 0 }, (err, granted) =>
        resolve(err ? err : granted?.some((g) => g.qos === 0x80) ? new Error("SUBSCRIBE refused") : null),
      ),
    );
    if (subscribed !== null) {
      client.end(true);
      throw new Error(`cannot subscribe to ${errorsTopic}: ${subscribed.message}`);
    }

    // Resend the outbox in seq order (same bytes), then sign and publish new readings, one at a time.
    try {
      for (;;) {
        if (outbox.length === 0) {
          if (signed >= count) break;
          signNext();
          signed++;
        }
        const entry = outbox[0];
        if (firstPublishAt === undefined) firstPublishAt = Date.now();
        const ok = await new Promise((resolve) => {
          if (closed) return resolve(false);
          const onClose = () => resolve(false);
          client.once("close", onClose);
          client.publish(readingsTopic, Buffer.from(entry.message), { qos: 1, retain: false }, (err) => {
            client.removeListener("close", onClose);
            resolve(!err);
          });
        });
        if (!ok) {
          // Closed without a PUBACK: refused (a notice names the id) → drop; otherwise keep it and resend.
          await sleep(100); // let a notice published just before the close arrive
          if (refusals.some((r) => r.id === entry.messageId)) {
            log(`seq ${entry.seq} refused, dropped from the outbox`);
            outbox.shift();
          }
          break;
        }
        acked.add(entry.messageId);
        outbox.shift();
        log(`PUBACK seq ${entry.seq} ${entry.messageId}`);
      }
    } finally {
      if (!closed) client.end(false);
      await Promise.race([closedPromise, sleep(2000)]);
    }
    if (signed >= count && outbox.length === 0) break;
    await sleep(backoff + Math.random() * 250);
    backoff = Math.min(backoff * 2, 60_000);
  }

  return {
    address: identity.address,
    publicKey: toHex(identity.publicKey),
    messageIds,
    messages,
    pubacks,
    acked: acked.size,
    refusals,
    connects,
    firstPublishAt,
  };
}

// ---------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--api") out.apiUrl = next();
    else if (a === "--mqtt") out.mqttUrl = next();
    else if (a === "--admin-token") out.adminToken = next();
    else if (a === "--count") out.count = Number(next());
    else if (a === "--label") out.label = next();
    else if (a === "--key") out.privateKey = next();
    else if (a === "--no-register") out.register = false;
    else if (a === "--help" || a === "-h") out.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (args.help || !args.apiUrl || !args.mqttUrl || (args.register !== false && !args.adminToken)) {
    console.error(
      "usage: node test/independent-device/device.mjs --api URL --mqtt URL --admin-token T [--count 20] [--label L] [--key 0x…] [--no-register]",
    );
    process.exit(2);
  }
  if (!Number.isSafeInteger(args.count ?? 20) || (args.count ?? 20) < 1) {
    console.error("--count must be a positive integer");
    process.exit(2);
  }
  const result = await runDevice({ ...args, log: (line) => console.error(line) });
  console.log(JSON.stringify({ ...result, messages: undefined }, null, 2));
  process.exit(result.acked === (args.count ?? 20) && result.refusals.length === 0 ? 0 : 1);
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  main().catch((e) => {
    console.error(e?.stack ?? String(e));
    process.exit(1);
  });
}
