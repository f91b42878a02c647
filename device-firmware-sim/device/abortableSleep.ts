/**
 * Waits `ms`, or less if `signal` aborts first (never rejects): how devices wait between reconnects and
 * attempts so that `close()` does not have to sit out a long backoff.
 * @example await abortableSleep(backoffMs, lifetime.signal)
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
