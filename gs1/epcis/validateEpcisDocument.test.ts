import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { parseEpcisJson } from "./parseEpcisJson.ts";
import { checkEpcisDocument, type EpcisDocumentOptions } from "./validateEpcisDocument.ts";

// GS1's reference material lies beside the clone (../shared), in CI too: missing, the test fails.
const EXAMPLES = join(process.cwd(), "..", "shared", "reference", "gs1-epcis", "examples");
const NOW = Date.parse("2026-12-04T12:00:00Z");
const options: EpcisDocumentOptions = { now: NOW, maxClockSkewMs: 300_000, maxEvents: 100 };

const documentOf = (...events: Record<string, unknown>[]) => ({
  "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
  type: "EPCISDocument",
  schemaVersion: "2.0",
  creationDate: "2026-12-04T10:00:00Z",
  epcisBody: { eventList: events },
});
const objectEvent = (overrides: Record<string, unknown> = {}) => ({
  type: "ObjectEvent",
  eventTime: "2026-12-04T09:00:00.000+01:00",
  eventTimeZoneOffset: "+01:00",
  epcList: ["urn:epc:id:sgtin:4012345.011111.987"],
  action: "OBSERVE",
  bizStep: "shipping",
  ...overrides,
});
const codesOf = (doc: unknown) =>
  checkEpcisDocument(doc, options).events.map((e) => e.problems.map((p) => p.code));

/**
 * GS1's examples that name a key twice in one object, and where: capture refuses them (a reader keeping the
 * first eventID and one keeping the last would disagree on the event's id), so they are checked as JSON.parse
 * reads them below, and captured in that form by api/epcisQuery.test.ts.
 */
const DUPLICATE_KEY_EXAMPLES: Record<string, string> = {
  "AssociationEvent__AssociationEvent-h.jsonld": "/epcisBody/eventList/0/eventID",
};

describe("checkEpcisDocument on GS1's example documents", () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".jsonld"));

  it("finds GS1's examples beside the clone", () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(DUPLICATE_KEY_EXAMPLES))("refuses %s, which gives a key twice at %s", (file, at) => {
    expect(parseEpcisJson(readFileSync(join(EXAMPLES, file), "utf8"))).toEqual({
      problem: expect.objectContaining({ code: "EPCIS_DUPLICATE_KEY", pointer: at }),
    });
  });

  it.each(files.filter((f) => !f.startsWith("EPCISQueryDocument")))("accepts every event of %s", (file) => {
    const text = readFileSync(join(EXAMPLES, file), "utf8");
    // Checked as JSON.parse reads it (the last of two keys): the rules hold for the rest of the example.
    const parsed = file in DUPLICATE_KEY_EXAMPLES ? { value: JSON.parse(text) } : parseEpcisJson(text);
    expect(parsed).toHaveProperty("value");
    const checked = checkEpcisDocument((parsed as { value: unknown }).value, options);
    expect(checked.problems).toEqual([]);
    expect(checked.events.length).toBeGreaterThan(0);
    for (const event of checked.events) expect(event.problems).toEqual([]);
  });
});

describe("checkEpcisDocument refusals, each naming the event and the rule", () => {
  it("says which event of a document breaks the schema, and passes the others", () => {
    const checked = checkEpcisDocument(documentOf(objectEvent(), objectEvent({ action: "MOVE" })), options);
    expect(checked.events[0]!.problems).toEqual([]);
    expect(checked.events[1]!.problems).toEqual([
      expect.objectContaining({ code: "EPCIS_SCHEMA_VIOLATION", exception: "ValidationException" }),
    ]);
    expect(checked.events[1]!.problems[0]!.pointer).toMatch(/^\/epcisBody\/eventList\/1/);
  });

  it("refuses an unknown event type", () => {
    expect(codesOf(documentOf(objectEvent({ type: "TeleportEvent" })))).toEqual([
      ["EPCIS_UNKNOWN_EVENT_TYPE"],
    ]);
  });

  it("refuses an eventTime without an offset and a time zone offset beyond ±14:00", () => {
    expect(codesOf(documentOf(objectEvent({ eventTime: "2026-12-04T09:00:00" })))[0]).toContain(
      "EPCIS_INVALID_TIME_ZONE",
    );
    expect(codesOf(documentOf(objectEvent({ eventTimeZoneOffset: "+15:00" })))[0]).toContain(
      "EPCIS_INVALID_TIME_ZONE",
    );
  });

  it("refuses an event later than the capture time plus the clock skew, and accepts one within it", () => {
    expect(codesOf(documentOf(objectEvent({ eventTime: "2026-12-04T12:10:00Z" })))).toEqual([
      ["EPCIS_EVENT_TIME_IN_FUTURE"],
    ]);
    expect(codesOf(documentOf(objectEvent({ eventTime: "2026-12-04T12:04:00Z" })))).toEqual([[]]);
  });

  it("applies the action rules: ILMD only on ADD, a parent to aggregate, a transformation with inputs or outputs", () => {
    const ilmd = checkEpcisDocument(documentOf(objectEvent({ ilmd: { "example:lot": "L1" } })), options);
    expect(ilmd.events[0]!.problems).toEqual([
      expect.objectContaining({ code: "EPCIS_SCHEMA_VIOLATION", pointer: "/epcisBody/eventList/0/ilmd" }),
    ]);
    const aggregation = {
      type: "AggregationEvent",
      eventTime: "2026-12-04T09:00:00Z",
      eventTimeZoneOffset: "+00:00",
      action: "ADD",
      childEPCs: ["urn:epc:id:sgtin:4012345.011111.987"],
    };
    expect(codesOf(documentOf(aggregation))).toEqual([["EPCIS_ACTION_RULE"]]);
    const transformation = {
      type: "TransformationEvent",
      eventTime: "2026-12-04T09:00:00Z",
      eventTimeZoneOffset: "+00:00",
      bizStep: "commissioning",
    };
    expect(codesOf(documentOf(transformation))).toEqual([["EPCIS_SCHEMA_VIOLATION"]]);
  });

  it("refuses a sensor report that restates an attribute of its sensorMetadata", () => {
    const event = objectEvent({
      sensorElementList: [
        {
          sensorMetadata: { time: "2026-12-04T08:00:00Z", deviceID: "urn:epc:id:giai:4000001.111" },
          sensorReport: [
            { type: "Temperature", value: 4.5, uom: "CEL", deviceID: "urn:epc:id:giai:4000001.111" },
          ],
        },
      ],
    });
    const [problems] = checkEpcisDocument(documentOf(event), options).events.map((e) => e.problems);
    expect(problems).toEqual([expect.objectContaining({ code: "EPCIS_SENSOR_RULE" })]);
    expect(problems![0]!.pointer).toBe("/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/deviceID");
  });

  it("refuses a document with more events than the limit, as a capture limit", () => {
    const checked = checkEpcisDocument(
      documentOf(...Array.from({ length: 101 }, () => objectEvent())),
      options,
    );
    expect(checked.problems).toEqual([
      expect.objectContaining({ code: "EPCIS_TOO_MANY_EVENTS", exception: "CaptureLimitExceededException" }),
    ]);
    expect(checked.events).toEqual([]);
  });

  it("refuses a document whose envelope breaks the schema, before looking at any event", () => {
    const { creationDate: _dropped, ...noDate } = documentOf(objectEvent());
    const checked = checkEpcisDocument(noDate, options);
    expect(checked.problems[0]!.code).toBe("EPCIS_SCHEMA_VIOLATION");
    expect(checked.events).toEqual([]);
  });
});

describe("parseEpcisJson bounds hostile bodies", () => {
  it("refuses what is not JSON", () => {
    expect(parseEpcisJson("{nope")).toEqual({ problem: expect.objectContaining({ code: "EPCIS_NOT_JSON" }) });
  });

  it("refuses a body above the size limit before parsing it", () => {
    const big = JSON.stringify({ pad: "x".repeat(2000) });
    expect(parseEpcisJson(big, { maxBytes: 1000, maxDepth: 32 })).toEqual({
      problem: expect.objectContaining({
        code: "EPCIS_TOO_LARGE",
        exception: "CaptureLimitExceededException",
      }),
    });
  });

  it("counts UTF-8 bytes, not characters", () => {
    const text = JSON.stringify({ s: "€".repeat(400) }); // 1,200 bytes in 408 characters
    expect(parseEpcisJson(text, { maxBytes: 1000, maxDepth: 32 })).toHaveProperty(
      "problem.code",
      "EPCIS_TOO_LARGE",
    );
    expect(parseEpcisJson(text, { maxBytes: 1300, maxDepth: 32 })).toHaveProperty("value");
  });

  it("refuses nesting deeper than the limit without exhausting the stack", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const result = parseEpcisJson(deep, { maxBytes: 1_000_000, maxDepth: 32 });
    expect(result).toHaveProperty("problem");
    expect(["EPCIS_TOO_DEEP", "EPCIS_NOT_JSON"]).toContain(
      (result as { problem: { code: string } }).problem.code,
    );
    expect(parseEpcisJson(`${"[".repeat(40)}${"]".repeat(40)}`)).toHaveProperty(
      "problem.code",
      "EPCIS_TOO_DEEP",
    );
  });

  it.each(["__proto__", "constructor", "prototype"])("refuses a %s key anywhere, naming where", (key) => {
    const result = parseEpcisJson(`{"epcisBody":{"eventList":[{"${key}":{"polluted":true}}]}}`);
    expect(result).toEqual({
      problem: expect.objectContaining({
        code: "EPCIS_FORBIDDEN_KEY",
        pointer: `/epcisBody/eventList/0/${key}`,
      }),
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a key given twice in one object, naming the key and where, instead of keeping the last", () => {
    const text =
      '{"epcisBody":{"eventList":[{"type":"ObjectEvent","action":"ADD","type":"AggregationEvent"}]}}';
    expect(parseEpcisJson(text)).toEqual({
      problem: expect.objectContaining({
        code: "EPCIS_DUPLICATE_KEY",
        exception: "ValidationException",
        pointer: "/epcisBody/eventList/0/type",
        detail: expect.stringContaining('"type"'),
      }),
    });
  });

  it("takes two spellings of one key as a duplicate, and equal keys in different objects as none", () => {
    expect(parseEpcisJson('{"a":{"k":1},"b":{"k":"\\\\"},"c":[{"k":1},{"k":2}]}')).toHaveProperty("value");
    expect(parseEpcisJson('{"x":[{"k":1},{"ab":1,"a\\u0062":2}]}')).toEqual({
      problem: expect.objectContaining({ code: "EPCIS_DUPLICATE_KEY", pointer: "/x/1/ab" }),
    });
    // A key-looking string among values is a value: `"k"` after a colon, `","` inside a string.
    expect(parseEpcisJson('{"k":"k","v":[",","k"],"w":{"k":"}"}}')).toHaveProperty("value");
  });
});
