import type { Request } from "express";
import type { EventViewer } from "#gateway";
import type { ApiDeps } from "../../types.ts";
import { identifyCapturer } from "../capture/capturer.ts";
import { EpcisHttpProblem } from "../capture/epcisHttpProblem.ts";

/**
 * Who reads: the admin token, an organisation's credential, or, without `Authorization`, anyone (public
 * events only). An Authorization header that is malformed (401) or names no valid credential (403) is
 * refused rather than read as anonymous, so a client with a revoked token learns it instead of silently
 * seeing less.
 */
export async function queryViewer(
  req: Request,
  deps: Pick<ApiDeps, "store" | "adminToken">,
): Promise<EventViewer> {
  const header = req.get("authorization");
  if (header === undefined) return { kind: "anonymous" };
  const capturer = await identifyCapturer(header, deps);
  if (capturer === "missing")
    throw new EpcisHttpProblem(
      401,
      "SecurityException",
      "UNAUTHORIZED",
      "Authorization must be Bearer <organisation credential or admin token>, or absent",
      {},
      { "WWW-Authenticate": 'Bearer realm="sealtrail"' },
    );
  if (capturer === "invalid")
    throw new EpcisHttpProblem(403, "SecurityException", "FORBIDDEN", "the credential is not valid");
  return capturer.kind === "admin"
    ? { kind: "admin" }
    : { kind: "organisation", id: capturer.organisation.id };
}
