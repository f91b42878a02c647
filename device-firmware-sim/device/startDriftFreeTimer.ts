/**
 * Calls `onTick(k)` for k = 0, 1, 2, … at `start + k·periodMs`: late timers catch up instead of
 * stretching the schedule, so a device takes the number of readings its rate promises.
 * @example const timer = startDriftFreeTimer(1000, (k) => sample(k)); …; timer.stop()
 */
export function startDriftFreeTimer(periodMs: number, onTick: (index: number) => void): { stop(): void } {
  const startedAt = Date.now();
  let index = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        onTick(index++);
        schedule();
      },
      Math.max(0, startedAt + index * periodMs - Date.now()),
    );
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
