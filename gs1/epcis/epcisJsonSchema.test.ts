import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "@jest/globals";
import { EPCIS_JSON_SCHEMA } from "./epcisJsonSchema.ts";

it("is GS1's EPCIS 2.0 JSON Schema, unchanged (npm run vendor:epcis-schema regenerates it)", () => {
  const reference = join(process.cwd(), "..", "shared", "reference", "gs1-epcis", "EPCIS-JSON-Schema.json");
  expect(EPCIS_JSON_SCHEMA).toEqual(JSON.parse(readFileSync(reference, "utf8")));
});
