import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import type { ApiDeps, ApiLogger } from "../../types.ts";
import { parseCredentialRequest } from "../../validation/parseOrganisation.ts";

/** Prefix of organisation tokens, so a leaked one is recognisable (secret scanners, logs). */
export const CREDENTIAL_TOKEN_PREFIX = "stk_";

/** SHA-256 of a bearer token: what the store keeps and looks up. */
export function tokenDigest(token: string): Uint8Array {
  return createHash("sha256").update(token, "utf8").digest();
}

/**
 * `POST /organisations/:id/credentials` (admin) `{ label }`: a new API credential for the organisation's
 * systems. 201 `{ id, organisation, label, createdAt, token }`: the token (256 random bits) is shown this
 * once; only its SHA-256 is stored. 404 ORGANISATION_NOT_FOUND.
 * @example router.post("/organisations/:id/credentials", requireAdminToken(t), requireJsonBody, express.json(), createCredential(deps, logger))
 */
export function createCredential(deps: Pick<ApiDeps, "store">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    const label = parseCredentialRequest(req.body);
    if (!(await deps.store.getOrganisation(id)))
      throw new ApiError(404, ApiErrorCode.OrganisationNotFound, `no organisation ${id.slice(0, 64)}`);
    const token = `${CREDENTIAL_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const credential = await deps.store.createCredential({
      id: randomUUID(),
      organisation: id,
      label,
      createdAt: Date.now(),
      revokedAt: null,
      tokenSha256: tokenDigest(token),
    });
    logger.info({ organisation: id, credential: credential.id }, "organisation credential created");
    res.status(201).json({
      id: credential.id,
      organisation: id,
      label,
      createdAt: new Date(credential.createdAt).toISOString(),
      token,
    });
  };
}
