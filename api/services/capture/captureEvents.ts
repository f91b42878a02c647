import type { EventRecord, EventStore, EventVisibility } from "#gateway";
import {
  checkEpcisDocument,
  type EpcisProblem,
  EpcisProblemCode,
  type EventHashOptions,
  eventHashId,
  eventsOfEpcisDocument,
  isGs1Error,
} from "#gs1";
import {
  type DecodedEventMessage,
  type DeviceIdentity,
  decodeEventMessage,
  isProtocolError,
  nobleVerifier,
  signAttestedEvent,
  verifyDecodedCoseSign1,
} from "#protocol";
import { nativeSignDigest } from "#protocol/native";
import type { Capturer } from "./capturer.ts";
import { eventFields, glnOfLocation, identifierProblem } from "./eventFields.ts";

/** Most events in one capture (GS1-EPCIS-Capture-Limit). */
export const CAPTURE_EVENT_LIMIT = 5_000;
/** How far in the future an eventTime may be (capturing clocks drift). */
export const CAPTURE_CLOCK_SKEW_MS = 5 * 60_000;
/** The EPCIS 2.0 JSON-LD context a signed event is checked under when it brings none. */
export const EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/** One refused event of a capture: its index in the document (null: the document itself) and why. */
export type CaptureError = {
  index: number | null;
  code: string;
  type: `epcisException:${string}`;
  pointer: string;
  detail: string;
};

export type CaptureOutcome = {
  eventCount: number;
  captured: { index: number; eventID: string; messageId: string }[];
  errors: CaptureError[];
};

export type CaptureInput =
  | { kind: "document"; document: unknown }
  | { kind: "signed"; messages: Uint8Array[] };

export type CaptureContext = {
  store: EventStore;
  attester: DeviceIdentity | undefined;
  capturer: Capturer;
  /** The organisation captured for: the credential's, or the one the admin names. */
  organisation: string;
  visibility: EventVisibility;
  allOrNothing: boolean;
  now: number;
};

const toError = (index: number | null, p: EpcisProblem): CaptureError => ({
  index,
  code: p.code,
  type: `epcisException:${p.exception}`,
  pointer: p.pointer,
  detail: p.detail,
});

const error = (
  index: number,
  code: string,
  exception: string,
  detail: string,
  pointer = "",
): CaptureError => ({
  index,
  code,
  type: `epcisException:${exception}`,
  pointer,
  detail,
});

/**
 * Captures the events of an EPCIS document or of organisation-signed envelopes, all-or-nothing or proceeding
 * past refused events. Every event is checked first (GS1's schema and the rules beyond it, its locations
 * against the organisation's GLNs, its CBV hash; an envelope also its decoding, its key — active, the
 * capturing organisation's — and its signature), then the accepted ones are signed by the attester (plain
 * events; eventID = hash ID when absent) and stored in ONE transaction. Nothing is stored when, all-or-
 * nothing, any event is refused; a duplicate event hash ID found at the write is a refusal too.
 * @example await captureEvents({ kind: "document", document }, { store, attester, capturer, organisation: "acme", visibility: "private", allOrNothing: true, now: Date.now() })
 */
export async function captureEvents(input: CaptureInput, ctx: CaptureContext): Promise<CaptureOutcome> {
  const prepared =
    input.kind === "document"
      ? prepareDocument(input.document, ctx)
      : await prepareSigned(input.messages, ctx);
  const { records, errors, eventCount } = prepared;
  const outcome: CaptureOutcome = { eventCount, captured: [], errors };
  if (records.length === 0 || (ctx.allOrNothing && errors.length > 0)) return outcome;
  const results = await ctx.store.insertEvents(
    records.map((r) => r.record),
    { allOrNothing: ctx.allOrNothing },
  );
  for (const [i, result] of results.entries()) {
    const { index, record } = records[i]!;
    if (result.status === "inserted")
      outcome.captured.push({ index, eventID: record.eventId, messageId: record.messageId });
    else if (result.status === "duplicate-event" || result.status === "duplicate-message")
      errors.push(
        error(
          index,
          "EPCIS_DUPLICATE_EVENT",
          "ValidationException",
          `an event with hash ID ${record.eventHash} is stored already`,
        ),
      );
  }
  if (ctx.allOrNothing && errors.length > 0) outcome.captured = [];
  errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
  return outcome;
}

type Prepared = {
  records: { index: number; record: EventRecord }[];
  errors: CaptureError[];
  eventCount: number;
};

function checkOptions(ctx: CaptureContext) {
  return { now: ctx.now, maxClockSkewMs: CAPTURE_CLOCK_SKEW_MS, maxEvents: CAPTURE_EVENT_LIMIT };
}

/** An organisation captures only at its own locations (or with none); the admin anywhere. */
function locationProblem(
  event: Record<string, unknown>,
  glns: readonly string[] | null,
  pointer: string,
): CaptureError | null {
  // Checked here, with the locations, because both must hold before an event is signed.
  const bad = identifierProblem(event);
  if (bad)
    return error(
      0,
      "EPCIS_INVALID_IDENTIFIER",
      "ValidationException",
      `${bad.id.slice(0, 80)}: ${bad.reason}`,
      pointer,
    );
  if (glns === null) return null;
  for (const field of ["readPoint", "bizLocation"] as const) {
    const id = (event[field] as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string") continue;
    const gln = glnOfLocation(id);
    if (gln === null || !glns.includes(gln))
      return error(
        0,
        "EPCIS_FOREIGN_LOCATION",
        "SecurityException",
        `${field} ${id.slice(0, 80)} is not a location (GLN) of this organisation`,
        `${pointer}/${field}`,
      );
  }
  return null;
}

function hashOf(
  event: Record<string, unknown>,
  options: EventHashOptions,
  index: number,
  pointer: string,
): string | CaptureError {
  try {
    return eventHashId(event, options);
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
    return error(
      index,
      "EPCIS_INVALID_IDENTIFIER",
      "ValidationException",
      `event hash: ${cause.shortMessage}`,
      pointer,
    );
  }
}

function recordOf(
  event: Record<string, unknown>,
  signed: { raw: Uint8Array; messageId: string; signer: string; signedBy: "organisation" | "attester" },
  hash: string,
  ctx: CaptureContext,
  organisation: string,
): EventRecord {
  return {
    messageId: signed.messageId as EventRecord["messageId"],
    raw: signed.raw,
    signer: signed.signer as EventRecord["signer"],
    signedBy: signed.signedBy,
    organisation,
    eventHash: hash,
    eventId: typeof event.eventID === "string" ? event.eventID : hash,
    recordTime: ctx.now,
    visibility: ctx.visibility,
    eventJson: JSON.stringify(event),
    ...eventFields(event),
  };
}

function prepareDocument(document: unknown, ctx: CaptureContext): Prepared {
  const checked = checkEpcisDocument(document, checkOptions(ctx));
  if (checked.problems.length > 0)
    return { records: [], errors: checked.problems.map((p) => toError(null, p)), eventCount: 0 };
  const prepared: Prepared = { records: [], errors: [], eventCount: checked.events.length };
  const glns = ctx.capturer.kind === "organisation" ? ctx.capturer.organisation.glns : null;
  let options: EventHashOptions = {};
  try {
    options = eventsOfEpcisDocument(document).options;
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
  }
  for (const { index, event, problems } of checked.events) {
    const pointer = `/epcisBody/eventList/${index}`;
    if (problems.length > 0) {
      prepared.errors.push(...problems.map((p) => toError(index, p)));
      continue;
    }
    const foreign = locationProblem(event, glns, pointer);
    if (foreign) {
      prepared.errors.push({ ...foreign, index });
      continue;
    }
    const hash = hashOf(event, options, index, pointer);
    if (typeof hash !== "string") {
      prepared.errors.push(hash);
      continue;
    }
    if (ctx.attester === undefined) {
      prepared.errors.push(
        error(
          index,
          "EPCIS_NO_ATTESTER",
          "ImplementationException",
          "this repository has no attester key: capture signed events instead",
          pointer,
        ),
      );
      continue;
    }
    // The eventID is part of what is signed: an event without one gets its hash ID first.
    const withId = typeof event.eventID === "string" ? event : { ...event, eventID: hash };
    // libsecp256k1 signs in ~1/10 of noble's time: the attestation was 70 % of a captured event's CPU.
    const signed = signAttestedEvent(ctx.attester, ctx.organisation, withId, nativeSignDigest);
    prepared.records.push({
      index,
      record: recordOf(
        withId,
        {
          raw: signed.message,
          messageId: signed.messageId,
          signer: ctx.attester.address,
          signedBy: "attester",
        },
        hash,
        ctx,
        ctx.organisation,
      ),
    });
  }
  return prepared;
}

async function prepareSigned(messages: Uint8Array[], ctx: CaptureContext): Promise<Prepared> {
  const prepared: Prepared = { records: [], errors: [], eventCount: messages.length };
  if (messages.length > CAPTURE_EVENT_LIMIT) {
    prepared.errors.push({
      ...error(
        0,
        EpcisProblemCode.TooManyEvents,
        "CaptureLimitExceededException",
        `${messages.length} events; at most ${CAPTURE_EVENT_LIMIT}`,
      ),
      index: null,
    });
    return prepared;
  }
  for (const [index, raw] of messages.entries()) {
    const pointer = `/signedEvents/${index}`;
    let decoded: DecodedEventMessage;
    try {
      decoded = decodeEventMessage(raw);
    } catch (cause) {
      if (!isProtocolError(cause)) throw cause;
      prepared.errors.push(error(index, cause.code, "ValidationException", cause.shortMessage, pointer));
      continue;
    }
    if (decoded.signedBy !== "organisation") {
      prepared.errors.push(
        error(
          index,
          "UNSUPPORTED_CONTENT_TYPE",
          "ValidationException",
          "only the operator attests: post application/ld+json event messages",
          pointer,
        ),
      );
      continue;
    }
    const key = await ctx.store.getOrganisationKey(decoded.signer);
    const own = ctx.capturer.kind === "admin" || key?.organisation === ctx.capturer.organisation.id;
    if (!key || key.revokedAt !== null || !own) {
      const why = !key
        ? "is not an organisation key"
        : key.revokedAt !== null
          ? "is revoked"
          : "belongs to another organisation";
      prepared.errors.push(
        error(
          index,
          "EPCIS_UNKNOWN_SIGNER",
          "SecurityException",
          `signing key ${decoded.signer} ${why}`,
          pointer,
        ),
      );
      continue;
    }
    try {
      verifyDecodedCoseSign1(decoded, decoded.kid, key.publicKey, nobleVerifier);
    } catch (cause) {
      if (!isProtocolError(cause)) throw cause;
      prepared.errors.push(error(index, cause.code, "SecurityException", cause.shortMessage, pointer));
      continue;
    }
    // The same checks as a plain event, on the event as signed, inside a one-event document.
    const document = {
      "@context": decoded.event["@context"] ?? EPCIS_CONTEXT,
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: new Date(ctx.now).toISOString(),
      epcisBody: { eventList: [decoded.event] },
    };
    const checked = checkEpcisDocument(document, checkOptions(ctx));
    const problems = [...checked.problems, ...(checked.events[0]?.problems ?? [])];
    if (problems.length > 0) {
      prepared.errors.push(
        ...problems.map((p) => ({
          ...toError(index, p),
          pointer: p.pointer.replace("/epcisBody/eventList/0", pointer),
        })),
      );
      continue;
    }
    const organisation = key.organisation;
    const owner =
      ctx.capturer.kind === "organisation"
        ? ctx.capturer.organisation
        : await ctx.store.getOrganisation(organisation);
    const foreign = locationProblem(
      decoded.event,
      ctx.capturer.kind === "organisation" ? (owner?.glns ?? []) : null,
      pointer,
    );
    if (foreign) {
      prepared.errors.push({ ...foreign, index });
      continue;
    }
    let options: EventHashOptions = {};
    try {
      options = eventsOfEpcisDocument(document).options;
    } catch (cause) {
      if (!isGs1Error(cause)) throw cause;
    }
    const hash = hashOf(decoded.event, options, index, pointer);
    if (typeof hash !== "string") {
      prepared.errors.push(hash);
      continue;
    }
    prepared.records.push({
      index,
      record: recordOf(
        decoded.event,
        { raw, messageId: decoded.messageId, signer: decoded.signer, signedBy: "organisation" },
        hash,
        ctx,
        organisation,
      ),
    });
  }
  return prepared;
}
