/** One dependency a service needs to do its work, and how to tell whether it is reachable now. */
export type ReadinessCheck = {
  /** "store", "chain", "broker". */
  name: string;
  /** Resolves when reachable; rejects (or times out) with why not. */
  probe: () => Promise<void>;
};

export type ReadinessReport = {
  ready: boolean;
  /** Per dependency: ok, and why not when it is not. */
  checks: Record<string, { ok: true } | { ok: false; reason: string }>;
};

/** How long one probe may take before its dependency counts as unreachable, ms. */
export const READINESS_PROBE_TIMEOUT_MS = 2_000;

/**
 * Runs every probe at once, each bounded by `timeoutMs`; ready only when every one answered.
 * @example await checkReadiness([{ name: "store", probe: async () => void (await store.countMessages()) }])
 */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = READINESS_PROBE_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([c.probe(), timeout]);
        return [c.name, { ok: true }] as const;
      } catch (error) {
        return [
          c.name,
          { ok: false, reason: error instanceof Error ? error.message : String(error) },
        ] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}
