import { EpcisHttpProblem } from "../capture/epcisHttpProblem.ts";

/** Codes of the query interface's refusals, beside GS1's exception type. Stable: clients key on them. */
export const EpcisQueryCode = {
  /** An unknown parameter, a value of the wrong form, or a parameter given twice that takes one value. */
  QueryParameter: "EPCIS_QUERY_PARAMETER",
  /** A nextPageToken this server did not issue, or issued for another query. */
  InvalidPageToken: "EPCIS_INVALID_PAGE_TOKEN",
  /** A GS1-EPC-Format header that is none of the four values. */
  InvalidEpcFormat: "EPCIS_INVALID_EPC_FORMAT",
  /** Always_EPC_URN asked for an answer holding a Digital Link without known company prefix (406). */
  EpcFormatNotAcceptable: "EPCIS_EPC_FORMAT_NOT_ACCEPTABLE",
  /** No such event, or none this caller may see (the two are not told apart). */
  EventNotFound: "EPCIS_EVENT_NOT_FOUND",
} as const;

/** A 400 QueryParameterException problem (EPCIS 2.0 §8.2.7: a parameter the query cannot run with). */
export function queryParameterProblem(
  detail: string,
  code: string = EpcisQueryCode.QueryParameter,
): EpcisHttpProblem {
  return new EpcisHttpProblem(400, "QueryParameterException", code, detail);
}
