/**
 * What one message to another thread costs its sender (`postMessage` on the main thread, wall time around
 * the call), when the receiving worker sleeps (the gap before each message lets it go back to waiting) and
 * when messages follow each other at once — for an empty message and for a group of 11 readings packed as
 * the SQLite writer's groups are. Issue 15's ingest path is shaped by the difference: a hop to a sleeping
 * thread is dear, so readings are checked where they are while there is room, and sent in fuller messages.
 *
 *   bin/dev npm exec -- tsx bench/threadHop.ts [--messages 300]
 */
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { machineInfo, median, writeReport } from "./lib/report.ts";

const { values } = parseArgs({ options: { messages: { type: "string", default: "300" } } });
const count = Number(values.messages);

const worker = new Worker("require('node:worker_threads').parentPort.on('message', () => {});", {
  eval: true,
});
await new Promise((resolve) => setTimeout(resolve, 200));

function group(): [unknown, ArrayBuffer[]] {
  const n = 11;
  const raws = new Uint8Array(n * 203);
  const message = {
    id: 1,
    count: n,
    ids: Array.from({ length: n }, (_, i) => `0x${"ab".repeat(31)}${i.toString(16).padStart(2, "0")}`),
    raws: raws.buffer,
    offsets: new Uint32Array(n + 1),
    devices: Array.from({ length: n }, () => `0x${"cd".repeat(20)}`),
    seqs: new Float64Array(n),
    deviceTs: new Float64Array(n),
    receivedAt: new Float64Array(n),
    payloads: Array.from({ length: n }, () => "x".repeat(150)),
  };
  return [message, [raws.buffer]];
}

const kinds = { empty: (): [unknown, ArrayBuffer[]] => [{ id: 1 }, []], "group of 11 readings": group };
const results: Record<string, { sleepingMicros: number; backToBackMicros: number }> = {};
for (const [name, make] of Object.entries(kinds)) {
  const figures: Record<string, number> = {};
  for (const [label, gapMs] of [
    ["sleepingMicros", 10],
    ["backToBackMicros", 0],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const [message, transfer] = make();
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      const started = process.hrtime.bigint();
      worker.postMessage(message, transfer);
      times.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    figures[label] = Math.round(median(times) * 10) / 10;
  }
  results[name] = figures as (typeof results)[string];
  console.log(
    `${name.padEnd(22)} to a sleeping worker ${String(figures.sleepingMicros).padStart(6)} µs, back to back ${String(figures.backToBackMicros).padStart(6)} µs (median of ${count})`,
  );
}
await worker.terminate();
writeReport("bench/results/threadHop.json", { machine: machineInfo(), messages: count, results });
