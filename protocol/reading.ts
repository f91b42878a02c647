import { type CborLimits, DEFAULT_CBOR_LIMITS, decodeCborScanned, encodeCbor } from "./cbor.ts";
import { ProtocolError, ProtocolErrorCode, validateArgument } from "./errors.ts";

/** Payload format version carried in `v`. */
export const READING_PAYLOAD_VERSION = 1;
/** Limits on the measurement map. */
export const MAX_MEASUREMENTS = 32;
/** Measurement names: lowercase, at least one `_unit` suffix (`temp_c`, `rh_pct`). */
export const MEASUREMENT_NAME_RE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;
export const MAX_MEASUREMENT_NAME_LENGTH = 32;

/** Measurement names the docs define (others following the naming rule are accepted and stored). */
export const KNOWN_MEASUREMENTS = {
  temp_c: "temperature, degrees Celsius",
  rh_pct: "relative humidity, percent",
  lat_deg: "latitude, WGS 84 decimal degrees",
  lon_deg: "longitude, WGS 84 decimal degrees",
  shock_g: "peak acceleration since the previous reading, g",
  batt_v: "battery voltage, volts",
  door_open: "door state, 1 open / 0 closed (unit: boolean as number)",
  light_lux: "illuminance, lux",
  pressure_hpa: "air pressure, hectopascal",
} as const;

/** A decoded reading payload v1. */
export type ReadingPayload = {
  v: 1;
  /** 1 for the first reading, +1 for each next one. */
  seq: number;
  /** Device clock, ms since the Unix epoch. */
  ts: number;
  /** keccak256 of the previous message's raw bytes (32 zero bytes when seq = 1). */
  prev: Uint8Array;
  /** Measurement name -> value. */
  m: Record<string, number>;
};

const PAYLOAD_KEYS = ["v", "seq", "ts", "prev", "m"] as const;

function invalid(detail: string, details?: Record<string, unknown>): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidPayload, detail, details ? { details } : {});
}

/**
 * Checks a reading payload object; throws INVALID_PAYLOAD / UNSUPPORTED_VERSION with the first problem found.
 * @example validateReadingPayload({ v: 1, seq: 1, ts: Date.now(), prev: new Uint8Array(32), m: { temp_c: 4.2 } })
 */
export function validateReadingPayload(p: ReadingPayload): void {
  if (p.v !== READING_PAYLOAD_VERSION) {
    throw new ProtocolError(ProtocolErrorCode.UnsupportedVersion, "payload version must be 1", {
      details: { v: String(p.v) },
    });
  }
  if (!Number.isSafeInteger(p.seq) || p.seq < 1) throw invalid("seq must be an integer >= 1");
  if (!Number.isSafeInteger(p.ts) || p.ts < 0) throw invalid("ts must be an integer >= 0 (ms since epoch)");
  if (!(p.prev instanceof Uint8Array) || p.prev.length !== 32) throw invalid("prev must be 32 bytes");
  if (p.seq === 1 && p.prev.some((b) => b !== 0)) throw invalid("prev must be 32 zero bytes when seq = 1");
  const names = Object.keys(p.m);
  if (names.length === 0 || names.length > MAX_MEASUREMENTS)
    throw invalid(`m must hold 1..${MAX_MEASUREMENTS} measurements`);
  for (const name of names) {
    if (name.length > MAX_MEASUREMENT_NAME_LENGTH || !MEASUREMENT_NAME_RE.test(name)) {
      throw invalid("measurement name must be lowercase name_unit", { name: name.slice(0, 40) });
    }
    const value = p.m[name];
    if (typeof value !== "number" || !Number.isFinite(value))
      throw invalid("measurement value must be a finite number", { name });
  }
}

/**
 * Encodes a reading payload v1 as CBOR (map with text keys in the order v, seq, ts, prev, m).
 * @example encodeReadingPayload({ v: 1, seq: 1, ts: 1763700000000, prev: new Uint8Array(32), m: { temp_c: 4.5 } })
 */
export function encodeReadingPayload(p: ReadingPayload): Uint8Array {
  validateReadingPayload(p);
  return encodeCbor(
    new Map<string, unknown>([
      ["v", p.v],
      ["seq", p.seq],
      ["ts", p.ts],
      ["prev", p.prev],
      ["m", new Map(Object.entries(p.m))],
    ]),
  );
}

/**
 * Decodes and validates untrusted payload bytes. Unknown or missing keys are refused.
 * @example decodeReadingPayload(payloadBytes).seq // 1
 */
export function decodeReadingPayload(
  bytes: Uint8Array,
  limits: CborLimits = DEFAULT_CBOR_LIMITS,
): ReadingPayload {
  const { value, scan } = decodeCborScanned(bytes, limits);
  if (!(value instanceof Map)) throw invalid("payload must be a CBOR map");
  // A payload without `v` is not a reading of any version: a missing key (section 6), INVALID_PAYLOAD.
  if (!value.has("v")) throw invalid('payload key "v" is missing');
  // The version decides what the other keys mean, so it is checked before them: a v2 payload with new
  // keys is UNSUPPORTED_VERSION, not INVALID_PAYLOAD.
  if (value.get("v") !== READING_PAYLOAD_VERSION) {
    throw new ProtocolError(ProtocolErrorCode.UnsupportedVersion, "payload version must be 1", {
      details: { v: String(value.get("v")) },
    });
  }
  for (const key of value.keys()) {
    if (typeof key !== "string" || !(PAYLOAD_KEYS as readonly string[]).includes(key)) {
      throw invalid("unknown payload key", { key: String(key).slice(0, 40) });
    }
  }
  for (const key of PAYLOAD_KEYS) if (!value.has(key)) throw invalid(`payload key "${key}" is missing`);
  // A decoded 1.0 and 1 look alike: v, seq and ts must be CBOR unsigned integers (major type 0).
  for (const key of ["v", "seq", "ts"]) {
    if (scan.topLevelValueTypes.get(key) !== 0)
      throw invalid(`${key} must be encoded as an unsigned integer`);
  }
  const m = value.get("m");
  if (!(m instanceof Map)) throw invalid("m must be a map of name -> number");
  const measurements: Record<string, number> = Object.create(null);
  for (const [name, v] of m) {
    if (typeof name !== "string") throw invalid("measurement names must be text");
    measurements[name] = v as number;
  }
  const payload = {
    v: value.get("v"),
    seq: value.get("seq"),
    ts: value.get("ts"),
    prev: value.get("prev"),
    m: measurements,
  } as ReadingPayload;
  validateReadingPayload(payload);
  return { ...payload, m: { ...measurements } };
}

/** The 32 zero bytes used as `prev` of the first reading. */
export const GENESIS_PREV = new Uint8Array(32);

/** Checks the arguments of a payload a device is about to sign (caller mistakes, not device input). */
export function assertSignableReading(p: ReadingPayload): void {
  validateArgument(typeof p === "object" && p !== null, "reading payload must be an object");
  validateReadingPayload(p);
}
