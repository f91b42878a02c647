import type { StoredEvent } from "#gateway";
import { type EpcFormat, formatEventIdentifiers } from "./epcFormat.ts";

/**
 * A stored event as the query interface answers it: the event as captured (its eventID included, the one
 * the capture gave it when it had none), with `recordTime` — when this repository captured it, as EPCIS
 * 2.0 §7.4.1 defines it — added when the event did not carry one, and identifiers as `format` asks (a 406
 * problem when Always_EPC_URN meets a Digital Link without a known company prefix).
 * @example eventToEpcisJson(stored, "No_Preference")
 */
export function eventToEpcisJson(
  event: StoredEvent,
  format: EpcFormat,
  companyPrefixes: readonly string[] = [],
): Record<string, unknown> {
  const json = JSON.parse(event.eventJson) as Record<string, unknown>;
  if (json.eventID === undefined) json.eventID = event.eventId;
  if (json.recordTime === undefined) json.recordTime = new Date(event.recordTime).toISOString();
  return formatEventIdentifiers(json, format, companyPrefixes);
}
