// A gateway stopped while a device is publishing: every reading it acknowledged is in the store, and the
// readings in flight when the stop began were finished (acknowledged) rather than cut off.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { Gateway, parseGatewayConfig, SqliteStore } from "#gateway";
import { bytesToHex, keccak256 } from "#protocol";
import { chain, connectDevice, exampleIdentity } from "./gatewayKit.ts";

const dir = mkdtempSync(join(tmpdir(), "sealtrail-drain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Gateway.close while readings are in flight", () => {
  it("When the gateway stops mid-stream, then every PUBACKed reading is stored", async () => {
    const device = exampleIdentity("drain");
    const dbPath = join(dir, "store.db");
    const store = SqliteStore.open(dbPath);
    const gateway = new Gateway({
      config: parseGatewayConfig({
        mqttPort: 0,
        verifyPoolSize: 1,
        revocationPollMs: 0,
        deviceRateBurst: 100_000,
        deviceRatePerSecond: 100_000,
      }),
      store,
      anchorChains: [],
    });
    await gateway.start();
    await gateway.registry.register(device.publicKey, "drain");
    const client = await connectDevice(gateway.mqttUrl, device);
    client.on("error", () => {});
    const readings = chain(device, 2000);
    const acked: string[] = [];
    let sent = 0;
    for (const r of readings) {
      sent++;
      client.publish(`devices/${device.address}/readings`, Buffer.from(r), { qos: 1 }, (err) => {
        if (!err) acked.push(bytesToHex(keccak256(r)));
      });
      // Stop once the stream is well under way, with readings surely in flight.
      if (acked.length >= 100) break;
      if (sent % 50 === 0) await new Promise((res) => setImmediate(res));
    }
    while (acked.length < 100) await new Promise((res) => setTimeout(res, 1));
    await gateway.close({ drainTimeoutMs: 5_000 });
    await store.close();
    client.end(true);

    expect(acked.length).toBeGreaterThanOrEqual(100);
    const db = new Database(dbPath, { readonly: true });
    const stored = db.prepare("SELECT count(*) FROM messages WHERE id = ?").pluck();
    const missing = acked.filter((id) => stored.get(Buffer.from(id.slice(2), "hex")) !== 1);
    const total = db.prepare("SELECT count(*) FROM messages").pluck().get() as number;
    db.close();
    expect(missing).toEqual([]);
    // Nothing was stored that the device was never sent.
    expect(total).toBeLessThanOrEqual(sent);
  });
});
