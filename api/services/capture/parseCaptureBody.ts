import type { Request } from "express";
import { DEFAULT_EPCIS_JSON_LIMITS, parseEpcisJson } from "#gs1";
import { hexToBytes, isProtocolError } from "#protocol";
import type { CaptureInput } from "./captureEvents.ts";
import { EpcisHttpProblem } from "./epcisHttpProblem.ts";

/** Largest capture body (GS1-EPCIS-Capture-File-Size-Limit), bytes. */
export const CAPTURE_FILE_SIZE_LIMIT = DEFAULT_EPCIS_JSON_LIMITS.maxBytes;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * What a capture request carries, from its raw body: `application/cose` is one organisation-signed event
 * message; JSON (`application/json`, `application/ld+json`) is either `{"signedEvents": ["<hex>", …]}` or
 * plain EPCIS (a document, or with `single`, one event), parsed with its hostile cases bounded
 * (parseEpcisJson: size, depth, `__proto__`). Throws an EpcisHttpProblem (400/415).
 */
export function parseCaptureBody(req: Request, body: Buffer, single: boolean): CaptureInput {
  if (req.is("application/cose")) return { kind: "signed", messages: [new Uint8Array(body)] };
  if (!req.is(["application/json", "application/ld+json"]))
    throw new EpcisHttpProblem(
      415,
      "ValidationException",
      "UNSUPPORTED_MEDIA_TYPE",
      "the body must be application/json, application/ld+json or application/cose",
    );
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new EpcisHttpProblem(400, "ValidationException", "EPCIS_NOT_JSON", "the body is not UTF-8");
  }
  const parsed = parseEpcisJson(text, { ...DEFAULT_EPCIS_JSON_LIMITS, maxBytes: CAPTURE_FILE_SIZE_LIMIT });
  if ("problem" in parsed) {
    const p = parsed.problem;
    throw new EpcisHttpProblem(p.code === "EPCIS_TOO_LARGE" ? 413 : 400, p.exception, p.code, p.detail, {
      pointer: p.pointer,
    });
  }
  const value = parsed.value;
  if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.hasOwn(value, "signedEvents")
  ) {
    const list = (value as { signedEvents: unknown }).signedEvents;
    if (Object.keys(value).length !== 1 || !Array.isArray(list) || list.some((m) => typeof m !== "string"))
      throw new EpcisHttpProblem(
        400,
        "ValidationException",
        "INVALID_BODY",
        'a signed capture is exactly {"signedEvents": ["<hex COSE_Sign1>", …]}',
      );
    const messages = list.map((hex: string, i) => {
      try {
        return hexToBytes(hex.startsWith("0x") ? hex : `0x${hex}`);
      } catch (cause) {
        if (!isProtocolError(cause)) throw cause;
        throw new EpcisHttpProblem(
          400,
          "ValidationException",
          "INVALID_BODY",
          `signedEvents/${i} is not hex`,
        );
      }
    });
    return { kind: "signed", messages };
  }
  if (!single) return { kind: "document", document: value };
  // One event: checked as the only event of a document with its own @context.
  const event = value as Record<string, unknown>;
  return {
    kind: "document",
    document: {
      "@context": event["@context"] ?? "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: new Date().toISOString(),
      epcisBody: { eventList: [value] },
    },
  };
}
