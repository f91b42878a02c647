import type { Request } from "express";
import type { EventVisibility } from "#gateway";
import { type Capturer, identifyCapturer } from "../../services/capture/capturer.ts";
import { EpcisHttpProblem } from "../../services/capture/epcisHttpProblem.ts";
import type { ApiDeps } from "../../types.ts";

/** The capturer of a request, or a SecurityException (401 without credentials, 403 with a wrong one). */
export async function requireCapturer(
  req: Request,
  deps: Pick<ApiDeps, "store" | "adminToken">,
): Promise<Capturer> {
  const capturer = await identifyCapturer(req.get("authorization"), deps);
  if (capturer === "missing")
    throw new EpcisHttpProblem(
      401,
      "SecurityException",
      "UNAUTHORIZED",
      "capture needs Authorization: Bearer <organisation credential or admin token>",
      {},
      { "WWW-Authenticate": 'Bearer realm="sealtrail"' },
    );
  if (capturer === "invalid")
    throw new EpcisHttpProblem(403, "SecurityException", "FORBIDDEN", "the credential is not valid");
  return capturer;
}

/**
 * Who the events are captured for and how: an organisation captures for itself; the admin token names the
 * organisation it attests for with `?organisation=<id>`. `?visibility=public|private` (default private)
 * applies to every event of the capture. Throws a QueryParameterException (400) or 404.
 */
export async function captureTarget(
  req: Request,
  capturer: Capturer,
  deps: Pick<ApiDeps, "store">,
): Promise<{ organisation: string; visibility: EventVisibility }> {
  const visibility = req.query.visibility ?? "private";
  if (visibility !== "public" && visibility !== "private")
    throw new EpcisHttpProblem(
      400,
      "QueryParameterException",
      "INVALID_QUERY",
      "visibility must be public or private",
    );
  const named = req.query.organisation;
  if (named !== undefined && typeof named !== "string")
    throw new EpcisHttpProblem(
      400,
      "QueryParameterException",
      "INVALID_QUERY",
      "organisation must be given once",
    );
  if (capturer.kind === "organisation") {
    if (named !== undefined && named !== capturer.organisation.id)
      throw new EpcisHttpProblem(
        403,
        "SecurityException",
        "FORBIDDEN",
        "an organisation captures for itself only",
      );
    return { organisation: capturer.organisation.id, visibility };
  }
  if (named === undefined)
    throw new EpcisHttpProblem(
      400,
      "QueryParameterException",
      "INVALID_QUERY",
      "the admin token captures as attester for ?organisation=<id>",
    );
  if (!(await deps.store.getOrganisation(named)))
    throw new EpcisHttpProblem(
      404,
      "NoSuchResourceException",
      "ORGANISATION_NOT_FOUND",
      `no organisation ${named.slice(0, 64)}`,
    );
  return { organisation: named, visibility };
}

/** `GS1-Capture-Error-Behaviour`: `rollback` (default: all or nothing) or `proceed`. */
export function errorBehaviour(req: Request): "rollback" | "proceed" {
  const value = (req.get("GS1-Capture-Error-Behaviour") ?? "rollback").trim().toLowerCase();
  if (value !== "rollback" && value !== "proceed")
    throw new EpcisHttpProblem(
      400,
      "ValidationException",
      "INVALID_HEADER",
      "GS1-Capture-Error-Behaviour must be rollback or proceed",
    );
  return value;
}
