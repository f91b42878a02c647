import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { eventHashId, eventsOfEpcisDocument } from "#gs1";

// GS1's EPCIS 2.0 example documents, read where CI puts shared/ (beside the clone); missing means failing.
const DIR = new URL("../../../shared/reference/gs1-epcis/examples/", import.meta.url);
const read = (name: string) => eventsOfEpcisDocument(JSON.parse(readFileSync(new URL(name, DIR), "utf8")));

describe("CBV 2.0 event hash over GS1's EPCIS 2.0 example documents", () => {
  it("hashes every event of every example document (34 documents) without a refusal", () => {
    expect(existsSync(DIR)).toBe(true);
    const documents = readdirSync(DIR).filter((f) => f.endsWith(".jsonld"));
    expect(documents).toHaveLength(34);
    const ids = documents.flatMap((name) => {
      const { events, options } = read(name);
      return events.map((event) => eventHashId(event, options));
    });
    expect(ids.length).toBeGreaterThanOrEqual(40);
    for (const id of ids) expect(id).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  it("gives the TransformationEvent example the same ID with EPC URNs as with Digital Links", () => {
    const urns = read("Example_9.6.4-TransformationEvent.jsonld");
    const links = read("WithDigitalLinkID__Example_9.6.4-TransformationEventWithDigitalLink.jsonld");
    expect(eventHashId(links.events[0]!, links.options)).toBe(eventHashId(urns.events[0]!, urns.options));
  });
});
