import type { Request } from "express";
import type { EventViewer } from "#gateway";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import type { ApiDeps } from "../../types.ts";
import { identifyCapturer } from "../capture/capturer.ts";

/**
 * What a provenance caller may see: `admin` every event; `organisation` the public ones, its own and those
 * about objects it captured events for (the EPCIS query's rule); `public` the public ones. The rest are
 * shown as hashes only.
 */
export type CallerAccess = "admin" | "organisation" | "public";

/**
 * The access of a request to an open route, and the viewer the event store applies it with: no
 * Authorization header is `public`; the admin token is `admin`; an organisation's active credential is
 * that `organisation`; any other credential is refused (403, or 401 when malformed) rather than silently
 * served the public view, so a caller with a mistyped or revoked token does not take a partial record for
 * the whole one. The admin token is compared as a SHA-256 digest in constant time (identifyCapturer).
 * @example await callerAccess(req, deps) // { access: "public", viewer: { kind: "anonymous" } }
 */
export async function callerAccess(
  req: Request,
  deps: Pick<ApiDeps, "store" | "adminToken">,
): Promise<{ access: CallerAccess; viewer: EventViewer }> {
  const header = req.get("authorization");
  if (header === undefined) return { access: "public", viewer: { kind: "anonymous" } };
  const caller = await identifyCapturer(header, deps);
  if (caller === "missing") {
    throw new ApiError(
      401,
      ApiErrorCode.Unauthorized,
      "malformed Authorization header, expected Bearer <token>",
      {
        headers: { "WWW-Authenticate": 'Bearer realm="sealtrail", error="invalid_request"' },
      },
    );
  }
  if (caller === "invalid") throw new ApiError(403, ApiErrorCode.Forbidden, "the token is not valid");
  return caller.kind === "admin"
    ? { access: "admin", viewer: { kind: "admin" } }
    : { access: "organisation", viewer: { kind: "organisation", id: caller.organisation.id } };
}
