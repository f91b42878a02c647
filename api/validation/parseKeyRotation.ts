import { ApiError, ApiErrorCode } from "../errors.ts";
import { parseLabelField, parsePublicKeyField } from "./parseDeviceRegistration.ts";

/** A validated `POST /devices/{address}/rotate` body. */
export type KeyRotation = {
  /** The new 33-byte compressed key, checked to be on the curve. */
  publicKey: Uint8Array;
  /** The new key's label; undefined keeps the old key's. */
  label: string | undefined;
};

const ALLOWED_KEYS = new Set(["publicKey", "label"]);

/**
 * Checks a rotation body: `{ publicKey: "0x…" (33 or 65 bytes), label?: 1..100 characters }`, nothing
 * else. Throws INVALID_BODY or INVALID_PUBLIC_KEY, as registration does.
 * @example parseKeyRotation({ publicKey: "0x03…" }).label // undefined
 */
export function parseKeyRotation(body: unknown): KeyRotation {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, ApiErrorCode.InvalidBody, "body must be a JSON object { publicKey, label? }");
  }
  const unknownKey = Object.keys(body).find((k) => !ALLOWED_KEYS.has(k));
  if (unknownKey !== undefined) {
    throw new ApiError(
      400,
      ApiErrorCode.InvalidBody,
      `unknown field ${JSON.stringify(unknownKey.slice(0, 40))}`,
    );
  }
  const fields = body as { publicKey?: unknown; label?: unknown };
  const label = fields.label === undefined ? undefined : parseLabelField(fields.label);
  return { publicKey: parsePublicKeyField(fields.publicKey), label };
}
