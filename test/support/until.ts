/**
 * Waits until `condition` holds, checking it every `intervalMs`; throws naming `what` after `timeoutMs`.
 * Tests wait on the thing that must happen, never on a fixed sleep. Generous by default: it only bounds
 * things that must happen, and a loaded 2-vCPU CI machine can stall for seconds.
 * @example await until(() => broker.publishes.length === 3, { what: "three publishes" })
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 10, what = "condition" }: UntilOptions = {},
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export type UntilOptions = { timeoutMs?: number; intervalMs?: number; what?: string };
