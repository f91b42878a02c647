import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { deviceIdentityFromPrivateKey, generatePrivateKey } from "#protocol";
import { CLIENT_KINDS, loadDrive, preSignReadings } from "#sim";
import { chainProblems, type GatewayHarness, startGatewayHarness } from "./gatewayHarness.ts";

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness();
});
afterAll(async () => {
  await harness.close();
});

describe.each(CLIENT_KINDS)("loadDrive on the %s client", (client) => {
  it("publishes pre-signed chains as fast as PUBACKs allow and reports a latency per message", async () => {
    const devices = await Promise.all(
      [0, 1, 2].map(async () => {
        const identity = deviceIdentityFromPrivateKey(generatePrivateKey());
        await harness.gateway.registry.register(identity.publicKey, "load");
        return { identity, messages: preSignReadings(identity, 150).messages };
      }),
    );
    const result = await loadDrive({
      mqttUrl: harness.mqttUrl,
      devices,
      messagesPerDevice: 120,
      client,
      inflight: 16,
    });
    expect(result.messages).toBe(360);
    expect(result.latenciesMs).toHaveLength(360);
    expect(result.latenciesMs.every((ms) => Number.isFinite(ms) && ms > 0)).toBe(true);
    expect(result.durationMs).toBeGreaterThan(0);
    for (const d of devices) {
      const stored = await harness.store.listDeviceMessages(d.identity.address);
      expect(stored).toHaveLength(120);
      expect(chainProblems(stored)).toEqual([]);
    }
  }, 60_000);
});

describe("loadDrive", () => {
  it("fails the run, naming the refusal, when a device is refused", async () => {
    const identity = deviceIdentityFromPrivateKey(generatePrivateKey());
    await harness.gateway.registry.register(identity.publicKey, "load");
    const impostor = deviceIdentityFromPrivateKey(generatePrivateKey());
    const messages = preSignReadings(impostor, 5).messages; // signed with another key and kid
    await expect(
      loadDrive({
        mqttUrl: harness.mqttUrl,
        devices: [{ identity, messages }],
        messagesPerDevice: 5,
        client: "raw",
      }),
    ).rejects.toThrow(/KID_MISMATCH/);
  });
});
