import { compressPublicKey, hexToBytes, isProtocolError } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { parseGiai } from "./parseGiai.ts";

export const MAX_LABEL_LENGTH = 100;

/** A validated `POST /devices` body. */
export type DeviceRegistration = {
  /** 33-byte compressed secp256k1 key, checked to be on the curve. */
  publicKey: Uint8Array;
  label: string;
  /** The device's GIAI (bare key), when given. */
  giai?: string;
};

const ALLOWED_KEYS = new Set(["publicKey", "label", "giai"]);
// Labels are shown in the scan page and logs: no control characters (line breaks, escapes).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

function invalidBody(message: string): ApiError {
  return new ApiError(400, ApiErrorCode.InvalidBody, message);
}

/**
 * Checks a registration body: `{ publicKey: "0x…" (33-byte compressed or 65-byte uncompressed),
 * label: 1..100 characters, giai?: GIAI }`, nothing else. Throws INVALID_BODY, INVALID_PUBLIC_KEY or
 * INVALID_GIAI.
 * @example parseDeviceRegistration({ publicKey: "0x02…", label: "truck 7 fridge" }).publicKey.length // 33
 */
export function parseDeviceRegistration(body: unknown): DeviceRegistration {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidBody("body must be a JSON object { publicKey, label }");
  }
  const unknownKey = Object.keys(body).find((k) => !ALLOWED_KEYS.has(k));
  if (unknownKey !== undefined) throw invalidBody(`unknown field ${JSON.stringify(unknownKey.slice(0, 40))}`);
  const fields = body as { publicKey?: unknown; label?: unknown; giai?: unknown };
  // The label is checked first (documented order of refusals).
  const label = parseLabelField(fields.label);
  const publicKey = parsePublicKeyField(fields.publicKey);
  return fields.giai === undefined
    ? { publicKey, label }
    : { publicKey, label, giai: parseGiai(fields.giai) };
}

/** The `label` field of a device body: 1..100 characters, no control characters; throws INVALID_BODY. */
export function parseLabelField(label: unknown): string {
  if (typeof label !== "string") throw invalidBody("label must be a string");
  const length = [...label].length;
  if (length < 1 || length > MAX_LABEL_LENGTH) {
    throw invalidBody(`label must be 1 to ${MAX_LABEL_LENGTH} characters`);
  }
  if (CONTROL_RE.test(label)) throw invalidBody("label must not contain control characters");
  return label;
}

/**
 * The `publicKey` field of a device body: 33-byte compressed or 65-byte uncompressed hex, on the curve;
 * returns it compressed. Throws INVALID_PUBLIC_KEY.
 */
export function parsePublicKeyField(publicKey: unknown): Uint8Array {
  if (typeof publicKey !== "string") {
    throw new ApiError(400, ApiErrorCode.InvalidPublicKey, "publicKey must be a hex string");
  }
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(publicKey);
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new ApiError(400, ApiErrorCode.InvalidPublicKey, "publicKey must be 0x-prefixed hex", { cause });
  }
  if (bytes.length !== 33 && bytes.length !== 65) {
    throw new ApiError(
      400,
      ApiErrorCode.InvalidPublicKey,
      `publicKey must be 33 (compressed) or 65 (uncompressed) bytes, got ${bytes.length}`,
    );
  }
  try {
    return compressPublicKey(bytes);
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new ApiError(400, ApiErrorCode.InvalidPublicKey, "publicKey is not a point on secp256k1", {
      cause,
    });
  }
}
