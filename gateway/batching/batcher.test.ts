import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import pino from "pino";
import { deviceIdentityFromPrivateKey, keccak256 } from "#protocol";
import { GatewayMetrics } from "../metrics.ts";
import { SqliteStore } from "../store/sqlite/SqliteStore.ts";
import { Batcher } from "./batcher.ts";

const device = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key batcher")));

describe("Batcher", () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sealtrail-batcher-"));
    store = SqliteStore.open(join(dir, "gateway.db"));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function storeMessages(count: number): Promise<void> {
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        store.insertMessage({
          messageId: `0x${(i + 1).toString(16).padStart(64, "0")}`,
          device: device.address,
          seq: i + 1,
          raw: new Uint8Array([i & 0xff]),
          deviceTs: 1_000,
          receivedAt: 1_000,
          payloadJson: "{}",
        }),
      ),
    );
  }

  it("seals a backlog of due batches without holding the event loop between them", async () => {
    await storeMessages(300);
    const batcher = new Batcher({
      store,
      maxSize: 1, // 300 due batches at once
      maxAgeMs: 60_000,
      logger: pino({ level: "silent" }),
      metrics: new GatewayMetrics(),
      now: () => 2_000,
    });
    let sealed = 0;
    batcher.on("sealed", () => sealed++);
    const sealedWhenOthersRan: number[] = [];
    // Stands for the sockets: something else the event loop has to serve while sealing goes on.
    const other = setInterval(() => sealedWhenOthersRan.push(sealed), 0);
    try {
      await batcher.tick();
    } finally {
      clearInterval(other);
      await batcher.close();
    }
    expect(sealed).toBe(300);
    expect(sealedWhenOthersRan.some((n) => n > 0 && n < 300)).toBe(true);
    expect(await store.unbatchedSummary(1)).toMatchObject({ count: 0 });
  });
});
