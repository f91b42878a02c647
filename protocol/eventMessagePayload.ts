import { ProtocolError, ProtocolErrorCode } from "./errors.ts";
import { EPCIS_EVENT_TYPES, EVENT_MESSAGE_LIMITS, ORGANISATION_ID_RE } from "./eventMessage.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

function invalid(detail: string, details?: Record<string, unknown>): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidEvent, detail, details ? { details } : {});
}

/**
 * Parses untrusted payload bytes as one JSON object: strict UTF-8 without a byte order mark (RFC 8259
 * §8.1), nesting at most `maxDepth`, and no `__proto__`/`constructor`/`prototype` key (JSON.parse keeps
 * them as plain properties, but code that copies the object later would not). Throws INVALID_EVENT.
 */
export function parseJsonObjectPayload(
  bytes: Uint8Array,
  maxDepth: number = EVENT_MESSAGE_LIMITS.maxJsonDepth,
): Record<string, unknown> {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    throw invalid("payload must not start with a byte order mark");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw new ProtocolError(ProtocolErrorCode.InvalidEvent, "payload is not valid UTF-8", { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError(ProtocolErrorCode.InvalidEvent, "payload is not JSON", { cause });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw invalid("payload must be a JSON object");
  // Iterative, so a hostile nesting cannot exhaust the stack.
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.value === null || typeof item.value !== "object") continue;
    if (item.depth > maxDepth) throw invalid(`payload JSON is nested deeper than ${maxDepth}`);
    if (Array.isArray(item.value)) {
      for (const v of item.value) stack.push({ value: v, depth: item.depth + 1 });
      continue;
    }
    for (const [key, v] of Object.entries(item.value)) {
      if (FORBIDDEN_KEYS.has(key)) throw invalid(`payload JSON has the refused key "${key}"`);
      stack.push({ value: v, depth: item.depth + 1 });
    }
  }
  return value as Record<string, unknown>;
}

/**
 * Checks that a JSON object is one EPCIS event by its structure: `type` is one of the five EPCIS 2.0 event
 * types. Everything else (schema, CBV rules, identifiers) is the capture interface's, not the protocol's.
 */
export function assertEventStructure(
  event: unknown,
  where = "event",
): asserts event is Record<string, unknown> {
  if (event === null || typeof event !== "object" || Array.isArray(event))
    throw invalid(`${where} must be a JSON object`);
  const type = (event as { type?: unknown }).type;
  if (typeof type !== "string" || !(EPCIS_EVENT_TYPES as readonly string[]).includes(type)) {
    throw invalid(`${where} type must be one of ${EPCIS_EVENT_TYPES.join(", ")}`, {
      type: typeof type === "string" ? type.slice(0, 40) : String(type),
    });
  }
}

/** Checks an organisation id as carried in an attested payload; throws INVALID_EVENT. */
export function assertOrganisationId(org: unknown): asserts org is string {
  if (typeof org !== "string" || !ORGANISATION_ID_RE.test(org))
    throw invalid("org must be 1..64 characters of [A-Za-z0-9._-]");
}

/**
 * Decodes the payload of an organisation-signed event: the UTF-8 JSON of one EPCIS event.
 * @example decodeEventPayload(new TextEncoder().encode('{"type":"ObjectEvent",…}')).type // "ObjectEvent"
 */
export function decodeEventPayload(bytes: Uint8Array): Record<string, unknown> {
  const event = parseJsonObjectPayload(bytes);
  assertEventStructure(event);
  return event;
}

/**
 * Decodes the payload of an attested event: exactly `{"org": "<id>", "event": <event>}` (any key order).
 * @example decodeAttestedEventPayload(bytes).org // "acme-foods"
 */
export function decodeAttestedEventPayload(bytes: Uint8Array): {
  org: string;
  event: Record<string, unknown>;
} {
  const value = parseJsonObjectPayload(bytes);
  const keys = Object.keys(value).sort();
  if (keys.length !== 2 || keys[0] !== "event" || keys[1] !== "org")
    throw invalid('an attested payload is exactly {"org": …, "event": …}');
  assertOrganisationId(value.org);
  assertEventStructure(value.event, "event");
  return { org: value.org, event: value.event };
}
