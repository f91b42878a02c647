// Admin routes of an organisation's key lifecycle: add, revoke, rotate (as for device keys).
import type { RequestHandler } from "express";
import { addressFromPublicKey } from "#protocol";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import { organisationKeyToJson } from "../../services/organisationToJson.ts";
import type { ApiDeps, ApiLogger } from "../../types.ts";
import { parseAddressParam } from "../../validation/parseAddressParam.ts";
import { parseOrganisationKey } from "../../validation/parseOrganisation.ts";

const notFound = (id: string) =>
  new ApiError(404, ApiErrorCode.OrganisationNotFound, `no organisation ${id.slice(0, 64)}`);

/**
 * `POST /organisations/:id/keys` (admin) `{ publicKey }`: 201 with the key; 404 ORGANISATION_NOT_FOUND;
 * 409 KEY_ALREADY_REGISTERED.
 * @example router.post("/organisations/:id/keys", requireAdminToken(t), requireJsonBody, express.json(), addOrganisationKey(deps, logger))
 */
export function addOrganisationKey(deps: Pick<ApiDeps, "store">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    const publicKey = parseOrganisationKey(req.body);
    const outcome = await deps.store.addOrganisationKey(
      id,
      { address: addressFromPublicKey(publicKey), publicKey },
      Date.now(),
    );
    if (outcome.status === "unknown-organisation") throw notFound(id);
    if (outcome.status === "key-taken")
      throw new ApiError(
        409,
        ApiErrorCode.KeyAlreadyRegistered,
        `key ${outcome.key.address} is registered already`,
      );
    logger.info({ organisation: id, key: outcome.key.address }, "organisation key added");
    res.status(201).json(organisationKeyToJson(outcome.key));
  };
}

/**
 * `POST /organisations/:id/keys/:address/revoke` (admin): 200 with the revoked key; 404 KEY_NOT_FOUND (not
 * this organisation's); 409 KEY_REVOKED.
 * @example router.post("/organisations/:id/keys/:address/revoke", requireAdminToken(t), revokeOrganisationKey(deps, logger))
 */
export function revokeOrganisationKey(deps: Pick<ApiDeps, "store">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    const address = parseAddressParam(req.params.address);
    const outcome = await deps.store.revokeOrganisationKey(id, address, Date.now());
    if (outcome.status === "unknown")
      throw new ApiError(
        404,
        ApiErrorCode.KeyNotFound,
        `organisation ${id.slice(0, 64)} has no key ${address}`,
      );
    if (outcome.status === "already-revoked")
      throw new ApiError(409, ApiErrorCode.KeyRevoked, `key ${address} is revoked already`);
    logger.info({ organisation: id, key: address }, "organisation key revoked");
    res.json(organisationKeyToJson(outcome.key));
  };
}

/**
 * `POST /organisations/:id/keys/:address/rotate` (admin) `{ publicKey }`: 201 `{ revoked, registered }`;
 * 404 KEY_NOT_FOUND; 409 KEY_ALREADY_REGISTERED (the new key), KEY_REVOKED (the old one).
 * @example router.post("/organisations/:id/keys/:address/rotate", requireAdminToken(t), requireJsonBody, express.json(), rotateOrganisationKey(deps, logger))
 */
export function rotateOrganisationKey(deps: Pick<ApiDeps, "store">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    const from = parseAddressParam(req.params.address);
    const publicKey = parseOrganisationKey(req.body);
    const outcome = await deps.store.rotateOrganisationKey({
      organisation: id,
      from,
      to: { address: addressFromPublicKey(publicKey), publicKey },
      at: Date.now(),
    });
    switch (outcome.status) {
      case "unknown":
        throw new ApiError(
          404,
          ApiErrorCode.KeyNotFound,
          `organisation ${id.slice(0, 64)} has no key ${from}`,
        );
      case "key-taken":
        throw new ApiError(
          409,
          ApiErrorCode.KeyAlreadyRegistered,
          `the new key ${outcome.key.address} is registered already`,
        );
      case "revoked":
        throw new ApiError(409, ApiErrorCode.KeyRevoked, `key ${from} is revoked: it cannot be rotated`);
      case "rotated":
        logger.info(
          { organisation: id, key: from, rotatedTo: outcome.to.address },
          "organisation key rotated",
        );
        res.status(201).json({
          revoked: organisationKeyToJson(outcome.from),
          registered: organisationKeyToJson(outcome.to),
        });
    }
  };
}
