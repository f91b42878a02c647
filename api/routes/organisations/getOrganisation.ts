import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import { keyOnChain } from "../../services/keyOnChain.ts";
import { organisationToJson } from "../../services/organisationToJson.ts";
import type { ApiDeps } from "../../types.ts";

/**
 * `GET /organisations/:id`: name, GLNs and keys (public: verifiers need the keys), each key with its state in
 * the registry contract (`onChain`); 404 ORGANISATION_NOT_FOUND.
 * @example router.get("/organisations/:id", getOrganisation(deps))
 */
export function getOrganisation(deps: Pick<ApiDeps, "store">): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    const organisation = await deps.store.getOrganisation(id);
    if (!organisation)
      throw new ApiError(404, ApiErrorCode.OrganisationNotFound, `no organisation ${id.slice(0, 64)}`);
    const onChain = new Map(
      await Promise.all(
        organisation.keys.map(async (k) => [k.address, await keyOnChain(deps.store, k.address)] as const),
      ),
    );
    res.json(organisationToJson(organisation, onChain));
  };
}

/**
 * `GET /organisations`: every organisation, oldest first.
 * @example router.get("/organisations", listOrganisations(deps))
 */
export function listOrganisations(deps: Pick<ApiDeps, "store">): RequestHandler {
  return async (_req, res) => {
    res.json({ organisations: (await deps.store.listOrganisations()).map((o) => organisationToJson(o)) });
  };
}
