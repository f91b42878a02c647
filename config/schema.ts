import { z } from "zod";
import { anchoringSection } from "./sections/anchoring.ts";
import { apiSection } from "./sections/api.ts";
import { commonSection } from "./sections/common.ts";
import { demoSection } from "./sections/demo.ts";
import { deploySection } from "./sections/deploy.ts";
import { gatewaySection } from "./sections/gateway.ts";
import { registrySection } from "./sections/registry.ts";
import { simSection } from "./sections/sim.ts";
import { storeSection } from "./sections/store.ts";

/**
 * The one configuration of every Sealtrail component, a section each. Every key carries its variable, type,
 * default and a sentence of documentation (config/setting.ts); docs/configuration.md is generated from it.
 */
export const sealtrailConfigSchema = z.strictObject({
  common: commonSection.default(() => commonSection.parse({})),
  gateway: gatewaySection.default(() => gatewaySection.parse({})),
  store: storeSection.default(() => storeSection.parse({})),
  anchoring: anchoringSection.default(() => anchoringSection.parse({})),
  registry: registrySection.default(() => registrySection.parse({})),
  api: apiSection.default(() => apiSection.parse({})),
  sim: simSection.default(() => simSection.parse({})),
  demo: demoSection.default(() => demoSection.parse({})),
  deploy: deploySection.default(() => deploySection.parse({})),
});

export type SealtrailConfig = z.infer<typeof sealtrailConfigSchema>;

/** The sections, in the order the docs and `sealtrail config` show them, with a line on what each is for. */
export const CONFIG_SECTIONS = {
  common: { schema: commonSection, title: "Every process" },
  gateway: { schema: gatewaySection, title: "Gateway (MQTT ingest, verification, storage, batching)" },
  store: { schema: storeSection, title: "Store (SQLite file or MongoDB replica set)" },
  anchoring: { schema: anchoringSection, title: "Anchorer and its anchoring policy" },
  registry: { schema: registrySection, title: "Registrar (keys on the registry contract)" },
  api: { schema: apiSection, title: "HTTP API" },
  sim: { schema: simSection, title: "Simulated fleet" },
  demo: { schema: demoSection, title: "Demo (`sealtrail demo`)" },
  deploy: { schema: deploySection, title: "Contract deployment (`sealtrail deploy`)" },
} as const;

export type ConfigSectionName = keyof typeof CONFIG_SECTIONS;
