import type { JourneyStep } from "./productView.ts";

/** CBV 2.0 business steps in the words of someone at a dock. */
const STEPS: Record<string, string> = {
  commissioning: "Made and labelled",
  packing: "Packed",
  assembling: "Sensor attached",
  removing: "Sensor removed",
  shipping: "Shipped",
  departing: "Left the site",
  arriving: "Arrived",
  receiving: "Received",
  accepting: "Accepted",
  unpacking: "Unpacked",
  storing: "Stored",
  loading: "Loaded",
  unloading: "Unloaded",
  inspecting: "Inspected",
  holding: "Held",
  dispensing: "Dispensed",
  destroying: "Destroyed",
  decommissioning: "Taken out of use",
  sensor_reporting: "Sensor report",
};

/** The bare CBV term of a bizStep written as a term, a CBV URN or a URL. */
const termOf = (value: string) => value.replace(/^urn:epcglobal:cbv:bizstep:/, "").replace(/^.*[/#]/, "");

/**
 * "urn:epc:id:sgln:4012345.00011.0" → the 13-digit GLN "4012345000111" (check digit computed); other
 * identifiers as written.
 */
export function placeOf(id: string): string {
  const m = /^urn:epc:id:sgln:(\d+)\.(\d*)\.(.*)$/.exec(id);
  if (!m) return id;
  const body = `${m[1]}${m[2]}`;
  if (body.length !== 12) return id;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[11 - i]) * (i % 2 === 0 ? 3 : 1);
  const gln = `${body}${(10 - (sum % 10)) % 10}`;
  return m[3] === "0" ? gln : `${gln} (${m[3]})`;
}

/**
 * One journey step from a verified EPCIS event: its time, its business step in words, its place (read
 * point, else business location) and who signed it; null for an event without a valid eventTime.
 * @example describeEvent(event, "page-pharma")?.step // "Shipped"
 */
export function describeEvent(
  event: Record<string, unknown>,
  organisation: string | null,
): JourneyStep | null {
  const time = typeof event.eventTime === "string" ? Date.parse(event.eventTime) : Number.NaN;
  if (!Number.isFinite(time)) return null;
  const type = typeof event.type === "string" ? event.type : "Event";
  const bizStep = typeof event.bizStep === "string" ? termOf(event.bizStep) : null;
  const action = typeof event.action === "string" ? event.action : "";
  const step =
    (bizStep && STEPS[bizStep]) ??
    (bizStep ? bizStep.replace(/_/g, " ") : `${type.replace(/Event$/, "")} ${action.toLowerCase()}`.trim());
  const idOf = (v: unknown) =>
    v && typeof v === "object" && typeof (v as { id?: unknown }).id === "string"
      ? (v as { id: string }).id
      : null;
  const where = idOf(event.readPoint) ?? idOf(event.bizLocation);
  return { time, step, place: where === null ? null : placeOf(where), organisation, eventType: type };
}
