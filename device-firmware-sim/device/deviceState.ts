import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { bytesToHex, GENESIS_PREV, type Hex } from "#protocol";
import { SimError, SimErrorCode } from "../errors.ts";
import { atomicWriteFile } from "./atomicWriteFile.ts";

/** Name of the state file in a device's directory. */
export const DEVICE_STATE_FILE = "state.json";
export const DEVICE_STATE_FORMAT = "sealtrail-sim-state-v1";

/** What a device must remember across reboots to keep its hash chain and its CONNECT tokens valid. */
export type DeviceState = {
  /** seq of the last reading signed (0 before the first). */
  seq: number;
  /** Message id of that reading: the `prev` of the next one (32 zero bytes before the first). */
  prev: Hex;
  /** iat of the last CONNECT token signed: the next one must be later. */
  lastIat: number;
};

export const INITIAL_DEVICE_STATE: DeviceState = { seq: 0, prev: bytesToHex(GENESIS_PREV), lastIat: 0 };

const stateFileSchema = z.object({
  format: z.literal(DEVICE_STATE_FORMAT),
  seq: z.number().int().min(0),
  prev: z.string().regex(/^0x[0-9a-f]{64}$/),
  lastIat: z.number().int().min(0),
});

/**
 * Reads `{dir}/state.json`; a device that has never run starts from seq 0 and the genesis `prev`.
 * @example const state = await loadDeviceState(dir) // { seq: 41, prev: "0x…", lastIat: 1763700000 }
 */
export async function loadDeviceState(dir: string): Promise<DeviceState> {
  const path = join(dir, DEVICE_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ...INITIAL_DEVICE_STATE };
    throw error;
  }
  let parsed: z.infer<typeof stateFileSchema>;
  try {
    parsed = stateFileSchema.parse(JSON.parse(text));
  } catch (cause) {
    // Refuse to guess: restarting the chain at seq 1 would make the gateway see equivocation.
    throw new SimError(SimErrorCode.CorruptDeviceFile, "device state file is malformed", {
      details: { path },
      cause,
    });
  }
  return { seq: parsed.seq, prev: parsed.prev as Hex, lastIat: parsed.lastIat };
}

/**
 * Durably replaces the state file (temporary file + fsync + rename), so a power cut leaves either the
 * old or the new state. Called before a reading is published and before a CONNECT token is used.
 * @example await saveDeviceState(dir, { seq: 42, prev: messageId, lastIat })
 */
export async function saveDeviceState(dir: string, state: DeviceState): Promise<void> {
  const body = { format: DEVICE_STATE_FORMAT, ...state };
  await atomicWriteFile(join(dir, DEVICE_STATE_FILE), `${JSON.stringify(body)}\n`);
}
