import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Gateway, parseGatewayConfig, SqliteStore, type StoredMessage } from "#gateway";
import { type Address, bytesToHex, decodeReading, GENESIS_PREV, hexToBytes, keccak256 } from "#protocol";
import type { RegisterDevice } from "#sim";

/** A real gateway on loopback with a real SQLite file, which can be restarted on the same port. */
export type GatewayHarness = {
  readonly gateway: Gateway;
  readonly store: SqliteStore;
  readonly mqttUrl: string;
  /** A scratch directory for device data, removed by close(). */
  readonly dir: string;
  /** Registers straight into the gateway's registry (the HTTP API is not needed for these tests). */
  register: RegisterDevice;
  /** Crashes the broker: drops every connection, closes the gateway and its store. */
  stopGateway(): Promise<void>;
  /** Opens the store and a new gateway again, on the same file and the same port. */
  startGateway(): Promise<void>;
  /** stopGateway, `downMs` of outage, startGateway. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
};

function newGateway(store: SqliteStore, mqttPort: number): Gateway {
  return new Gateway({
    config: parseGatewayConfig({ mqttPort, batchMaxSize: 1000, batchMaxAgeMs: 60_000 }),
    store,
    anchorChains: [],
  });
}

export async function startGatewayHarness(): Promise<GatewayHarness> {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-sim-"));
  const dbPath = join(dir, "gateway.db");
  let store = SqliteStore.open(dbPath);
  let gateway = newGateway(store, 0);
  await gateway.start();
  const port = gateway.mqttPort;
  const mqttUrl = gateway.mqttUrl;
  let up = true;
  const stopGateway = async () => {
    up = false;
    await gateway.close(); // closes the broker, which drops every device connection
    await store.close();
  };
  const startGateway = async () => {
    store = SqliteStore.open(dbPath);
    gateway = newGateway(store, port);
    await gateway.start();
    up = true;
  };
  return {
    get gateway() {
      return gateway;
    },
    get store() {
      return store;
    },
    mqttUrl,
    dir,
    register: async ({ publicKey, label }) => {
      await gateway.registry.register(hexToBytes(publicKey), label);
    },
    stopGateway,
    startGateway,
    async restart(downMs) {
      await stopGateway();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await startGateway();
    },
    async close() {
      if (up) {
        await gateway.close();
        await store.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Checks a device's stored chain from the raw bytes: seqs 1..n without a gap, and every `prev` is keccak256
 * of the previous raw message (32 zero bytes for seq 1). Returns the problems found (empty when intact).
 */
export function chainProblems(messages: readonly StoredMessage[]): string[] {
  const problems: string[] = [];
  let expectedPrev = bytesToHex(GENESIS_PREV);
  messages.forEach((m, i) => {
    if (m.seq !== i + 1) problems.push(`position ${i}: seq ${m.seq}, expected ${i + 1}`);
    const reading = decodeReading(m.raw).reading;
    if (reading.seq !== m.seq)
      problems.push(`seq ${m.seq}: stored seq differs from the message's ${reading.seq}`);
    const prev = bytesToHex(reading.prev);
    if (prev !== expectedPrev) problems.push(`seq ${m.seq}: prev ${prev} does not link to ${expectedPrev}`);
    expectedPrev = bytesToHex(keccak256(m.raw));
  });
  return problems;
}

/** The measurements stored for a device, in seq order. */
export async function storedMeasurements(
  store: SqliteStore,
  device: Address,
): Promise<Record<string, number>[]> {
  return (await store.listDeviceMessages(device)).map(
    (m) => (JSON.parse(m.payloadJson) as { m: Record<string, number> }).m,
  );
}
