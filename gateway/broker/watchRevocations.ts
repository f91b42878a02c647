import type { Logger } from "pino";
import type { Address } from "#protocol";
import type { DeviceRegistry } from "../registry/deviceRegistry.ts";
import type { DeviceRecord } from "../store/types.ts";

export type WatchRevocationsOptions = {
  registry: DeviceRegistry;
  /** Closes the device's live session, if any. */
  disconnect: (device: Address) => void;
  /** How often to re-read the device records from the store, ms; 0 = registry events only. */
  pollMs: number;
  logger: Logger;
};

/**
 * Closes a device's live session when its key is revoked: at once when the revocation goes through this
 * gateway's registry (its `revoked` event), and within `pollMs` when another process (the API of another
 * gateway, the CLI) revoked it in the shared store. Returns a function that stops watching.
 */
export function watchRevocations(options: WatchRevocationsOptions): () => void {
  const { registry, disconnect, pollMs, logger } = options;
  const onRevoked = (device: DeviceRecord) => disconnect(device.address);
  registry.on("revoked", onRevoked);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = async () => {
    const live = registry
      .list()
      .filter((d) => d.revokedAt === null)
      .map((d) => d.address);
    try {
      await registry.load();
    } catch (err) {
      logger.warn({ err }, "could not re-read device records");
    }
    for (const address of live) {
      if (registry.get(address)?.revokedAt !== null) {
        logger.info({ device: address }, "device revoked elsewhere; closing its session");
        disconnect(address);
      }
    }
    if (!stopped) timer = setTimeout(poll, pollMs).unref();
  };
  if (pollMs > 0) timer = setTimeout(poll, pollMs).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
    registry.off("revoked", onRevoked);
  };
}
