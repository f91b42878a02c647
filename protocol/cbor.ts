import { Decoder, Encoder } from "cbor-x";
import { ProtocolError, ProtocolErrorCode } from "./errors.ts";

/**
 * Bounds for decoding untrusted CBOR. The scan below enforces them before any allocation proportional
 * to a declared length happens, so hostile inputs (`9a01312d00`: "an array of 20 million items",
 * 200k nested arrays, indefinite lengths) are refused in time linear in the bytes actually present.
 */
export type CborLimits = {
  /** Maximum input size in bytes. */
  maxBytes: number;
  /** Maximum nesting depth of arrays and maps (top level container = 1). */
  maxDepth: number;
  /** Maximum items in one array or pairs in one map. */
  maxContainerItems: number;
  /** Maximum byte or text string length. */
  maxStringBytes: number;
};

/** Limits suited to a sensor reading or a CONNECT token (4 KiB, shallow). */
export const DEFAULT_CBOR_LIMITS: CborLimits = {
  maxBytes: 4096,
  maxDepth: 4,
  maxContainerItems: 64,
  maxStringBytes: 4096,
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** What {@link scanCbor} learned beyond well-formedness. */
export type CborScan = {
  /** For a top-level map: text key -> CBOR major type of its value (0 unsigned int, 1 negative int, 7 float/simple …). */
  topLevelValueTypes: Map<string, number>;
};

type Frame = { remaining: number; isMap: boolean; expectKey: boolean; keys: Set<string> | null };

function malformed(detail: string, offset: number): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.MalformedCbor, detail, { details: { offset } });
}

function unsupported(detail: string, offset: number): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.UnsupportedCbor, detail, { details: { offset } });
}

/**
 * Checks that `bytes` is exactly one well-formed CBOR item inside Sealtrail's accepted subset:
 * definite lengths only, no tags, no undefined or other simple values beyond false/true/null, integers
 * within ±(2^53-1), valid UTF-8 text, map keys that are integers or text and never repeated, and the
 * size/depth/length limits. Throws a {@link ProtocolError} (MALFORMED_CBOR, UNSUPPORTED_CBOR, TOO_LARGE).
 *
 * @example scanCbor(new Uint8Array([0x82, 0x01, 0x02])) // ok: [1, 2]
 */
export function scanCbor(bytes: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): CborScan {
  const topLevelValueTypes = new Map<string, number>();
  let topLevelKey: string | undefined;
  if (bytes.length > limits.maxBytes) {
    throw new ProtocolError(
      ProtocolErrorCode.TooLarge,
      `CBOR input of ${bytes.length} bytes exceeds ${limits.maxBytes}`,
      {
        details: { length: bytes.length, max: limits.maxBytes },
      },
    );
  }
  if (bytes.length === 0) throw malformed("empty input", 0);
  const stack: Frame[] = [];
  let pos = 0;
  let items = 0; // top-level items read

  while (true) {
    if (pos >= bytes.length) throw malformed("truncated: unexpected end of input", pos);
    const start = pos;
    const ib = bytes[pos++]!;
    const major = ib >> 5;
    const ai = ib & 0x1f;
    let arg: number;
    if (ai < 24) {
      arg = ai;
    } else if (ai <= 27) {
      const n = 1 << (ai - 24);
      if (pos + n > bytes.length) throw malformed("truncated argument", start);
      if (n === 8) {
        const hi = readUint(bytes, pos, 4);
        const lo = readUint(bytes, pos + 4, 4);
        if (hi > 0x1fffff && major !== 7) throw unsupported("integer or length beyond 2^53-1", start);
        // -1 - arg must stay within -(2^53-1) too.
        if (major === 1 && hi === 0x1fffff && lo === 0xffffffff)
          throw unsupported("integer beyond -(2^53-1)", start);
        arg = major === 7 ? 0 : hi * 0x100000000 + lo;
      } else {
        arg = readUint(bytes, pos, n);
      }
      pos += n;
      // Preferred serialization of heads (RFC 8949 §4.2.1): an argument that fits a shorter form must use
      // it. Without this rule the unsigned parts of a COSE_Sign1 (tag, array and bstr heads) could be
      // re-encoded by a relay, giving one signed reading several message ids. Floats are exempt.
      if (major !== 7 && arg < (ai === 24 ? 24 : ai === 25 ? 0x100 : ai === 26 ? 0x10000 : 0x100000000)) {
        throw unsupported("integer or length not in its shortest form", start);
      }
    } else if (ai === 31) {
      if (major === 7) throw malformed("unexpected break", start);
      if (major >= 2 && major <= 5) throw unsupported("indefinite-length items are not accepted", start);
      throw malformed("reserved additional information", start);
    } else {
      throw malformed("reserved additional information", start);
    }

    const frame = stack[stack.length - 1];
    const isKey = frame?.isMap === true && frame.expectKey;
    if (stack.length === 1 && frame?.isMap && !isKey && topLevelKey !== undefined) {
      topLevelValueTypes.set(topLevelKey, major);
      topLevelKey = undefined;
    }
    if (isKey && major !== 0 && major !== 1 && major !== 3)
      throw unsupported("map keys must be integers or text", start);

    let opensContainer = false;
    switch (major) {
      case 0:
      case 1:
        if (isKey) registerKey(frame!, major === 0 ? `i${arg}` : `i-${arg + 1}`, start);
        break;
      case 2:
      case 3: {
        if (pos + arg > bytes.length) throw malformed("truncated string", start);
        if (arg > limits.maxStringBytes)
          throw unsupported(`string of ${arg} bytes exceeds ${limits.maxStringBytes}`, start);
        if (major === 3) {
          let text: string;
          try {
            text = utf8.decode(bytes.subarray(pos, pos + arg));
          } catch {
            throw malformed("text string is not valid UTF-8", start);
          }
          if (isKey) {
            registerKey(frame!, `t${text}`, start);
            if (stack.length === 1) topLevelKey = text;
          }
        }
        pos += arg;
        break;
      }
      case 4:
      case 5: {
        const perItem = major === 4 ? 1 : 2;
        if (arg * perItem > bytes.length - pos)
          throw malformed("truncated: container declares more items than bytes remain", start);
        if (arg > limits.maxContainerItems)
          throw unsupported(`container of ${arg} items exceeds ${limits.maxContainerItems}`, start);
        if (stack.length + 1 > limits.maxDepth)
          throw unsupported(`nesting deeper than ${limits.maxDepth}`, start);
        if (arg > 0) {
          stack.push({
            remaining: arg * perItem,
            isMap: major === 5,
            expectKey: true,
            keys: major === 5 ? new Set() : null,
          });
          opensContainer = true;
        }
        break;
      }
      case 6:
        throw unsupported("CBOR tags are not accepted here", start);
      default: // major 7
        if (ai === 20 || ai === 21 || ai === 22 || ai === 25 || ai === 26 || ai === 27) break;
        throw unsupported("simple value not accepted (only false, true, null and floats)", start);
    }

    if (opensContainer) continue;
    // One item finished: pop every container it completes.
    let done = true;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      top.remaining--;
      if (top.isMap) top.expectKey = !top.expectKey;
      if (top.remaining > 0) {
        done = false;
        break;
      }
      stack.pop();
    }
    if (done) {
      items++;
      break;
    }
  }
  if (items !== 1 || pos !== bytes.length) throw malformed("trailing bytes after the CBOR item", pos);
  return { topLevelValueTypes };
}

function readUint(bytes: Uint8Array, pos: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + bytes[pos + i]!;
  return v;
}

function registerKey(frame: Frame, key: string, offset: number): void {
  if (frame.keys!.has(key)) throw unsupported("duplicate map key", offset);
  frame.keys!.add(key);
}

// Maps decode as Map (never as objects: no prototype keys), no records, no structured clone.
const decoder = new Decoder({
  mapsAsObjects: false,
  useRecords: false,
  structuredClone: false,
  bundleStrings: false,
});
const encoder = new Encoder({
  mapsAsObjects: false,
  useRecords: false,
  structuredClone: false,
  tagUint8Array: false,
  variableMapSize: true,
  pack: false,
});

/**
 * Decodes untrusted CBOR after {@link scanCbor} accepted it. Maps become `Map`, byte strings `Uint8Array`.
 * @example decodeCbor(new Uint8Array([0xa1, 0x61, 0x76, 0x01])) // Map { "v" => 1 }
 */
export function decodeCbor(bytes: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): unknown {
  return decodeCborScanned(bytes, limits).value;
}

/**
 * {@link decodeCbor} plus what the scan saw, for callers that must tell integers from floats (a decoded
 * number cannot): the CBOR major type of each value of a top-level map with text keys.
 * @example decodeCborScanned(bytes).scan.topLevelValueTypes.get("seq") // 0 (unsigned integer)
 */
export function decodeCborScanned(
  bytes: Uint8Array,
  limits: CborLimits = DEFAULT_CBOR_LIMITS,
): { value: unknown; scan: CborScan } {
  const scan = scanCbor(bytes, limits);
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (cause) {
    throw new ProtocolError(ProtocolErrorCode.MalformedCbor, "CBOR decoder refused the input", { cause });
  }
  return { value: fromDecoder(value), scan };
}

// cbor-x yields bigint for 8-byte integers; the scan already bounded them to ±(2^53-1).
function fromDecoder(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(fromDecoder);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(fromDecoder(k), fromDecoder(v));
    return out;
  }
  return value;
}

// cbor-x writes integers beyond 32 bits as float64 unless given a bigint.
function toEncoder(value: unknown): unknown {
  if (typeof value === "number" && Number.isSafeInteger(value) && Math.abs(value) > 0xffffffff)
    return BigInt(value);
  if (Array.isArray(value)) return value.map(toEncoder);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(toEncoder(k), toEncoder(v));
    return out;
  }
  return value;
}

/**
 * Encodes a value as CBOR. Pass `Map`s for maps (they keep insertion order) and `Uint8Array` for byte strings;
 * integers use their shortest form, non-integers float64.
 * @example encodeCbor(["Signature1", new Uint8Array()]) // 82 6a 5369676e617475726531 40
 */
export function encodeCbor(value: unknown): Uint8Array {
  const out = encoder.encode(toEncoder(value));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength).slice();
}
