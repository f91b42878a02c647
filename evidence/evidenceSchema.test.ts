import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import Ajv2020Module from "ajv/dist/2020.js";
import { buildEvidencePackage } from "./buildEvidencePackage.ts";
import { evidenceSchema } from "./evidenceSchema.ts";
import { parseEvidencePackage } from "./parseEvidencePackage.ts";
import { deviceContent, exampleEvidenceDevice, exampleReadings, memoryEvidenceSource } from "./testing.ts";

type AjvClass = typeof Ajv2020Module.default;
const Ajv2020: AjvClass =
  (Ajv2020Module as unknown as { default?: AjvClass }).default ?? (Ajv2020Module as unknown as AjvClass);
const validate = new Ajv2020({ strict: true, allErrors: false }).compile(evidenceSchema);

const device = exampleEvidenceDevice("schema");
const T0 = Date.parse("2026-06-01T00:00:00Z");
async function sample(): Promise<Record<string, unknown>> {
  const readings = exampleReadings(device, 10, T0);
  const pkg = await buildEvidencePackage(
    deviceContent(device.address, readings, T0, T0 + 9 * 60_000),
    memoryEvidenceSource(readings, [device], 4, () => [
      {
        chainId: 31337,
        contract: `0x${"11".repeat(20)}`,
        txHash: null,
        blockNumber: null,
        blockTimestamp: null,
        status: "sealed",
      },
    ]),
  );
  return JSON.parse(JSON.stringify(pkg)) as Record<string, unknown>;
}

/** Changes that make a package malformed: the schema and the hand-written parser must both refuse each. */
const breakages: [string, (p: Record<string, unknown> & { batches: Record<string, unknown>[] }) => void][] = [
  [
    "flags with a 2",
    (p) => {
      p.batches[0]!.flags = "012";
    },
  ],
  [
    "a reading that is not base64",
    (p) => {
      p.batches[0]!.readings = ["not base64!"];
    },
  ],
  [
    "base64 without padding",
    (p) => {
      p.batches[0]!.readings = ["QQ"];
    },
  ],
  [
    "a short root",
    (p) => {
      p.batches[0]!.root = "0x1234";
    },
  ],
  [
    "a missing pending section",
    (p) => {
      delete p.pending;
    },
  ],
  [
    "an unknown subject kind",
    (p) => {
      p.subject = { kind: "planet", id: "x", gtin: null };
    },
  ],
  [
    "an anchor status that does not exist",
    (p) => {
      (p.batches[0]!.anchors as { status: string }[])[0]!.status = "anchored";
    },
  ],
  [
    "a public key that is not compressed",
    (p) => {
      (p.keys as { devices: { publicKey: string }[] }).devices[0]!.publicKey = `0x04${"ab".repeat(32)}`;
    },
  ],
];

describe("the sealtrail-evidence-v1 schema", () => {
  it("is written to docs/schemas as it is in evidenceSchema.ts (npm run vectors)", () => {
    const file = new URL("../docs/schemas/sealtrail-evidence-v1.schema.json", import.meta.url);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(JSON.parse(JSON.stringify(evidenceSchema)));
  });

  it("accepts a package the builder made, as the verifier's hand-written parser does", async () => {
    const pkg = await sample();
    expect(validate(pkg)).toBe(true);
    expect(() => parseEvidencePackage(pkg)).not.toThrow();
  });

  it.each(breakages)("refuses %s, in the schema and in the parser", async (_name, breakIt) => {
    const pkg = (await sample()) as Record<string, unknown> & { batches: Record<string, unknown>[] };
    breakIt(pkg);
    expect(validate(pkg)).toBe(false);
    expect(() => parseEvidencePackage(pkg)).toThrow(/INVALID_PACKAGE|UNSUPPORTED_FORMAT/);
  });
});
