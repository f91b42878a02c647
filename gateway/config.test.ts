import { describe, expect, it } from "@jest/globals";
import { gatewayConfigFromEnv, parseGatewayConfig, redactGatewayConfig } from "./config.ts";

describe("gateway configuration", () => {
  it("fills every key with its default", () => {
    const config = parseGatewayConfig({});
    expect(config).toMatchObject({
      mode: "embedded",
      maxMessageBytes: 4096,
      packetOverheadBytes: 256,
      verifier: "native",
      secp256k1: "auto",
      deviceRatePerSecond: 20,
      externalShareGroup: "sealtrail",
    });
    expect(config.verifyPoolSize).toBeGreaterThanOrEqual(1);
  });

  it("reads SEALTRAIL_* environment variables", () => {
    const config = gatewayConfigFromEnv({
      SEALTRAIL_VERIFIER: "noble",
      SEALTRAIL_SECP256K1: "bundled",
      SEALTRAIL_VERIFY_POOL_SIZE: "0",
      SEALTRAIL_DEVICE_RATE: "2.5",
      SEALTRAIL_GATEWAY_MODE: "external",
      SEALTRAIL_EXTERNAL_BROKER_URL: "mqtt://broker:1883",
    });
    expect(config).toMatchObject({
      verifier: "noble",
      secp256k1: "bundled",
      verifyPoolSize: 0,
      deviceRatePerSecond: 2.5,
      mode: "external",
    });
  });

  it("names the environment variable of a bad value", () => {
    expect(() => gatewayConfigFromEnv({ SEALTRAIL_VERIFIER: "openssl" })).toThrow(/SEALTRAIL_VERIFIER/);
    expect(() => gatewayConfigFromEnv({ SEALTRAIL_SECP256K1: "openssl" })).toThrow(/SEALTRAIL_SECP256K1/);
  });

  it("refuses external mode without a broker URL", () => {
    expect(() => parseGatewayConfig({ mode: "external" })).toThrow(
      /SEALTRAIL_EXTERNAL_BROKER_URL\).*: required/,
    );
  });

  it("redacts the broker password in what it logs", () => {
    const config = parseGatewayConfig({ externalPassword: "s3cret" });
    expect(JSON.stringify(redactGatewayConfig(config))).not.toContain("s3cret");
  });
});
