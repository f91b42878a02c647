export { CREDENTIAL_TOKEN_PREFIX, createCredential, tokenDigest } from "./createCredential.ts";
export { createOrganisation } from "./createOrganisation.ts";
export { getOrganisation, listOrganisations } from "./getOrganisation.ts";
export { addOrganisationKey, revokeOrganisationKey, rotateOrganisationKey } from "./organisationKeys.ts";
