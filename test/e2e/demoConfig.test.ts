import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import type { Stack } from "../../cli/demo/startStack.ts";
import { captureLogger } from "../anchoring/harness.ts";
import { startStackOnFreePorts } from "./startStackOnFreePorts.ts";

jest.setTimeout(120_000);

// The demo used to pass 4 keys to its gateway and drop the rest: a gateway variable set for the demo did
// nothing. It now builds on the one schema, so each variable must reach the gateway it starts.
let dir: string;
let stack: Stack;
const log = captureLogger();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-demo-config-"));
  ({ stack } = await startStackOnFreePorts(
    {
      SEALTRAIL_DATA_DIR: dir,
      SEALTRAIL_MAX_MESSAGE_BYTES: "512",
      SEALTRAIL_BATCH_MAX_SIZE: "3",
      SEALTRAIL_STUCK_AFTER_MS: "4321",
      SEALTRAIL_SIM: "off",
    },
    { logger: log.logger },
  ));
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the demo's configuration", () => {
  it("starts its gateway with the gateway variables set in the environment, over the demo's defaults", () => {
    const started = log.lines.find((l) => l.msg === "gateway started") as {
      config?: Record<string, unknown>;
    };
    expect(started?.config).toMatchObject({ maxMessageBytes: 512, batchMaxSize: 3, batchMaxAgeMs: 5000 });
  });

  it("SEALTRAIL_MAX_MESSAGE_BYTES=512 takes effect: a packet declaring 1,000 bytes (under the default cap of 4,096 + 256) closes the socket at once", async () => {
    const socket = connect(Number(new URL(stack.mqttUrl).port), new URL(stack.mqttUrl).hostname);
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    // CONNECT fixed header with remaining length 1000 (varint e8 07): the frame guard sees only the length.
    socket.write(Buffer.from([0x10, 0xe8, 0x07]));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      closed.then(() => "closed"),
      new Promise((r) => {
        timer = setTimeout(() => r("still open after 3 s"), 3000);
      }),
    ]);
    clearTimeout(timer);
    socket.destroy();
    expect(outcome).toBe("closed");
    expect(JSON.stringify(log.lines)).toContain("FRAME_TOO_LARGE");
  });
});
