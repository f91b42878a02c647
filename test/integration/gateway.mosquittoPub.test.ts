// A whole device session driven by a standard MQTT tool: Debian's mosquitto_pub, which carries the MQTT
// password as text and so cannot send the binary CONNECT token. The device logs in with the token's text
// form (base64url, docs/protocol.md §9) made by `sealtrail device token --key <keyfile>`, publishes a
// signed reading from a file with QoS 1, and the reading is stored.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bytesToHex, connectTokenText, messageIdOf, signConnectToken } from "#protocol";
import { main } from "../../cli/main.ts";
import { chain, exampleIdentity, startTestGateway, type TestGateway } from "./gatewayKit.ts";

const MOSQUITTO_PUB = "/usr/bin/mosquitto_pub";
const available = existsSync(MOSQUITTO_PUB);
if (!available) {
  if (process.env.CI === "true")
    throw new Error(`${MOSQUITTO_PUB} is missing: CI must install the Debian package mosquitto-clients`);
  console.warn(
    `\n*** SKIPPING the mosquitto_pub suite: ${MOSQUITTO_PUB} not found. Install it with: apt-get install -y mosquitto-clients ***\n`,
  );
}

const device = exampleIdentity("mosquitto_pub device");
let t: TestGateway;
let dir: string;
let keyFile: string;

/** Runs mosquitto_pub against the test gateway; resolves with its exit code and output. */
function mosquittoPub(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      MOSQUITTO_PUB,
      ["-h", "127.0.0.1", "-p", String(t.port), ...args],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** `sealtrail device <args>`, run in this process; its stdout. */
async function sealtrail(args: string[]): Promise<string> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  return stdout.trim();
}

(available ? describe : describe.skip)("a device session with mosquitto_pub (text-form token)", () => {
  beforeAll(async () => {
    t = await startTestGateway({}, [device]);
    dir = mkdtempSync(join(tmpdir(), "sealtrail-mosquitto-pub-"));
    keyFile = join(dir, "device.key");
    // The simulator's key file format: one line, 0x + 64 hex digits. An EXAMPLE key.
    writeFileSync(keyFile, `${bytesToHex(device.privateKey)}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs in with `sealtrail device token`, publishes a signed reading from a file with QoS 1, and it is stored", async () => {
    const address = await sealtrail(["device", "address", "--key", keyFile]);
    expect(address).toBe(device.address);
    const token = await sealtrail(["device", "token", "--key", keyFile]);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const [reading] = chain(device, 1);
    const readingFile = join(dir, "reading.cbor");
    writeFileSync(readingFile, reading!);
    const topic = `devices/${address}/readings`;
    const result = await mosquittoPub([
      "-V",
      "mqttv311",
      "-i",
      address,
      "-u",
      address,
      "-P",
      token,
      "-q",
      "1",
      "-t",
      topic,
      "-f",
      readingFile,
    ]);
    // mosquitto_pub exits 0 only after the PUBACK of a QoS 1 message: the reading is durable.
    expect(result).toEqual({ code: 0, output: "" });
    const stored = await t.store.listDeviceMessages(device.address);
    expect(stored.map((m) => messageIdOf(m.raw))).toEqual([messageIdOf(reading!)]);
  });

  it("is refused with CONNACK 4 for an expired text token, and CONNACK 1 over MQTT 3.1 or 5", async () => {
    const expired = connectTokenText(signConnectToken(device, Math.floor(Date.now() / 1000) - 3600));
    const login = [
      "-i",
      device.address,
      "-u",
      device.address,
      "-q",
      "1",
      "-t",
      `devices/${device.address}/readings`,
      "-m",
      "x",
    ];
    const refused = await mosquittoPub(["-V", "mqttv311", "-P", expired, ...login]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/not authori[sz]ed|bad user ?name or password/i);
    const fresh = () => connectTokenText(signConnectToken(device, Math.floor(Date.now() / 1000)));
    for (const version of ["mqttv31", "mqttv5"]) {
      const old = await mosquittoPub(["-V", version, "-P", fresh(), ...login]);
      expect({ version, code: old.code === 0 ? 0 : "failed", output: old.output }).toEqual({
        version,
        code: "failed",
        output: expect.stringMatching(/protocol version/i),
      });
    }
    expect(await t.store.listDeviceMessages(device.address)).toHaveLength(1);
  });
});
