import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bytesToHex, type DeviceIdentity } from "#protocol";

/** Generous: a gateway is READY in about a second, but a loaded CI machine can take much longer. */
const READY_TIMEOUT_MS = 60_000;

export type GatewayChild = { child: ChildProcess; port: number; exited: Promise<number | null> };

/**
 * Starts test/reliability/gatewayProcess.ts (Node runs the TypeScript itself) and resolves with its
 * MQTT port once it prints READY; its stderr is kept for the error message if it dies first.
 */
export async function spawnGateway(
  dbPath: string,
  devices: readonly DeviceIdentity[],
  env: Record<string, string> = {},
): Promise<GatewayChild> {
  const script = fileURLToPath(new URL("./gatewayProcess.ts", import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      SEALTRAIL_MQTT_PORT: "0",
      SEALTRAIL_REVOCATION_POLL_MS: "0",
      ...env,
      SEALTRAIL_TEST_DB: dbPath,
      SEALTRAIL_TEST_DEVICES: JSON.stringify(devices.map((d) => bytesToHex(d.publicKey))),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    // Not left running if it never gets ready: the caller only learns of (and cleans up) a READY child.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gateway process not READY within ${READY_TIMEOUT_MS} ms:\n${stderr}`));
    }, READY_TIMEOUT_MS);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway process exited (${code}) before READY:\n${stderr}`));
    });
  });
  return { child, port, exited };
}
