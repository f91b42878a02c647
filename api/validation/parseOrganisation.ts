import { isGs1Error, validateKey } from "#gs1";
import { ORGANISATION_ID_RE } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { parseLabelField, parsePublicKeyField } from "./parseDeviceRegistration.ts";

/** A validated `POST /organisations` body. */
export type OrganisationCreation = {
  id: string;
  name: string;
  glns: string[];
  /** Compressed signing keys. */
  publicKeys: Uint8Array[];
};

const ALLOWED_KEYS = new Set(["id", "name", "glns", "publicKeys"]);
const MAX_GLNS = 1000;
const MAX_KEYS = 16;

const invalidBody = (message: string) => new ApiError(400, ApiErrorCode.InvalidBody, message);

/**
 * Checks `{ id, name, glns: ["13 digits", …], publicKeys: ["0x…", …] }`: id 1..64 of [A-Za-z0-9._-] (it is
 * signed into attested events, so it never changes), name as a device label, each GLN checked by gs1/
 * (length, digits, check digit), each key on the curve. Throws INVALID_BODY, INVALID_GLN, INVALID_PUBLIC_KEY.
 * @example parseOrganisationCreation({ id: "acme", name: "ACME Foods", glns: ["4012345000009"], publicKeys: [] })
 */
export function parseOrganisationCreation(body: unknown): OrganisationCreation {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidBody("body must be a JSON object { id, name, glns, publicKeys }");
  const unknownKey = Object.keys(body).find((k) => !ALLOWED_KEYS.has(k));
  if (unknownKey !== undefined) throw invalidBody(`unknown field ${JSON.stringify(unknownKey.slice(0, 40))}`);
  const fields = body as Record<string, unknown>;
  if (typeof fields.id !== "string" || !ORGANISATION_ID_RE.test(fields.id))
    throw invalidBody("id must be 1 to 64 characters of [A-Za-z0-9._-]");
  const name = parseLabelField(fields.name);
  const glns = fields.glns ?? [];
  if (!Array.isArray(glns) || glns.length > MAX_GLNS)
    throw invalidBody(`glns must be an array of at most ${MAX_GLNS} GLNs`);
  const keys = fields.publicKeys ?? [];
  if (!Array.isArray(keys) || keys.length > MAX_KEYS)
    throw invalidBody(`publicKeys must be an array of at most ${MAX_KEYS} keys`);
  return { id: fields.id, name, glns: glns.map(parseGln), publicKeys: keys.map(parsePublicKeyField) };
}

/** One GLN (AI 414): 13 digits with its mod-10 check digit. Throws INVALID_GLN naming the GS1 rule broken. */
export function parseGln(gln: unknown): string {
  if (typeof gln !== "string")
    throw new ApiError(400, ApiErrorCode.InvalidGln, "a GLN is a string of 13 digits");
  try {
    const key = validateKey({ type: "gln", gln });
    return key.type === "gln" ? key.gln : gln;
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
    throw new ApiError(400, ApiErrorCode.InvalidGln, `GLN ${gln.slice(0, 20)}: ${cause.shortMessage}`, {
      cause,
    });
  }
}

/** `{ publicKey }` (adding or rotating to a key). Throws INVALID_BODY or INVALID_PUBLIC_KEY. */
export function parseOrganisationKey(body: unknown): Uint8Array {
  if (
    typeof body !== "object" ||
    body === null ||
    Array.isArray(body) ||
    Object.keys(body).some((k) => k !== "publicKey")
  )
    throw invalidBody("body must be a JSON object { publicKey }");
  return parsePublicKeyField((body as { publicKey?: unknown }).publicKey);
}

/** `{ label }` of a new credential. Throws INVALID_BODY. */
export function parseCredentialRequest(body: unknown): string {
  if (
    typeof body !== "object" ||
    body === null ||
    Array.isArray(body) ||
    Object.keys(body).some((k) => k !== "label")
  )
    throw invalidBody("body must be a JSON object { label }");
  return parseLabelField((body as { label?: unknown }).label);
}
