import { z } from "zod";
import { setting } from "../setting.ts";

/** What every Sealtrail process shares: where its files live and how much it logs. */
export const commonSection = z.strictObject({
  dataDir: setting(
    z.string().min(1).default("./data"),
    "Where the SQLite store lives, with the demo's anchorer key, a generated admin token and the simulated devices' keys and state; relative paths are read from the working directory",
    { env: "SEALTRAIL_DATA_DIR" },
  ),
  logLevel: setting(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    "pino log level; logs are JSON lines on stdout",
    { env: "SEALTRAIL_LOG_LEVEL" },
  ),
});

export type CommonSection = z.infer<typeof commonSection>;
