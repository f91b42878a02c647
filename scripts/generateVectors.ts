// Writes test/vectors/protocol-v1.json, connect-tokens-v1.json, events-v1.json, registry-keys-v1.json and the
// proof bundle and evidence package JSON Schemas in docs/schemas/. Deterministic: running it twice writes the
// same bytes.
import { writeFileSync } from "node:fs";
import { evidenceSchema } from "#evidence";
import { eventProofBundleSchema, proofBundleSchema } from "#protocol";
import { buildEventVectors } from "../test/vectors/buildEventVectors.ts";
import { buildRegistryVectors } from "../test/vectors/buildRegistryVectors.ts";
import { buildConnectTokenVectors, buildVectors } from "../test/vectors/buildVectors.ts";

const out = (path: string, value: unknown) => {
  writeFileSync(new URL(`../${path}`, import.meta.url), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote ${path}`);
};
out("test/vectors/protocol-v1.json", buildVectors());
out("test/vectors/connect-tokens-v1.json", buildConnectTokenVectors());
out("docs/schemas/sealtrail-proof-v1.schema.json", proofBundleSchema);
out("test/vectors/events-v1.json", buildEventVectors());
out("docs/schemas/sealtrail-event-proof-v1.schema.json", eventProofBundleSchema);
out("docs/schemas/sealtrail-evidence-v1.schema.json", evidenceSchema);
out("test/vectors/registry-keys-v1.json", buildRegistryVectors());
