import type { Request } from "express";
import type { EventViewer } from "#gateway";
import { identifyCapturer } from "../capture/capturer.ts";
import { EpcisHttpProblem } from "../capture/epcisHttpProblem.ts";
import type { ApiDeps } from "../../types.ts";

/**
 * Who reads: the admin token, an organisation's credential, or, without `Authorization`, anyone (public
 * events only). A credential that is given but wrong is refused (403) rather than read as anonymous, so a
 * client with a revoked token learns it instead of silently seeing less.
 */
export async function queryViewer(
  req: Request,
  deps: Pick<ApiDeps, "store" | "adminToken">,
): Promise<EventViewer> {
  const header = req.get("authorization");
  if (header === undefined) return { kind: "anonymous" };
  const capturer = await identifyCapturer(header, deps);
  if (capturer === "missing" || capturer === "invalid")
    throw new EpcisHttpProblem(403, "SecurityException", "FORBIDDEN", "the credential is not valid");
  return capturer.kind === "admin"
    ? { kind: "admin" }
    : { kind: "organisation", id: capturer.organisation.id };
}
