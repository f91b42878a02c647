import { bytesToHex, hexToBytes } from "./bytes.ts";
import { addressFromPublicKey, normalizeAddress } from "./identity.ts";
import type { ReadingPayload } from "./reading.ts";
import type { DecodedReading } from "./readingMessage.ts";

/** The fields of a proof bundle that repeat what the signed message bytes already say. */
export const INFORMATIVE_BUNDLE_FIELDS = ["messageId", "device", "publicKey", "reading"] as const;
export type InformativeBundleField = (typeof INFORMATIVE_BUNDLE_FIELDS)[number];

/** What a bundle claims next to its message bytes. */
export type InformativeFields = {
  messageId: string;
  device: string;
  publicKey: string;
  reading: unknown;
};

/** One informative field against the bytes: `null` when they agree, else why not (naming the field). */
export type FieldDisagreement = { field: InformativeBundleField; detail: string };

/**
 * Compares every informative field of a bundle with what the decoded message bytes say: `messageId` with
 * keccak256(message), `device` with the kid, `publicKey` with the key whose address is the kid, `reading`
 * with the signed payload (same keys, same JSON values; `prev` hex compared case-insensitively). A reader
 * sees these fields first, so a bundle whose fields say something the bytes do not is refused rather than
 * shown: an edited `reading` would otherwise be displayed next to a valid signature. The signature itself
 * is not checked here.
 * @example compareSignedFields(bundle, decodeReading(hexToBytes(bundle.message))) // [] when all agree
 */
export function compareSignedFields(fields: InformativeFields, decoded: DecodedReading): FieldDisagreement[] {
  const out: FieldDisagreement[] = [];
  if (fields.messageId.toLowerCase() !== decoded.messageId) {
    out.push({
      field: "messageId",
      detail: `bundle field messageId is ${fields.messageId}, keccak256(message) is ${decoded.messageId}`,
    });
  }
  const device = safeAddress(fields.device);
  if (device !== decoded.device) {
    out.push({
      field: "device",
      detail: `bundle field device is ${fields.device}, the message is signed by kid ${decoded.device}`,
    });
  }
  const keyAddress = addressOfKey(fields.publicKey);
  if (keyAddress === null) {
    out.push({
      field: "publicKey",
      detail: `bundle field publicKey ${fields.publicKey} is not a compressed secp256k1 key`,
    });
  } else if (keyAddress !== decoded.device) {
    out.push({
      field: "publicKey",
      detail: `bundle field publicKey belongs to ${keyAddress}, the message is signed by kid ${decoded.device}`,
    });
  }
  const diffs = readingDifferences(fields.reading, decoded.reading);
  if (diffs.length > 0) {
    out.push({
      field: "reading",
      detail: `bundle field reading differs from the signed payload: ${diffs.join("; ")}`,
    });
  }
  return out;
}

function safeAddress(address: string): string | null {
  try {
    return normalizeAddress(address);
  } catch {
    return null;
  }
}

function addressOfKey(publicKey: string): string | null {
  try {
    return addressFromPublicKey(hexToBytes(publicKey, 33));
  } catch {
    return null;
  }
}

const show = (value: unknown): string => (value === undefined ? "(absent)" : JSON.stringify(value));

/**
 * Where `reading` (JSON) differs from the signed payload. Numbers must be the same IEEE-754 double: JSON
 * writers print the shortest text that reads back as the same double, so an honest bundle always matches.
 */
function readingDifferences(reading: unknown, signed: ReadingPayload): string[] {
  if (typeof reading !== "object" || reading === null || Array.isArray(reading))
    return ["it is not an object"];
  const r = reading as Record<string, unknown>;
  const diffs: string[] = [];
  for (const key of ["v", "seq", "ts"] as const) {
    if (r[key] !== signed[key]) diffs.push(`${key} is ${show(r[key])}, signed ${signed[key]}`);
  }
  const prev = bytesToHex(signed.prev);
  if (typeof r.prev !== "string" || r.prev.toLowerCase() !== prev)
    diffs.push(`prev is ${show(r.prev)}, signed ${prev}`);
  const m = r.m;
  if (typeof m !== "object" || m === null || Array.isArray(m)) {
    diffs.push(`m is ${show(m)}, signed ${JSON.stringify(signed.m)}`);
  } else {
    const given = m as Record<string, unknown>;
    const names = new Set([...Object.keys(given), ...Object.keys(signed.m)]);
    for (const name of [...names].sort()) {
      const value = Object.hasOwn(given, name) ? given[name] : undefined;
      const want = Object.hasOwn(signed.m, name) ? signed.m[name] : undefined;
      if (value !== want) diffs.push(`m.${name} is ${show(value)}, signed ${show(want)}`);
    }
  }
  for (const key of Object.keys(r).sort()) {
    if (!["v", "seq", "ts", "prev", "m"].includes(key)) diffs.push(`${key} is not in the signed payload`);
  }
  return diffs;
}
