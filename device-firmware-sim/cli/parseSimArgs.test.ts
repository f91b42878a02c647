import { describe, expect, it } from "@jest/globals";
import { summarizeStats } from "../device/deviceStats.ts";
import { isSimError, SimErrorCode } from "../errors.ts";
import { formatDeviceTable, formatProgressFrame, formatSummaryLine } from "./formatProgress.ts";
import { parseSimArgs } from "./parseSimArgs.ts";

const base = ["s.yaml", "--mqtt", "mqtt://127.0.0.1:1883", "--api", "http://127.0.0.1:8080"];

describe("parseSimArgs", () => {
  it("reads every option, with the admin token from the environment when not given", () => {
    const args = parseSimArgs([...base, "--seed", "7", "--client", "raw", "--duration", "30"], {
      SEALTRAIL_ADMIN_TOKEN: "t0k",
    });
    expect(args).toMatchObject({
      scenarioPath: "s.yaml",
      seed: 7,
      client: "raw",
      durationS: 30,
      adminToken: "t0k",
      dataDir: "data/sim",
      connectTimeoutS: 15,
    });
  });

  it("answers help", () => {
    expect(parseSimArgs(["--help"], {})).toBe("help");
  });

  it.each([
    [["s.yaml", "--api", "http://x", "--admin-token", "t"], /--mqtt is required/],
    [[...base], /--admin-token is required/],
    [[...base, "--admin-token", "t", "--client", "paho"], /--client must be one of/],
    [[...base, "--admin-token", "t", "--seed", "-1"], /--seed/],
    [[...base, "--admin-token", "t", "--bogus"], /bogus/],
    [["--mqtt", "m", "--api", "a", "--admin-token", "t"], /exactly one scenario/],
    [[...base, "--admin-token", "t", "--connect-timeout", "0"], /--connect-timeout/],
    // A web URL where the broker's belongs: refused before any device tries it.
    [
      ["s.yaml", "--mqtt", "http://127.0.0.1:1883", "--api", "a", "--admin-token", "t"],
      /--mqtt must be a broker URL \(mqtt:\/\/, mqtts:\/\/, ws:\/\/, wss:\/\/, tcp:\/\/\), not "http:/,
    ],
    [
      ["s.yaml", "--mqtt", "127.0.0.1:1883", "--api", "a", "--admin-token", "t"],
      /--mqtt must be a broker URL/,
    ],
    [["s.yaml", "--mqtt", "wss://broker.example", "--api", "a", "--admin-token", "t"], /plain TCP only/],
  ])("refuses %j with a usage error", (argv, message) => {
    let error: unknown;
    try {
      parseSimArgs(argv, {});
    } catch (e) {
      error = e;
    }
    expect(isSimError(error, SimErrorCode.Usage)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe("progress output", () => {
  const device = {
    label: "reefer-1",
    address: "0x0000000000000000000000000000000000000001" as const,
    role: "device" as const,
    produced: 12,
    sent: 12,
    resent: 3,
    acknowledged: 10,
    buffered: 2,
    skipped: 0,
    refused: { BAD_SIGNATURE: 1 },
    connects: 2,
    connectFailures: 1,
    online: true,
    halted: false,
  };
  const stats = summarizeStats([
    device,
    { ...device, label: "reefer-2", refused: { BAD_SIGNATURE: 2, EQUIVOCATION: 1 } },
  ]);

  it("summarises sent, acknowledged, buffered and refusals by reason", () => {
    expect(formatSummaryLine(stats)).toBe(
      "sent 24 (+6 resent)  acked 20  buffered 4  online 2/2  refused BAD_SIGNATURE 3, EQUIVOCATION 1",
    );
  });

  it("draws a progress bar that fits the terminal", () => {
    const frame = formatProgressFrame(stats, 30_000, 60_000, 200);
    expect(frame.startsWith("[##########----------]  50%  30/60 s  sent 24")).toBe(true);
    expect(formatProgressFrame(stats, 30_000, 60_000, 40).length).toBeLessThanOrEqual(40);
  });

  it("lists every device in the closing table", () => {
    const table = formatDeviceTable(stats).split("\n");
    expect(table).toHaveLength(3);
    expect(table[2]).toContain("reefer-2");
    expect(table[2]).toContain("EQUIVOCATION 1");
  });
});
