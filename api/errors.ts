import { SealtrailError, type SealtrailErrorOptions } from "#protocol";

/**
 * Error codes the HTTP API answers with, in `{ "error": { "code", "message" } }`. Stable: clients key on
 * them. Caller mistakes are 4xx; INVARIANT and INTERNAL (500) are our own bugs.
 */
export const ApiErrorCode = {
  NotReady: "NOT_READY",
  InvalidQuery: "INVALID_QUERY",
  /** A `cursor` that this server did not issue, or issued for another query. */
  InvalidCursor: "INVALID_CURSOR",
  NotFound: "NOT_FOUND",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  BadRequest: "BAD_REQUEST",
  InvalidBody: "INVALID_BODY",
  InvalidPublicKey: "INVALID_PUBLIC_KEY",
  InvalidAddress: "INVALID_ADDRESS",
  InvalidMessageId: "INVALID_MESSAGE_ID",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
  Unauthorized: "UNAUTHORIZED",
  Forbidden: "FORBIDDEN",
  DeviceNotFound: "DEVICE_NOT_FOUND",
  ReadingNotFound: "READING_NOT_FOUND",
  /** The standalone verifier (npm run build:verifier) is not built on this server. */
  VerifierNotBuilt: "VERIFIER_NOT_BUILT",
  /** The product page's browser code (npm run build:page) is not built on this server. */
  PageNotBuilt: "PAGE_NOT_BUILT",
  /** Revoking or rotating a device key that is already revoked (or rotated). */
  DeviceRevoked: "DEVICE_REVOKED",
  /** Rotating to a key that is already registered (the same key included). */
  DeviceAlreadyRegistered: "DEVICE_ALREADY_REGISTERED",
  /** No organisation with this id. */
  OrganisationNotFound: "ORGANISATION_NOT_FOUND",
  /** An organisation with this id exists already. */
  OrganisationExists: "ORGANISATION_EXISTS",
  /** A GLN that belongs to another organisation already. */
  GlnTaken: "GLN_TAKEN",
  /** A GLN that is not 13 digits with a valid check digit. */
  InvalidGln: "INVALID_GLN",
  /** An organisation key registered already (to this or another organisation). */
  KeyAlreadyRegistered: "KEY_ALREADY_REGISTERED",
  /** An organisation key that is not registered to this organisation. */
  KeyNotFound: "KEY_NOT_FOUND",
  /** Revoking or rotating an organisation key that is revoked already. */
  KeyRevoked: "KEY_REVOKED",
  /** No event with this eventID, event hash ID or message id. */
  EventNotFound: "EVENT_NOT_FOUND",
  /** A GIAI that is not a valid GS1 Individual Asset Identifier (bare, EPC URN or Digital Link). */
  InvalidGiai: "INVALID_GIAI",
  /** A GIAI that names another device already, or a device that has another GIAI already. */
  GiaiTaken: "GIAI_TAKEN",
  /** An `item` that is not a GS1 Digital Link (URI or path) or EPC URN of an object. */
  InvalidItem: "INVALID_ITEM",
  /** A GTIN path parameter that is not a valid GTIN (8, 12, 13 or 14 digits, check digit) nor `default`. */
  InvalidGtin: "INVALID_GTIN",
  /** No event names the item (nor does any unit that held it). */
  ItemNotFound: "ITEM_NOT_FOUND",
  /** No event names the logistic unit whose sensors are to be summarised. */
  UnitNotFound: "UNIT_NOT_FOUND",
  /** This server has no attester key, so it cannot sign the events it would capture itself (501). */
  NoAttester: "NO_ATTESTER",
  /** The request line is longer than the server reads (414; answered before routing). */
  UriTooLong: "URI_TOO_LONG",
  /** The request line and headers are larger than the server reads (431; answered before routing). */
  HeadersTooLarge: "HEADERS_TOO_LARGE",
  /** Too many requests from this client in the current window (429, with Retry-After in seconds). */
  RateLimited: "RATE_LIMITED",
  /** The service cannot serve yet or any more: a dependency (store, chain, broker) is unreachable (503). */
  Unavailable: "UNAVAILABLE",
  /** The request did not arrive in time (408; answered before routing). */
  RequestTimeout: "REQUEST_TIMEOUT",
  /** A resolver path that is not a valid GS1 Digital Link (400; the problem names the GS1 rule). */
  InvalidDigitalLink: "INVALID_DIGITAL_LINK",
  /** A `linkType` the resolver does not offer for this item (404). */
  LinkTypeNotFound: "LINK_TYPE_NOT_FOUND",
  /** The resolver cannot answer in any media type the Accept header allows (406). */
  NotAcceptable: "NOT_ACCEPTABLE",
  /** QR code options (`ecl`, `size`, `margin`) outside their documented bounds (400). */
  InvalidQrOptions: "INVALID_QR_OPTIONS",
  Invariant: "INVARIANT",
  Internal: "INTERNAL",
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** A refusal with its HTTP status. `shortMessage` is sent to the client, so it never holds secrets. */
export class ApiError extends SealtrailError {
  override name = "ApiError";
  declare readonly code: ApiErrorCode;
  readonly status: number;
  /** Extra response headers (WWW-Authenticate, Allow). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: ApiErrorCode,
    shortMessage: string,
    options: SealtrailErrorOptions & { headers?: Record<string, string> } = {},
  ) {
    super(code, shortMessage, options);
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

/** True when `error` is an {@link ApiError}, optionally with the given code. */
export function isApiError(error: unknown, code?: ApiErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
