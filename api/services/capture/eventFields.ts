import type { EpcRole } from "#gateway";
import { canonicalIdentifier, isGs1Error, parseDigitalLink, parseEpcUrn } from "#gs1";

/** The indexed fields of an event (schema 3 `events` columns) and the identifiers it names, with roles. */
export type EventFields = {
  type: string;
  eventTime: number;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  epcs: { epc: string; role: EpcRole }[];
};

const text = (v: unknown): string | null => (typeof v === "string" ? v : null);
const idOf = (v: unknown): string | null =>
  v !== null && typeof v === "object" ? text((v as { id?: unknown }).id) : null;
/** CBV terms are stored as their bare word (`shipping`), whichever form the event used. */
const term = (v: unknown): string | null => {
  const t = text(v);
  if (t === null) return null;
  const slash = t.lastIndexOf("/");
  const colon = t.lastIndexOf(":");
  return t.startsWith("https://ref.gs1.org/cbv/") || t.startsWith("urn:epcglobal:cbv:")
    ? t
        .slice(Math.max(slash, colon) + 1)
        .split("-")
        .pop()!
    : t;
};
const canonical = (id: string): string => canonicalIdentifier(id) ?? id;

/**
 * What the store indexes of an event that passed the capture checks: times in ms, the location ids, CBV
 * terms, and every EPC in canonical GS1 Digital Link form (so a query in either syntax finds it) with its
 * role — epcList, parentID, childEPCs, input/outputEPCList, and the epcClass of every quantity list.
 * @example eventFields(event).epcs // [{ epc: "https://id.gs1.org/01/…/21/…", role: "epc" }]
 */
export function eventFields(event: Record<string, unknown>): EventFields {
  const epcs: { epc: string; role: EpcRole }[] = [];
  const add = (list: unknown, role: EpcRole) => {
    if (Array.isArray(list))
      for (const v of list) if (typeof v === "string") epcs.push({ epc: canonical(v), role });
  };
  const addClasses = (list: unknown) => {
    if (Array.isArray(list))
      for (const q of list) {
        const c = q !== null && typeof q === "object" ? text((q as { epcClass?: unknown }).epcClass) : null;
        if (c !== null) epcs.push({ epc: canonical(c), role: "class" });
      }
  };
  add(event.epcList, "epc");
  const parent = text(event.parentID);
  if (parent !== null) epcs.push({ epc: canonical(parent), role: "parent" });
  add(event.childEPCs, "child");
  add(event.inputEPCList, "input");
  add(event.outputEPCList, "output");
  for (const key of ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"])
    addClasses(event[key]);
  const readPoint = idOf(event.readPoint);
  const bizLocation = idOf(event.bizLocation);
  return {
    type: String(event.type),
    eventTime: Date.parse(String(event.eventTime)),
    action: text(event.action),
    bizStep: term(event.bizStep),
    disposition: term(event.disposition),
    readPoint: readPoint === null ? null : canonical(readPoint),
    bizLocation: bizLocation === null ? null : canonical(bizLocation),
    epcs,
  };
}

/** The 13-digit GLN of a location id (SGLN URN or GS1 Digital Link, any extension), or null when it names none. */
export function glnOfLocation(id: string): string | null {
  return /^https:\/\/id\.gs1\.org\/414\/(\d{13})(?:\/|$)/.exec(canonical(id))?.[1] ?? null;
}

/**
 * The first identifier of an event that gs1/'s strict parsers refuse (wrong check digit, length, syntax),
 * with why; null when all parse. The EPC URN schemes gs1/ parses (SGTIN, LGTIN, SSCC, SGLN, GRAI, GIAI)
 * and GS1 Digital Links on id.gs1.org are checked; other URIs — the Tag Data Standard's other schemes
 * (GSRN, GDTI, SGCN, CPI, …) and a company's own identifiers — are left alone, as EPCIS allows them.
 */
const CHECKED_EPC_SCHEMES = /^urn:epc:(?:id:(?:sgtin|sscc|sgln|grai|giai)|class:lgtin|idpat:sgtin):/;

export function identifierProblem(event: Record<string, unknown>): { id: string; reason: string } | null {
  const ids: string[] = [];
  const push = (v: unknown) => {
    if (typeof v === "string") ids.push(v);
  };
  for (const key of ["epcList", "childEPCs", "inputEPCList", "outputEPCList"]) {
    const list = event[key];
    if (Array.isArray(list)) list.forEach(push);
  }
  push(event.parentID);
  for (const field of ["readPoint", "bizLocation"]) push((event[field] as { id?: unknown } | undefined)?.id);
  for (const id of ids) {
    try {
      if (CHECKED_EPC_SCHEMES.test(id)) parseEpcUrn(id);
      else if (id.startsWith("https://id.gs1.org/")) parseDigitalLink(id);
    } catch (cause) {
      if (!isGs1Error(cause)) throw cause;
      return { id, reason: `${cause.code}: ${cause.shortMessage}` };
    }
  }
  return null;
}
