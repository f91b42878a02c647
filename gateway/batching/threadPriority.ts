import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/**
 * Lowers the calling thread's CPU priority (nice 10; Linux, where a thread has its own id and priority): a
 * 10,000-leaf build takes a core for ~40 ms, and on a busy 2-core gateway it should take what the verify
 * pool and the event loop leave rather than compete with them (PUBACK p99 rose by ~60–180 ms per seal).
 * Idle cores still run it at full speed. Returns the nice value set, or undefined where it cannot be.
 */
export function lowerThreadPriority(nice = 10): number | undefined {
  try {
    // /proc/thread-self -> "<pid>/task/<tid>"; setpriority(PRIO_PROCESS, tid) affects that thread only.
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    setPriority(tid, nice);
    return nice;
  } catch {
    return undefined;
  }
}
