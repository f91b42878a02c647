import type { Request } from "express";
import { canonicalIdentifier } from "#gs1";
import { EpcisHttpProblem } from "../capture/epcisHttpProblem.ts";
import { digitalLinkToEpcUrn } from "./digitalLinkToEpcUrn.ts";
import { EpcisQueryCode, queryParameterProblem } from "./queryProblem.ts";

/**
 * GS1-EPC-Format (EPCIS 2.0 REST binding): how the answer writes identifiers. `Never_Translates` keeps
 * them as captured, as `No_Preference` does here.
 */
export type EpcFormat = "No_Preference" | "Always_GS1_Digital_Link" | "Always_EPC_URN" | "Never_Translates";

const FORMATS: readonly string[] = [
  "No_Preference",
  "Always_GS1_Digital_Link",
  "Always_EPC_URN",
  "Never_Translates",
] satisfies EpcFormat[];

/** The request's GS1-EPC-Format header; No_Preference when absent. */
export function requestedEpcFormat(req: Request): EpcFormat {
  const value = req.get("GS1-EPC-Format")?.trim() ?? "No_Preference";
  if (FORMATS.includes(value)) return value as EpcFormat;
  throw queryParameterProblem(
    "GS1-EPC-Format must be No_Preference, Always_GS1_Digital_Link, Always_EPC_URN or Never_Translates",
    EpcisQueryCode.InvalidEpcFormat,
  );
}

/** Most identifiers a 406 names: enough to act on, bounded whatever the page holds. */
const MAX_NAMED = 10;

/*
 * A Digital Link becomes an EPC URN only with the length of its GS1 Company Prefix, which a key does not
 * tell: the repository's known prefixes (api.gs1CompanyPrefixes) do. `Always_EPC_URN` converts every
 * Digital Link whose key starts with one of them and keeps EPC URNs and non-GS1 URIs as they are; a Digital
 * Link it cannot convert makes the whole answer a 406 NotAcceptableException (the binding's answer when
 * "the server cannot return the response as requested") naming the identifiers, never a guessed split —
 * a wrong split is another valid-looking EPC. `Always_GS1_Digital_Link` converts every EPC URN (a URN
 * carries its split, so this always works) and moves Digital Links onto id.gs1.org, as the event hash does.
 */
type Converter = (id: unknown) => unknown;

function converterFor(format: EpcFormat, prefixes: readonly string[], unconvertible: Set<string>): Converter {
  if (format === "Always_GS1_Digital_Link")
    return (id) => (typeof id === "string" ? (canonicalIdentifier(id) ?? id) : id);
  return (id) => {
    if (typeof id !== "string") return id;
    const urn = digitalLinkToEpcUrn(id, prefixes);
    if (urn === null) unconvertible.add(id);
    return urn ?? id;
  };
}

const convertList = (list: unknown, convert: Converter): unknown =>
  Array.isArray(list) ? list.map(convert) : list;

function convertIn(obj: unknown, key: string, convert: Converter): void {
  if (obj !== null && typeof obj === "object" && key in obj) {
    const o = obj as Record<string, unknown>;
    o[key] = convert(o[key]);
  }
}

/**
 * The identifiers of an event (a fresh copy: the caller's is left alone) written as `format` asks: EPC
 * lists, parentID, every quantity list's epcClass, read point and business location, sources and
 * destinations, and the sensor device ids. `prefixes`: the GS1 Company Prefixes known (Always_EPC_URN).
 * Throws a 406 NotAcceptableException problem when Always_EPC_URN meets a Digital Link it cannot convert.
 * @example formatEventIdentifiers(event, "Always_GS1_Digital_Link").epcList // ["https://id.gs1.org/01/…"]
 */
export function formatEventIdentifiers(
  event: Record<string, unknown>,
  format: EpcFormat,
  prefixes: readonly string[] = [],
): Record<string, unknown> {
  if (format !== "Always_GS1_Digital_Link" && format !== "Always_EPC_URN") return event;
  const unconvertible = new Set<string>();
  const convert = converterFor(format, prefixes, unconvertible);
  const e = structuredClone(event);
  for (const key of ["epcList", "childEPCs", "inputEPCList", "outputEPCList"])
    if (key in e) e[key] = convertList(e[key], convert);
  convertIn(e, "parentID", convert);
  for (const key of ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"])
    if (Array.isArray(e[key])) for (const q of e[key]) convertIn(q, "epcClass", convert);
  convertIn(e.readPoint, "id", convert);
  convertIn(e.bizLocation, "id", convert);
  if (Array.isArray(e.sourceList)) for (const s of e.sourceList) convertIn(s, "source", convert);
  if (Array.isArray(e.destinationList))
    for (const d of e.destinationList) convertIn(d, "destination", convert);
  if (Array.isArray(e.sensorElementList))
    for (const s of e.sensorElementList as { sensorMetadata?: unknown; sensorReport?: unknown }[]) {
      convertIn(s?.sensorMetadata, "deviceID", convert);
      if (Array.isArray(s?.sensorReport)) for (const r of s.sensorReport) convertIn(r, "deviceID", convert);
    }
  if (unconvertible.size > 0) throw notAcceptable([...unconvertible]);
  return e;
}

function notAcceptable(ids: string[]): EpcisHttpProblem {
  return new EpcisHttpProblem(
    406,
    "NotAcceptableException",
    EpcisQueryCode.EpcFormatNotAcceptable,
    `GS1-EPC-Format: Always_EPC_URN cannot be honoured: no known GS1 Company Prefix (or no EPC scheme) for ${ids
      .slice(0, MAX_NAMED)
      .map((id) => id.slice(0, 200))
      .join(
        ", ",
      )}${ids.length > MAX_NAMED ? ` and ${ids.length - MAX_NAMED} more` : ""}; ask with No_Preference or Always_GS1_Digital_Link`,
    { identifiers: ids.slice(0, MAX_NAMED).map((id) => id.slice(0, 200)) },
  );
}
