import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { isSimError, SimErrorCode } from "../errors.ts";
import { backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.ts";
import { DEVICE_KEY_FILE, loadOrCreateDeviceKey } from "./deviceKeyFile.ts";
import { DEVICE_STATE_FILE, INITIAL_DEVICE_STATE, loadDeviceState, saveDeviceState } from "./deviceState.ts";
import { nextTokenIat } from "./nextTokenIat.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "device-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the device key file", () => {
  it("is generated once, readable by the owner only, and reused afterwards", async () => {
    const first = await loadOrCreateDeviceKey(dir);
    expect(first.created).toBe(true);
    expect(statSync(join(dir, DEVICE_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateDeviceKey(dir);
    expect(again.created).toBe(false);
    expect(again.identity.address).toBe(first.identity.address);
  });

  it("is never replaced when two boots race to create it", async () => {
    const [a, b] = await Promise.all([loadOrCreateDeviceKey(dir), loadOrCreateDeviceKey(dir)]);
    expect(a.identity.address).toBe(b.identity.address);
    expect([a.created, b.created].filter(Boolean).length).toBeLessThanOrEqual(1);
  });

  it("refuses a corrupt key file instead of generating a new identity", async () => {
    writeFileSync(join(dir, DEVICE_KEY_FILE), "not a key\n", { mode: 0o600 });
    const error = await loadOrCreateDeviceKey(dir).catch((e: unknown) => e);
    expect(isSimError(error, SimErrorCode.CorruptDeviceFile)).toBe(true);
  });
});

describe("the device state file", () => {
  it("starts at seq 0 with the genesis prev, and round-trips what was saved", async () => {
    expect(await loadDeviceState(dir)).toEqual(INITIAL_DEVICE_STATE);
    const state = { seq: 41, prev: `0x${"ab".repeat(32)}` as const, lastIat: 1_763_700_000 };
    await saveDeviceState(dir, state);
    expect(await loadDeviceState(dir)).toEqual(state);
  });

  it("refuses a malformed state file rather than restart the chain (which would be equivocation)", async () => {
    writeFileSync(join(dir, DEVICE_STATE_FILE), '{"seq": -1}');
    const error = await loadDeviceState(dir).catch((e: unknown) => e);
    expect(isSimError(error, SimErrorCode.CorruptDeviceFile)).toBe(true);
  });
});

describe("reconnect timing", () => {
  it("doubles up to the cap, with the jitter taking up to half of each delay", () => {
    const at = (attempt: number, r: number) => backoffDelayMs(attempt, DEFAULT_BACKOFF, () => r);
    expect(at(0, 0)).toBe(1000);
    expect(at(0, 1)).toBe(500);
    expect(at(3, 0)).toBe(8000);
    expect(at(20, 0)).toBe(60_000);
  });

  it("signs each CONNECT token with an iat later than the last one, even within one second", () => {
    expect(nextTokenIat(1_763_700_000_500, 0)).toBe(1_763_700_000);
    expect(nextTokenIat(1_763_700_000_500, 1_763_700_000)).toBe(1_763_700_001);
  });
});
