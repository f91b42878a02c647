import type { Request } from "express";
import { isGs1Error, type ParsedDigitalLink, parseDigitalLink } from "#gs1";
import { ApiError, ApiErrorCode } from "../../errors.ts";

/**
 * The GS1 Digital Link a resolver request names, read by gs1/'s parseDigitalLink from the request's own
 * path and query as received (still percent-encoded, so `S%2F1` stays one serial), under `base`; `suffix`
 * (`/qr.svg`) is cut off the path first. The prefix of the result is `base` plus the path before the
 * primary key. Throws INVALID_DIGITAL_LINK (400) whose details name the GS1 rule broken and the value.
 * @example parseItemRequest(req, "https://example.com").key // { type: "sgtin", gtin: "09506000134352", serial: "A1" }
 */
export function parseItemRequest(req: Request, base: string, suffix = ""): ParsedDigitalLink {
  const raw = req.originalUrl;
  const q = raw.indexOf("?");
  let path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? "" : raw.slice(q);
  if (suffix !== "" && path.endsWith(suffix)) path = path.slice(0, -suffix.length);
  try {
    return parseDigitalLink(`${base}${path}${query}`);
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
    throw new ApiError(400, ApiErrorCode.InvalidDigitalLink, cause.shortMessage, {
      cause,
      details: { rule: cause.details.rule, value: cause.details.value, gs1Code: cause.code },
    });
  }
}
