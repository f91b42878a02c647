import type { Request } from "express";
import { canonicalIdentifier } from "#gs1";
import { EpcisQueryCode, queryParameterProblem } from "./queryProblem.ts";

/** GS1-EPC-Format (EPCIS 2.0 REST binding): how the answer writes identifiers. */
export type EpcFormat = "No_Preference" | "Always_GS1_Digital_Link" | "Always_EPC_URN";

/** The request's GS1-EPC-Format header; No_Preference when absent. */
export function requestedEpcFormat(req: Request): EpcFormat {
  const value = req.get("GS1-EPC-Format")?.trim() ?? "No_Preference";
  if (value === "No_Preference" || value === "Always_GS1_Digital_Link" || value === "Always_EPC_URN")
    return value;
  throw queryParameterProblem(
    "GS1-EPC-Format must be No_Preference, Always_GS1_Digital_Link or Always_EPC_URN",
    EpcisQueryCode.InvalidEpcFormat,
  );
}

/*
 * A Digital Link becomes an EPC URN only with the length of its GS1 Company Prefix, which a key does not
 * tell (only GS1's allocation tables do, see keyToEpcUrn). So `Always_EPC_URN` keeps every identifier
 * captured as a URN and leaves one captured as a Digital Link as it is, which the binding allows ("where the
 * repository can"). `Always_GS1_Digital_Link` converts every EPC URN, and moves Digital Links onto
 * id.gs1.org, as the event hash does.
 */
function convert(id: unknown, format: EpcFormat): unknown {
  if (typeof id !== "string" || format !== "Always_GS1_Digital_Link") return id;
  return canonicalIdentifier(id) ?? id;
}

const convertList = (list: unknown, format: EpcFormat): unknown =>
  Array.isArray(list) ? list.map((v) => convert(v, format)) : list;

function convertIn<T extends Record<string, unknown>>(obj: unknown, key: string, format: EpcFormat): void {
  if (obj !== null && typeof obj === "object" && key in obj) {
    const o = obj as T;
    (o as Record<string, unknown>)[key] = convert(o[key], format);
  }
}

/**
 * The identifiers of an event (a fresh copy: the caller's is left alone) written as `format` asks: EPC
 * lists, parentID, every quantity list's epcClass, read point and business location, sources and
 * destinations, and the sensor device ids.
 * @example formatEventIdentifiers(event, "Always_GS1_Digital_Link").epcList // ["https://id.gs1.org/01/…"]
 */
export function formatEventIdentifiers(
  event: Record<string, unknown>,
  format: EpcFormat,
): Record<string, unknown> {
  if (format !== "Always_GS1_Digital_Link") return event;
  const e = structuredClone(event);
  for (const key of ["epcList", "childEPCs", "inputEPCList", "outputEPCList"])
    if (key in e) e[key] = convertList(e[key], format);
  convertIn(e, "parentID", format);
  for (const key of ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"])
    if (Array.isArray(e[key])) for (const q of e[key]) convertIn(q, "epcClass", format);
  convertIn(e.readPoint, "id", format);
  convertIn(e.bizLocation, "id", format);
  if (Array.isArray(e.sourceList)) for (const s of e.sourceList) convertIn(s, "source", format);
  if (Array.isArray(e.destinationList))
    for (const d of e.destinationList) convertIn(d, "destination", format);
  if (Array.isArray(e.sensorElementList))
    for (const s of e.sensorElementList as { sensorMetadata?: unknown; sensorReport?: unknown }[]) {
      convertIn(s?.sensorMetadata, "deviceID", format);
      if (Array.isArray(s?.sensorReport)) for (const r of s.sensorReport) convertIn(r, "deviceID", format);
    }
  return e;
}
