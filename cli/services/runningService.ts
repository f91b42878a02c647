import type { Logger } from "pino";

/** A started service: where it listens, and how to stop it gracefully. */
export type RunningService = {
  name: string;
  /** What it listens on, e.g. { http, mqtt }; logged and printed at start. */
  urls: Record<string, string>;
  /** Stops what the service started, last started first; resolves true when everything closed cleanly. */
  stop(): Promise<boolean>;
};

/**
 * Runs the stops last first; one that fails is logged and the others still run (a stuck chain provider
 * must not keep the store open). Resolves false when any failed.
 */
export async function stopAll(stops: (() => Promise<void>)[], logger: Logger): Promise<boolean> {
  let ok = true;
  for (const stop of stops.splice(0).reverse()) {
    try {
      await stop();
    } catch (err) {
      ok = false;
      logger.error({ err: String(err) }, "stop failed");
    }
  }
  return ok;
}
