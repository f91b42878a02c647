import { readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "@jest/globals";

/** Runs lowerThreadPriority in a fresh worker thread and reports that thread's nice value from /proc. */
function niceOfWorkerAfterLowering(): Promise<{ returned: number | null; nice: number }> {
  const source = `
    const { parentPort } = require("node:worker_threads");
    const { readFileSync } = require("node:fs");
    import(${JSON.stringify(new URL("./threadPriority.ts", import.meta.url).href)}).then(({ lowerThreadPriority }) => {
      const returned = lowerThreadPriority() ?? null;
      // Field 19 of stat is the nice value; the command name (field 2) may hold spaces, so split after ")".
      const stat = readFileSync("/proc/thread-self/stat", "utf8");
      const nice = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      parentPort.postMessage({ returned, nice });
    });`;
  const worker = new Worker(source, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once("message", (m) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once("error", reject);
  });
}

const linux = process.platform === "linux";

describe("lowerThreadPriority", () => {
  (linux ? it : it.skip)(
    "sets nice 10 on the calling thread only, not on the process's main thread",
    async () => {
      const mainBefore = getPriority(0);
      const { returned, nice } = await niceOfWorkerAfterLowering();
      expect(returned).toBe(10);
      expect(nice).toBe(10);
      expect(getPriority(0)).toBe(mainBefore);
      const mainStat = readFileSync("/proc/thread-self/stat", "utf8");
      expect(Number(mainStat.slice(mainStat.lastIndexOf(")") + 2).split(" ")[16])).toBe(mainBefore);
    },
  );
});
