import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { buildRegistryVectors, type RegistryVectors } from "./buildRegistryVectors.ts";

const vectors = JSON.parse(
  readFileSync(new URL("./registry-keys-v1.json", import.meta.url), "utf8"),
) as RegistryVectors;

describe("golden vectors test/vectors/registry-keys-v1.json", () => {
  it("are exactly what the generator script writes (regenerate with `npm run vectors`)", () => {
    expect(vectors).toEqual(JSON.parse(JSON.stringify(buildRegistryVectors())));
  });

  it("cover every kind and both verdicts", () => {
    expect(vectors.keys.map((k) => k.kind)).toEqual(["device", "organisation", "attester"]);
    expect(new Set(vectors.judgements.map((j) => j.ok))).toEqual(new Set([true, false]));
  });
});
