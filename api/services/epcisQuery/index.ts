// The query half of GS1's EPCIS 2.0 REST binding: SimpleEventQuery parameters, visibility, paging, formats.
export { cbvTerm, sensorType } from "./cbvTerm.ts";
export { type EpcFormat, formatEventIdentifiers, requestedEpcFormat } from "./epcFormat.ts";
export { eventToEpcisJson } from "./eventToEpcisJson.ts";
export { decodePageToken, encodePageToken, type PageCursor } from "./pageToken.ts";
export {
  DEFAULT_PER_PAGE,
  EPCIS_EVENT_TYPES,
  MAX_PER_PAGE,
  type ParsedEventQuery,
  parseEventQuery,
} from "./parseEventQuery.ts";
export { EPCIS_CONTEXT, queryDocument } from "./queryDocument.ts";
export { EpcisQueryCode, queryParameterProblem } from "./queryProblem.ts";
export { queryViewer } from "./queryViewer.ts";
export { EPCIS_VERSION_HEADERS, runEventQuery } from "./runEventQuery.ts";
