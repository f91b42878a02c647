import { describe, expect, it } from "@jest/globals";
import { isConfigError } from "./errors.ts";
import { loadConfig } from "./loadConfig.ts";
import { redactConfig } from "./redactConfig.ts";
import { redactUrl } from "./redactUrl.ts";

describe("the store keys", () => {
  it("keeps the embedded SQLite store unless told otherwise", () => {
    expect(loadConfig({ env: {} }).config.store).toEqual({ kind: "sqlite", mongoUrl: "" });
  });

  it("refuses the MongoDB store without a connection string, naming the key and its variable", () => {
    let message = "";
    try {
      loadConfig({ env: { SEALTRAIL_STORE: "mongodb" } });
    } catch (error) {
      if (!isConfigError(error)) throw error;
      message = error.message;
    }
    expect(message).toMatch(/store\.mongoUrl \(SEALTRAIL_MONGO_URL.*required when SEALTRAIL_STORE=mongodb/);
    expect(() => loadConfig({ env: { SEALTRAIL_MONGO_URL: "postgres://db/x" } })).toThrow(/mongodb:\/\//);
  });

  it("prints a replica set's connection string with its hosts and without its password", () => {
    const url =
      "mongodb://sealtrail:s3cret@mongo-1:27017,mongo-2:27017,mongo-3:27017/sealtrail?replicaSet=rs0";
    const { config } = loadConfig({ env: { SEALTRAIL_STORE: "mongodb", SEALTRAIL_MONGO_URL: url } });
    expect(config.store.mongoUrl).toBe(url);
    const printed = redactConfig(config).store!;
    expect(printed.mongoUrl).toBe("mongodb://mongo-1:27017,mongo-2:27017,mongo-3:27017/…");
    expect(JSON.stringify(printed)).not.toContain("s3cret");
    expect(redactUrl("mongodb+srv://u:p@cluster0.example.net/sealtrail")).toBe(
      "mongodb+srv://cluster0.example.net/…",
    );
  });
});
