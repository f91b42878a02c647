import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { eventPrehash, eventsOfEpcisDocument, hashPrehash } from "#gs1";

// The GS1 reference vectors of the CBV 2.0 event hash (RalphTro/epcis-event-hash-generator, tests/examples),
// read where CI puts shared/: beside the clone. Never copied into the repository; missing means failing.
const DIR = new URL("../../../shared/reference/epcis-event-hash/", import.meta.url);
const present = existsSync(DIR);
const files = present ? readdirSync(DIR) : [];
const names = (ext: string) => files.filter((f) => f.endsWith(ext)).map((f) => f.slice(0, -ext.length));

/** Lines of a vector file; the newline(s) ending the file end the last line, they do not add events. */
function lines(name: string, ext: string): string[] | undefined {
  const path = new URL(`${name}${ext}`, DIR);
  if (!existsSync(path)) return undefined;
  return readFileSync(path, "utf8").replace(/\n+$/, "").split("\n");
}

/**
 * Reference pre-hash lines that are not the pre-hash of their event. Upstream's own test compares only the
 * .hashes files, so these went unnoticed. For each, the test checks that the line still differs from ours,
 * that its SHA-256 is not the reference hash (the line contradicts its own vector, it is not our reading that
 * differs), and that we reproduce the reference hash.
 */
const WRONG_PREHASHES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  epcisDocWithAllGS1Keys: {
    0:
      "garbled: pieces of one identifier are spliced into another ('epc=httpspc=…', " +
      "'…/235=https://AB12', 'htt402/4012ps://…', 'https://i23456010d.gs1.org/…')",
  },
  epcisDocWithCustomSchemaInContext: {
    1: "a copy of event 0's pre-hash (its epcs, bizStep shipping, myField), not event 1's (receiving, myField2)",
  },
  epcisDocWithDefaultSchemaInContext: {
    1: "cut short inside the desadv bizTransaction ('…cbv:bt:06141410734'), the po bizTransaction missing",
  },
};

/** Vectors whose event cannot be rebuilt here: only their last step (pre-hash → hash) is checked. */
const XML_SOURCE: Readonly<Record<string, string>> = {
  SensorDataExamples: "source document was XML and is not in the reference folder",
  epcisDocWith2DifferentTransformationEvents: "source document was XML and is not in the reference folder",
  epcisDocWithTransformationEventWithExtension: "source document was XML and is not in the reference folder",
  epcisDocWithTransformationEventWithMultipleExtensions:
    "source document was XML and is not in the reference folder",
  epcisXmlDocHavingEventWithIgnoreFields: "source document was XML and is not in the reference folder",
  epcisXmlQueryDocHavingEventWithIgnoreFields: "source document was XML and is not in the reference folder",
};

/** A .prehashes file without source document and without .hashes: nothing to reproduce or compare. */
const PREHASH_ONLY = "epcisDocHavingTooManyUserExtensions";

describe("CBV 2.0 event hash: GS1 reference vectors in ../shared/reference/epcis-event-hash", () => {
  it("finds the reference folder beside the repository, with its 22 documents and 28 pre-hash files", () => {
    expect(present).toBe(true);
    expect(names(".jsonld").length).toBe(22);
    expect(names(".prehashes").length).toBe(28);
  });

  it("lists as exceptions exactly the vectors that have no source document", () => {
    const documents = new Set(names(".jsonld"));
    const withoutSource = [...new Set([...names(".prehashes"), ...names(".hashes")])].filter(
      (n) => !documents.has(n),
    );
    expect(withoutSource.sort()).toEqual([...Object.keys(XML_SOURCE), PREHASH_ONLY].sort());
  });

  for (const name of names(".jsonld").sort()) {
    it(`${name}: reproduces the pre-hash and the hash ID of every event`, () => {
      const { events, options } = eventsOfEpcisDocument(
        JSON.parse(readFileSync(new URL(`${name}.jsonld`, DIR), "utf8")),
      );
      const expectedHashes = lines(name, ".hashes");
      const expectedPrehashes = lines(name, ".prehashes");
      expect(expectedHashes).toHaveLength(events.length);
      if (expectedPrehashes) expect(expectedPrehashes).toHaveLength(events.length);
      events.forEach((event, i) => {
        const prehash = eventPrehash(event, options);
        expect({ event: i, hash: hashPrehash(prehash) }).toEqual({ event: i, hash: expectedHashes![i] });
        if (!expectedPrehashes) return; // epcisDocHavingEventWithComment has hashes only
        const reference = expectedPrehashes[i]!;
        if (WRONG_PREHASHES[name]?.[i] === undefined) {
          expect({ event: i, prehash }).toEqual({ event: i, prehash: reference });
        } else {
          expect(prehash).not.toBe(reference);
          expect(hashPrehash(reference)).not.toBe(expectedHashes![i]);
        }
      });
    });
  }

  for (const name of Object.keys(XML_SOURCE).sort()) {
    it(`${name} (${XML_SOURCE[name]}): each reference pre-hash gives its reference hash`, () => {
      const prehashes = lines(name, ".prehashes")!;
      const hashes = lines(name, ".hashes")!;
      expect(prehashes).toHaveLength(hashes.length);
      expect(prehashes.map(hashPrehash)).toEqual(hashes);
    });
  }

  it(`${PREHASH_ONLY} is a pre-hash without source or hash (exception: nothing to check it against)`, () => {
    expect(lines(PREHASH_ONLY, ".prehashes")).toHaveLength(1);
    expect(lines(PREHASH_ONLY, ".hashes")).toBeUndefined();
    expect(lines(PREHASH_ONLY, ".jsonld")).toBeUndefined();
  });
});
