import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { eventHashId, eventPrehash, eventsOfEpcisDocument, isGs1Error } from "#gs1";
import { normaliseNumber } from "./normaliseNumber.ts";
import { normaliseTimestamp } from "./normaliseTimestamp.ts";

const EVENT = {
  type: "ObjectEvent",
  eventTime: "2022-02-16T20:33:31.116000-06:00",
  eventTimeZoneOffset: "-06:00",
  epcList: ["urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018"],
  action: "OBSERVE",
  bizStep: "shipping",
  disposition: "in_transit",
  readPoint: { id: "urn:epc:id:sgln:0614141.07346.1234" },
  bizTransactionList: [{ type: "po", bizTransaction: "http://transaction.acme.com/po/12345678" }],
};
// The hash of this event in the GS1 reference vectors (epcisDocWithSingleEvent).
const EVENT_HASH =
  "ni:///sha-256;ffa491b16867e34a7791a8d5389d826afc24e63a121026b6a4004ace38631b4b?ver=CBV2.0";

/** The same object with its keys (at every level) in another order. */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  const rotated = entries.slice(seed % entries.length).concat(entries.slice(0, seed % entries.length));
  return Object.fromEntries(rotated.reverse().map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
}

describe("CBV 2.0 event hash ID", () => {
  it("gives the reference hash of the reference event", () => {
    expect(eventHashId(EVENT)).toBe(EVENT_HASH);
  });

  it("does not depend on the order of fields or of list members", () => {
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (seed, reverse) => {
        const event = shuffleKeys(EVENT, seed) as Record<string, unknown>;
        if (reverse) event.epcList = [...EVENT.epcList].reverse();
        expect(eventHashId(event)).toBe(EVENT_HASH);
      }),
    );
  });

  it("is the same whether identifiers are EPC URNs or Digital Links on any domain, terms bare or IRIs", () => {
    const same = {
      ...EVENT,
      epcList: [
        "https://example.com/01/10614141073464/21/2018",
        "https://id.gs1.org/01/10614141073464/21/2017",
      ],
      readPoint: { id: "https://id.gs1.org/414/0614141073467/254/1234" },
      bizStep: "urn:epcglobal:cbv:bizstep:shipping",
      disposition: "https://ref.gs1.org/cbv/Disp-in_transit",
      eventTime: "2022-02-17T03:33:31.116+01:00",
      recordTime: "2030-01-01T00:00:00Z",
      eventID: "ni:///sha-256;00?ver=CBV2.0",
    };
    expect(eventHashId(same)).toBe(EVENT_HASH);
  });

  it("changes when any hashed value changes", () => {
    expect(eventHashId({ ...EVENT, action: "ADD" })).not.toBe(EVENT_HASH);
    expect(eventHashId({ ...EVENT, eventTime: "2022-02-16T20:33:31.117-06:00" })).not.toBe(EVENT_HASH);
    expect(eventHashId({ ...EVENT, epcList: EVENT.epcList.slice(1) })).not.toBe(EVENT_HASH);
    expect(
      eventHashId({ ...EVENT, "example:note": "x" }, { namespaces: { example: "https://e.com/" } }),
    ).not.toBe(EVENT_HASH);
  });

  it("writes extensions as {namespace}name with CURIE values expanded, sorted after the standard fields", () => {
    const prehash = eventPrehash(
      {
        type: "ObjectEvent",
        action: "OBSERVE",
        "ex:b": "gs1:Angle",
        "ex:a": { "ex:y": "2", "ex:x": "1.50" },
      },
      { namespaces: { ex: "https://ns.example.com/" } },
    );
    expect(prehash).toBe(
      "eventType=ObjectEventaction=OBSERVE{https://ns.example.com/}a{https://ns.example.com/}x=1.5" +
        "{https://ns.example.com/}y=2{https://ns.example.com/}b=https://gs1.org/voc/Angle",
    );
  });

  it("leaves out the fields a document asks to ignore, and comments", () => {
    const doc = {
      "@context": [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        { repo: "https://repo.example/" },
      ],
      "repo:ignoreFields": ["repo:storedAt"],
      epcisBody: { eventList: [{ ...EVENT, "repo:storedAt": "x", comment: "hello", "rdfs:comment": "hi" }] },
    };
    const { events, options } = eventsOfEpcisDocument(doc);
    expect(eventHashId(events[0]!, options)).toBe(EVENT_HASH);
  });

  it("refuses what is not an event or an EPCIS document, and events nested too deep for the stack", () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return isGs1Error(error) ? error.code : "other";
      }
      return "accepted";
    };
    expect(code(() => eventPrehash([] as unknown as Record<string, unknown>))).toBe("INVALID_EPCIS_EVENT");
    expect(code(() => eventPrehash({ type: 5 }))).toBe("INVALID_EPCIS_EVENT");
    expect(code(() => eventsOfEpcisDocument({ epcisBody: { eventList: [1] } }))).toBe("INVALID_EPCIS_EVENT");
    expect(code(() => eventsOfEpcisDocument("{}"))).toBe("INVALID_EPCIS_EVENT");
    const nest = (levels: number) => {
      let value: unknown = "x";
      for (let i = 0; i < levels; i++) value = { "ex:a": value };
      return { type: "ObjectEvent", action: "OBSERVE", "ex:deep": value };
    };
    expect(code(() => eventPrehash(nest(64)))).toBe("accepted");
    expect(code(() => eventPrehash(nest(65)))).toBe("INVALID_EPCIS_EVENT");
    expect(code(() => eventPrehash(nest(100_000)))).toBe("INVALID_EPCIS_EVENT");
  });
});

describe("event hash value forms", () => {
  it("writes timestamps in UTC to the millisecond, rounding half to even like the reference", () => {
    expect(normaliseTimestamp("2022-02-16T20:33:31.116000-06:00")).toBe("2022-02-17T02:33:31.116Z");
    expect(normaliseTimestamp("2023-02-02T11:04:03.1415Z")).toBe("2023-02-02T11:04:03.142Z");
    expect(normaliseTimestamp("2023-02-02T11:04:03.1425Z")).toBe("2023-02-02T11:04:03.142Z");
    expect(normaliseTimestamp("2023-02-02T11:04:03.1414999Z")).toBe("2023-02-02T11:04:03.141Z");
    expect(normaliseTimestamp("2023-12-31T23:59:59.9996+00:00")).toBe("2024-01-01T00:00:00.000Z");
    expect(normaliseTimestamp("2020-03-04T11:00:30+0100")).toBe("2020-03-04T10:00:30.000Z");
    expect(normaliseTimestamp("2020-03-04T11:00")).toBe("2020-03-04T11:00:00.000Z");
    expect(normaliseTimestamp("0099-01-01T00:30:00+01:00")).toBe("0098-12-31T23:30:00.000Z");
  });

  it("leaves text that is not a valid timestamp as it is", () => {
    for (const text of [
      "yesterday",
      "2020-02-30T00:00:00Z",
      "2020-01-01T24:00:00Z",
      "2020-01-01T00:00:00+25:00",
    ]) {
      expect(normaliseTimestamp(text)).toBe(text);
    }
  });

  it("agrees with Date for any instant and offset, to the millisecond", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -60_000_000_000_000, max: 200_000_000_000_000 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (ms, offset) => {
          const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
          const sign = offset < 0 ? "-" : "+";
          const zone = `${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0")}:${String(Math.abs(offset) % 60).padStart(2, "0")}`;
          fc.pre(!local.startsWith("-") && !local.startsWith("+"));
          expect(normaliseTimestamp(local + zone)).toBe(new Date(ms).toISOString());
        },
      ),
    );
  });

  it("writes numbers as Python's str(float) does, integers without a fraction", () => {
    const cases: [string, string][] = [
      ["452.0", "452"],
      ["+007", "7"],
      ["-0.0", "0"],
      ["0.10", "0.1"],
      ["1e3", "1000"],
      ["1_000.5", "1000.5"],
      ["0.0001", "0.0001"],
      ["0.00001", "1e-05"],
      ["1.5e-7", "1.5e-07"],
      ["12345678901234567890", "12345678901234567168"],
      [".5", "0.5"],
      ["5.", "5"],
      ["1e400", "1e400"],
      ["nan", "nan"],
      ["1__0", "1__0"],
      ["0x10", "0x10"],
      ["١٢", "12"],
      ["2023-10-09", "2023-10-09"],
    ];
    for (const [input, output] of cases) expect([input, normaliseNumber(input)]).toEqual([input, output]);
  });

  it("round-trips any finite double through its written form", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Number(normaliseNumber(String(x)))).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});
