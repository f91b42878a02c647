import { z } from "zod";
import { setting } from "../setting.ts";

/**
 * Where the gateway and the API keep readings, events, batches and anchors: the embedded SQLite file, or a
 * MongoDB replica set shared by several gateways (docs/operations.md, "MongoDB").
 */
export const storeSection = z
  .strictObject({
    kind: setting(
      z.enum(["sqlite", "mongodb"]).default("sqlite"),
      "The store: `sqlite`, one file in the data directory (one gateway), or `mongodb`, a replica set that several gateways and the API share",
      { env: "SEALTRAIL_STORE" },
    ),
    mongoUrl: setting(
      z
        .string()
        .regex(/^(mongodb(\+srv)?:\/\/.+)?$/, "expected a mongodb:// or mongodb+srv:// connection string")
        .default(""),
      "MongoDB connection string of a replica set (…/database?replicaSet=name), required when the store is `mongodb`; writes wait for w:majority, j:true whatever it says",
      { env: "SEALTRAIL_MONGO_URL", secret: "url" },
    ),
  })
  .superRefine((config, ctx) => {
    if (config.kind === "mongodb" && config.mongoUrl === "")
      ctx.addIssue({ code: "custom", path: ["mongoUrl"], message: "required when SEALTRAIL_STORE=mongodb" });
  });

export type StoreSection = z.infer<typeof storeSection>;
