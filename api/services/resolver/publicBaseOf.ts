import type { Request } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";

// A Host header as a browser or a proxy sends it: a name or an IP literal, an optional port. Anything else
// would end up inside the QR codes and links we write, so it is refused rather than copied.
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/**
 * The URL under which this answer writes absolute links: the configured public base URL, or else the
 * scheme and host the request came in on (the demo, a laptop on a LAN). Throws BAD_REQUEST for a Host
 * header that is not a host.
 * @example publicBaseOf(req, undefined) // "http://127.0.0.1:8080"
 */
export function publicBaseOf(req: Request, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const host = req.get("host") ?? "";
  if (!HOST.test(host)) {
    throw new ApiError(400, ApiErrorCode.BadRequest, "the Host header is not a host name and port");
  }
  return `${req.protocol}://${host}`;
}
