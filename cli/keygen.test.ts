import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { addressFromPublicKey, hexToBytes, toChecksumAddress } from "#protocol";
import { loadOrCreateDeviceKey } from "#sim";
import { parseDeviceRegistration } from "../api/validation/parseDeviceRegistration.ts";
import { DEVICE_KEY_FILE } from "../device-firmware-sim/device/deviceKeyFile.ts";
import { KEYGEN_FORMAT } from "./commands/keygen.ts";
import { main } from "./main.ts";
import { captureIo } from "./testing/index.ts";

async function sealtrail(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-keygen-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("sealtrail keygen", () => {
  it("writes a key file readable by its owner only and prints an address and public key the API accepts", async () => {
    const file = join(dir, "keys", "reefer-7.key"); // the folder is created too
    const { code, out, err } = await sealtrail("keygen", file);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^0x[0-9a-f]{64}\n$/);
    const address = /^address {5}(0x[0-9a-fA-F]{40})$/m.exec(out)?.[1];
    const publicKey = /^public key {2}(0x0[23][0-9a-f]{64})$/m.exec(out)?.[1];
    expect(address).toBeDefined();
    expect(publicKey).toBeDefined();
    // The address is the public key's (shown EIP-55), and the key passes the registration's own checks.
    expect(address).toBe(toChecksumAddress(addressFromPublicKey(hexToBytes(publicKey!))));
    expect(parseDeviceRegistration({ publicKey, label: "reefer 7" }).publicKey).toEqual(
      hexToBytes(publicKey!),
    );
  });

  it("writes the simulator's device.key format: a simulated device boots with the generated identity", async () => {
    const deviceDir = join(dir, "sim", "reefer-7");
    const { code, out } = await sealtrail("keygen", join(deviceDir, DEVICE_KEY_FILE), "--json");
    expect(code).toBe(0);
    const printed = JSON.parse(out) as {
      format: string;
      address: string;
      publicKey: string;
      keyFile: string;
    };
    expect(printed.format).toBe(KEYGEN_FORMAT);
    expect(printed.keyFile).toBe(join(deviceDir, DEVICE_KEY_FILE));
    const { identity, created } = await loadOrCreateDeviceKey(deviceDir);
    expect(created).toBe(false);
    expect(identity.address).toBe(printed.address);
    expect(printed.address).toMatch(/^0x[0-9a-f]{40}$/); // lowercase: the id form of topics and the API
  });

  it("refuses to overwrite an existing file (exit 1) and leaves it and its mode untouched", async () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "not a key\n");
    chmodSync(file, 0o644);
    const { code, out, err } = await sealtrail("keygen", file);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/notes\.txt already exists; a key file is never overwritten/);
    expect(readFileSync(file, "utf8")).toBe("not a key\n");
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });

  it("answers usage errors with exit 2", async () => {
    expect((await sealtrail("keygen")).code).toBe(2);
    expect((await sealtrail("keygen", "a.key", "b.key")).code).toBe(2);
    expect((await sealtrail("keygen", "a.key", "--bogus")).code).toBe(2);
    expect((await sealtrail("keygen", "--help")).out).toMatch(/^usage: sealtrail keygen <key-file>/);
  });
});
