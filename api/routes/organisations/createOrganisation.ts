import type { RequestHandler } from "express";
import { addressFromPublicKey } from "#protocol";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import { organisationToJson } from "../../services/organisationToJson.ts";
import type { ApiDeps, ApiLogger } from "../../types.ts";
import { parseOrganisationCreation } from "../../validation/parseOrganisation.ts";

/**
 * `POST /organisations` (admin): creates an organisation with the GLNs of its locations and its signing
 * keys. 201 + Location; 409 ORGANISATION_EXISTS, GLN_TAKEN (another organisation's location),
 * KEY_ALREADY_REGISTERED. Registering the keys on chain is not done here (see docs/traceability.md).
 * @example router.post("/organisations", requireAdminToken(t), requireJsonBody, express.json(), createOrganisation(deps, logger))
 */
export function createOrganisation(deps: Pick<ApiDeps, "store">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const body = parseOrganisationCreation(req.body);
    const outcome = await deps.store.createOrganisation({
      id: body.id,
      name: body.name,
      glns: body.glns,
      keys: body.publicKeys.map((publicKey) => ({ address: addressFromPublicKey(publicKey), publicKey })),
      createdAt: Date.now(),
    });
    switch (outcome.status) {
      case "id-taken":
        throw new ApiError(409, ApiErrorCode.OrganisationExists, `organisation ${body.id} exists already`);
      case "gln-taken":
        throw new ApiError(409, ApiErrorCode.GlnTaken, `GLN ${outcome.gln} belongs to another organisation`);
      case "key-taken":
        throw new ApiError(
          409,
          ApiErrorCode.KeyAlreadyRegistered,
          `key ${outcome.address} is registered already`,
        );
      case "created":
        logger.info({ organisation: body.id }, "organisation created");
        res
          .status(201)
          .location(`${req.baseUrl}/organisations/${encodeURIComponent(body.id)}`)
          .json(organisationToJson(outcome.organisation));
    }
  };
}
