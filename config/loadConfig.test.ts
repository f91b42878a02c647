import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { ConfigErrorCode, isConfigError } from "./errors.ts";
import { listSettings } from "./listSettings.ts";
import { loadConfig } from "./loadConfig.ts";
import { redactConfig } from "./redactConfig.ts";

const dir = mkdtempSync(join(tmpdir(), "sealtrail-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** The error loadConfig throws for these options (fails the test when it does not throw). */
function refusal(options: Parameters<typeof loadConfig>[0]) {
  try {
    loadConfig(options);
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("loading the configuration", () => {
  it("fills every key with its service default, and the demo's where the demo differs", () => {
    const service = loadConfig({ env: {} });
    expect(service.config.gateway.batchMaxSize).toBe(10_000);
    expect(service.config.anchoring).toMatchObject({
      finalityDepth: 10,
      maxFeePerGasGwei: 2,
      onGenesisChange: "halt",
    });
    const demo = loadConfig({ env: {}, profile: "demo" });
    expect(demo.config.gateway.batchMaxSize).toBe(1000);
    expect(demo.config.anchoring).toMatchObject({
      finalityDepth: 3,
      stuckAfterMs: 10_000,
      onGenesisChange: "redeploy",
    });
    expect(demo.sources["gateway.batchMaxSize"]).toBe("demo");
    expect(demo.sources["gateway.maxMessageBytes"]).toBe("default");
  });

  it("takes every key from its environment variable, in both profiles", () => {
    // A valid value other than either default for each key: each variable must change its key.
    const samples: Record<string, string> = {
      SEALTRAIL_DATA_DIR: "/srv/sealtrail",
      SEALTRAIL_LOG_LEVEL: "debug",
      SEALTRAIL_GATEWAY_MODE: "external",
      SEALTRAIL_MQTT_HOST: "0.0.0.0",
      SEALTRAIL_VERIFIER: "noble",
      SEALTRAIL_SECP256K1: "bundled",
      SEALTRAIL_EXTERNAL_BROKER_URL: "mqtt://broker:1883",
      SEALTRAIL_EXTERNAL_CLIENT_ID: "gw-7",
      SEALTRAIL_EXTERNAL_SHARE_GROUP: "group7",
      SEALTRAIL_EXTERNAL_USERNAME: "gateway",
      SEALTRAIL_EXTERNAL_PASSWORD: "broker-password",
      SEALTRAIL_ANCHOR_TARGETS: JSON.stringify([
        { rpcUrl: "https://rpc.example/v2/KEY", chainId: 11155420, contract: `0x${"ab".repeat(20)}` },
      ]),
      SEALTRAIL_ANCHORER_KEY: `0x${"11".repeat(32)}`,
      SEALTRAIL_REGISTRY_RPC_URL: "https://rpc.example/v2/KEY",
      SEALTRAIL_REGISTRY_CONTRACT: `0x${"cd".repeat(20)}`,
      SEALTRAIL_REGISTRAR_KEY: `0x${"22".repeat(32)}`,
      SEALTRAIL_ON_GENESIS_CHANGE: "redeploy",
      SEALTRAIL_HTTP_HOST: "::1",
      SEALTRAIL_ADMIN_TOKEN: "a-token-of-24-characters",
      SEALTRAIL_SIM: "off",
      SEALTRAIL_SIM_SCENARIO: "load.yaml",
      SEALTRAIL_HOST: "127.0.0.2",
      SEALTRAIL_MAX_TOPIC_LEVELS: "7",
      SEALTRAIL_GROUP_COMMIT_MS: "7",
      SEALTRAIL_VERIFY_POOL_SIZE: "77",
      SEALTRAIL_VERIFY_INLINE_MAX_LOAD: "0.7",
      SEALTRAIL_VERIFY_GATHER_MS: "7",
      SEALTRAIL_EXTERNAL_CONNECTIONS: "77",
      SEALTRAIL_HTTP_RATE_WINDOW_MS: "7777",
      SEALTRAIL_DEPLOY_RPC_URL: "https://rpc.example/v2/KEY",
      SEALTRAIL_DEPLOYER_KEY: `0x${"22".repeat(32)}`,
      SEALTRAIL_DEPLOY_ADMIN: `0x${"cd".repeat(20)}`,
      SEALTRAIL_DEPLOY_ANCHORERS: JSON.stringify([`0x${"ab".repeat(20)}`]),
      SEALTRAIL_DEPLOY_REGISTRARS: JSON.stringify([`0x${"ab".repeat(20)}`]),
      SEALTRAIL_DEFAULT_TEMPERATURE_PROFILE: JSON.stringify({
        name: "15–25 °C",
        minC: 15,
        maxC: 25,
        maxSingleExcursionMs: 0,
        maxCumulativeExcursionMs: 0,
      }),
      SEALTRAIL_GS1_COMPANY_PREFIXES: JSON.stringify(["0614141", "9521234"]),
      SEALTRAIL_PUBLIC_BASE_URL: "https://trace.example.com",
      SEALTRAIL_RESOLVER_PATH_PREFIX: "/id",
      SEALTRAIL_RABBITMQ_URLS: JSON.stringify(["amqp://gateway:secret@rabbit-1:5672"]),
      SEALTRAIL_RABBITMQ_QUEUES: "77",
      SEALTRAIL_RABBITMQ_CONSUMERS: "single-active",
      SEALTRAIL_RABBITMQ_VHOST: "sealtrail",
      SEALTRAIL_RABBITMQ_AUTH_HOST: "0.0.0.0",
      SEALTRAIL_STORE: "mongodb",
      SEALTRAIL_MONGO_URL: "mongodb://mongo-1:27017/sealtrail?replicaSet=rs0",
    };
    for (const profile of ["service", "demo"] as const) {
      const base = loadConfig({ env: {}, profile });
      for (const s of listSettings()) {
        const text = samples[s.env] ?? "777";
        const env = {
          [s.env]: s.env === "SEALTRAIL_ON_GENESIS_CHANGE" && profile === "demo" ? "halt" : text,
        };
        if (s.env === "SEALTRAIL_GATEWAY_MODE") env.SEALTRAIL_EXTERNAL_BROKER_URL = "mqtt://broker:1883";
        if (s.env === "SEALTRAIL_MQTT_TLS_PORT")
          Object.assign(env, {
            SEALTRAIL_MQTT_TLS_CERT_FILE: "cert.pem",
            SEALTRAIL_MQTT_TLS_KEY_FILE: "key.pem",
          });
        if (s.env === "SEALTRAIL_STORE") env.SEALTRAIL_MONGO_URL = "mongodb://mongo-1:27017/sealtrail";
        const loaded = loadConfig({ env, profile });
        const value = (loaded.config as Record<string, Record<string, unknown>>)[s.section]![s.key];
        const before = (base.config as Record<string, Record<string, unknown>>)[s.section]![s.key];
        expect({
          env: s.env,
          profile,
          changed: value !== before && JSON.stringify(value) !== JSON.stringify(before),
        }).toEqual({
          env: s.env,
          profile,
          changed: true,
        });
        expect(loaded.sources[s.path]).toBe("env");
      }
    }
  });

  it("reads a YAML or JSON file, and the environment overrides it", () => {
    const yaml = file(
      "sealtrail.yaml",
      "gateway:\n  batchMaxSize: 500\n  maxMessageBytes: 2048\nanchoring:\n  maxFeePerGasGwei: 0.05\n",
    );
    const loaded = loadConfig({ env: { SEALTRAIL_CONFIG: yaml, SEALTRAIL_BATCH_MAX_SIZE: "700" } });
    expect(loaded.config.gateway).toMatchObject({ batchMaxSize: 700, maxMessageBytes: 2048 });
    expect(loaded.config.anchoring.maxFeePerGasGwei).toBe(0.05);
    expect(loaded.sources).toMatchObject({
      "gateway.batchMaxSize": "env",
      "gateway.maxMessageBytes": "file",
    });
    const json = file("sealtrail.json", JSON.stringify({ api: { port: 9090 } }));
    expect(loadConfig({ file: json, profile: "demo" }).config.api.port).toBe(9090);
  });

  it("names the key, its variable and the value's origin for each bad value, and refuses unknown keys", () => {
    const error = refusal({ env: { SEALTRAIL_MAX_MESSAGE_BYTES: "2000000", SEALTRAIL_VERIFIER: "openssl" } });
    expect(error.code).toBe(ConfigErrorCode.Invalid);
    expect(error.message).toMatch(
      /gateway\.maxMessageBytes \(SEALTRAIL_MAX_MESSAGE_BYTES, from the environment\): Too big/,
    );
    expect(error.message).toMatch(/gateway\.verifier \(SEALTRAIL_VERIFIER, from the environment\)/);
    const typo = file("typo.yaml", "gateway:\n  batchMaxSise: 5\n");
    expect(refusal({ file: typo }).message).toMatch(/gateway\.batchMaxSise: unknown key/);
    const bad = file("bad.yaml", "anchoring:\n  finalityDepth: zero\n");
    expect(refusal({ file: bad }).message).toContain(
      `anchoring.finalityDepth (SEALTRAIL_FINALITY_DEPTH, from ${bad})`,
    );
    expect(refusal({ env: { SEALTRAIL_ANCHOR_TARGETS: "[{" } }).message).toMatch(
      /SEALTRAIL_ANCHOR_TARGETS, from the environment\): not valid JSON/,
    );
    expect(refusal({ file: join(dir, "missing.yaml") }).code).toBe(ConfigErrorCode.FileUnreadable);
    expect(refusal({ file: file("list.yaml", "- 1\n") }).code).toBe(ConfigErrorCode.FileInvalid);
  });

  it("holds the default temperature profile to the rules of PUT /profiles: a range, tolerances, single ≤ cumulative", () => {
    const profile = (value: Record<string, unknown>) => ({
      SEALTRAIL_DEFAULT_TEMPERATURE_PROFILE: JSON.stringify({
        name: "ambient",
        minC: 15,
        maxC: 25,
        maxSingleExcursionMs: 600_000,
        maxCumulativeExcursionMs: 1_200_000,
        ...value,
      }),
    });
    expect(loadConfig({ env: {} }).config.api.defaultTemperatureProfile).toEqual({
      name: "2–8 °C",
      minC: 2,
      maxC: 8,
      maxSingleExcursionMs: 1_800_000,
      maxCumulativeExcursionMs: 3_600_000,
    });
    expect(loadConfig({ env: profile({}) }).config.api.defaultTemperatureProfile).toMatchObject({
      name: "ambient",
      minC: 15,
    });
    const where =
      /api\.defaultTemperatureProfile \(SEALTRAIL_DEFAULT_TEMPERATURE_PROFILE, from the environment\) at maxCumulativeExcursionMs/;
    expect(refusal({ env: profile({ minC: 30 }) }).message).toMatch(/minC must be below maxC/);
    expect(refusal({ env: profile({ maxSingleExcursionMs: 2_000_000 }) }).message).toMatch(
      /maxSingleExcursionMs must not exceed maxCumulativeExcursionMs/,
    );
    expect(refusal({ env: profile({ maxCumulativeExcursionMs: 1.5 }) }).message).toMatch(where);
    expect(refusal({ env: profile({ unit: "F" }) }).message).toMatch(/unit/);
  });

  it("takes GS1 Company Prefixes of 6 to 12 digits, none the start of another (else the split of a key would be ambiguous)", () => {
    const prefixes = (list: unknown) => ({ SEALTRAIL_GS1_COMPANY_PREFIXES: JSON.stringify(list) });
    expect(loadConfig({ env: {} }).config.api.gs1CompanyPrefixes).toEqual([]);
    expect(loadConfig({ env: {}, profile: "demo" }).config.api.gs1CompanyPrefixes).toEqual(["4012345"]);
    expect(loadConfig({ env: prefixes(["4012345", "061414112"]) }).config.api.gs1CompanyPrefixes).toEqual([
      "4012345",
      "061414112",
    ]);
    expect(refusal({ env: prefixes(["4012345", "40123456"]) }).message).toMatch(
      /4012345 is the start of 40123456/,
    );
    expect(refusal({ env: prefixes(["40123"]) }).message).toMatch(/6 to 12 digits/);
    expect(refusal({ env: prefixes(["4012345A"]) }).message).toMatch(/6 to 12 digits/);
  });

  it("in the demo, SEALTRAIL_HOST binds MQTT and the API unless their own host is set", () => {
    const shared = loadConfig({ env: { SEALTRAIL_HOST: "127.0.0.2" }, profile: "demo" }).config;
    expect([shared.gateway.mqttHost, shared.api.host]).toEqual(["127.0.0.2", "127.0.0.2"]);
    const own = loadConfig({
      env: { SEALTRAIL_HOST: "127.0.0.2", SEALTRAIL_MQTT_HOST: "127.0.0.3" },
      profile: "demo",
    }).config;
    expect([own.gateway.mqttHost, own.api.host]).toEqual(["127.0.0.3", "127.0.0.2"]);
  });

  it("refuses a TLS port without its certificate and key, naming both variables", () => {
    expect(() => loadConfig({ env: { SEALTRAIL_MQTT_TLS_PORT: "8883" } })).toThrow(
      /SEALTRAIL_MQTT_TLS_CERT_FILE.*required when SEALTRAIL_MQTT_TLS_PORT is set[\s\S]*SEALTRAIL_MQTT_TLS_KEY_FILE/,
    );
  });
});

describe("redacting the configuration", () => {
  it("never shows the admin token, the anchorer, registrar or deployer key, the broker password, or credentials in URLs", () => {
    const secrets = {
      SEALTRAIL_ADMIN_TOKEN: "admin-token-SECRET-1234",
      SEALTRAIL_ANCHORER_KEY: `0x${"5e".repeat(32)}`,
      SEALTRAIL_REGISTRAR_KEY: `0x${"5e".repeat(32)}`,
      SEALTRAIL_REGISTRY_RPC_URL: "https://rpc.example/v2/KEY-SECRET",
      SEALTRAIL_EXTERNAL_PASSWORD: "broker-SECRET",
      SEALTRAIL_DEPLOYER_KEY: `0x${"5e".repeat(32)}`,
      SEALTRAIL_DEPLOY_RPC_URL: "https://rpc.example/v2/DEPLOY-SECRET",
      SEALTRAIL_EXTERNAL_BROKER_URL: "mqtts://gw:broker-SECRET@broker.example:8883",
      SEALTRAIL_ANCHOR_TARGETS: JSON.stringify([
        {
          rpcUrl: "https://opt-sepolia.g.alchemy.com/v2/KEY-SECRET",
          chainId: 11155420,
          contract: `0x${"ab".repeat(20)}`,
        },
        { rpcUrl: "https://user:pass-SECRET@rpc.example", chainId: 8453, contract: `0x${"cd".repeat(20)}` },
      ]),
    };
    const { config } = loadConfig({ env: secrets });
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toMatch(/SECRET|5e5e5e/);
    expect(redactConfig(config).anchoring!.targets).toEqual([
      {
        rpcUrl: "https://opt-sepolia.g.alchemy.com/…",
        chainId: 11155420,
        contract: `0x${"ab".repeat(20)}`,
        fromBlock: 0,
      },
      { rpcUrl: "https://rpc.example/…", chainId: 8453, contract: `0x${"cd".repeat(20)}`, fromBlock: 0 },
    ]);
    expect(redactConfig(config).api!.adminToken).toBe("[redacted]");
    expect(redactConfig(config).registry!.registrarKey).toBe("[redacted]");
    expect(redactConfig(config).gateway!.externalBrokerUrl).toBe("mqtts://broker.example:8883/…");
    // The configuration itself keeps the values: only what is printed is redacted.
    expect(config.api.adminToken).toBe(secrets.SEALTRAIL_ADMIN_TOKEN);
  });
});
