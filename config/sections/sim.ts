import { z } from "zod";
import { setting } from "../setting.ts";

/** The simulated device fleet the demo runs beside the stack. */
export const simSection = z.strictObject({
  enabled: setting(z.enum(["on", "off"]).default("on"), "off starts no simulated fleet", {
    env: "SEALTRAIL_SIM",
  }),
  scenario: setting(
    z.string().min(1).optional(),
    "Scenario file (YAML or JSON) of the simulated fleet; unset: the cold-chain scenario",
    { env: "SEALTRAIL_SIM_SCENARIO", defaultText: "cold chain" },
  ),
});

export type SimSection = z.infer<typeof simSection>;
