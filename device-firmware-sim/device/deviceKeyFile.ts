import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  generatePrivateKey,
  hexToBytes,
  isProtocolError,
} from "#protocol";
import { SimError, SimErrorCode } from "../errors.ts";
import { fsyncDirectory } from "./atomicWriteFile.ts";

/** Name of the key file in a device's directory. */
export const DEVICE_KEY_FILE = "device.key";

/**
 * The device's identity from `{dir}/device.key`, generating the key on first boot. Like firmware that
 * provisions its key once and never replaces it: the file is created exclusively (an existing key is
 * never overwritten, even by two processes racing) and is readable by the owner only (mode 0600).
 * The simulator's keys are EXAMPLE keys for demos and tests; real devices keep theirs in a secure element.
 * @example const { identity, created } = await loadOrCreateDeviceKey("data/sim/reefer-1")
 */
export async function loadOrCreateDeviceKey(
  dir: string,
): Promise<{ identity: DeviceIdentity; created: boolean }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, DEVICE_KEY_FILE);
  const existing = await readKey(path);
  if (existing) return { identity: existing, created: false };
  return createDeviceKeyFile(path);
}

/**
 * Generates a device key and writes it to `path` (0x-prefixed hex, one line, mode 0600, fsync'd), the
 * format {@link loadOrCreateDeviceKey} reads as `{dir}/device.key`. Never overwrites: when `path` exists
 * (or another process creates it first) the key already there is returned with `created: false`.
 * `sealtrail keygen` writes keys this way, so a simulated device can boot with one made beforehand.
 * @example const { identity, created } = await createDeviceKeyFile("data/keys/reefer-7.key")
 */
export async function createDeviceKeyFile(
  path: string,
): Promise<{ identity: DeviceIdentity; created: boolean }> {
  const dir = dirname(path);
  const privateKey = generatePrivateKey();
  const temp = join(dir, `.${basename(path)}.${randomBytes(4).toString("hex")}.tmp`);
  const file = await open(temp, "wx", 0o600);
  try {
    await file.writeFile(`0x${Buffer.from(privateKey).toString("hex")}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  let created = true;
  try {
    // link() fails with EEXIST instead of replacing: whoever linked first owns the key.
    await link(temp, path);
  } catch (error) {
    created = false;
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(temp);
  }
  await fsyncDirectory(dir);
  const identity = await readKey(path);
  if (!identity)
    throw new SimError(SimErrorCode.CorruptDeviceFile, "device key file vanished after creation", {
      details: { path },
    });
  return { identity, created };
}

async function readKey(path: string): Promise<DeviceIdentity | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  // A key others can read is no longer only the device's; tighten it rather than keep using it as is.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  try {
    return deviceIdentityFromPrivateKey(hexToBytes(text.trim(), 32));
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new SimError(
      SimErrorCode.CorruptDeviceFile,
      "device key file does not hold a 32-byte hex private key",
      {
        details: { path },
        cause,
      },
    );
  }
}
