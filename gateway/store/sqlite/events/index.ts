export {
  createCaptureJob,
  eventsRecordedAt,
  finishCaptureJob,
  getCaptureJob,
  listRunningCaptureJobs,
} from "./captureJobs.ts";
export { createOrganisation } from "./createOrganisation.ts";
export { createCredential, findCredential } from "./credentials.ts";
export { findEvent } from "./findEvent.ts";
export { insertEvents } from "./insertEvents.ts";
export { addOrganisationKey, revokeOrganisationKey, rotateOrganisationKey } from "./organisationKeys.ts";
export { getOrganisationKey, listOrganisations, readOrganisation } from "./organisationRows.ts";
export { anchorsOfBatches, eventsNaming, readingsAround } from "./provenanceQueries.ts";
export { eventQuerySql, queryEvents } from "./queryEvents.ts";
export { readingColumnsAround } from "./readingColumnsAround.ts";
