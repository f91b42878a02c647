import { describe, expect, it } from "@jest/globals";
import pino from "pino";
import { RefusalLog } from "./refusalLog.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe("RefusalLog", () => {
  it("writes refusals as JSON lines with their reason", () => {
    const { logger, lines } = capture();
    new RefusalLog(logger).warn("BAD_SIGNATURE", { device: "0xabc" }, "reading refused");
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        reason: "BAD_SIGNATURE",
        device: "0xabc",
        msg: "reading refused",
      }),
    ]);
  });

  it("limits a flood of one reason, not the others, and says how many lines it dropped", () => {
    const { logger, lines } = capture();
    const log = new RefusalLog(logger, { linesPerSecond: 0.001, burst: 3, now: () => 0 });
    for (let i = 0; i < 1000; i++) log.warn("MALFORMED_FRAME", { i }, "connection closed by the frame guard");
    log.warn("BAD_SIGNATURE", {}, "reading refused");
    expect(lines.filter((l) => l.reason === "MALFORMED_FRAME")).toHaveLength(3);
    expect(lines.filter((l) => l.reason === "BAD_SIGNATURE")).toHaveLength(1);
  });

  it("reports the suppressed count on the next line it writes for that reason", () => {
    const { logger, lines } = capture();
    let clock = 0; // a fake clock: a real one may refill the bucket between two calls
    const log = new RefusalLog(logger, { linesPerSecond: 1, burst: 1, now: () => clock });
    log.warn("RATE_LIMITED", {}, "x");
    log.warn("RATE_LIMITED", {}, "x"); // over budget: dropped
    clock += 1000; // one token refills
    log.warn("RATE_LIMITED", {}, "x");
    expect(lines.map((l) => l.suppressed)).toEqual([undefined, 1]);
  });
});
