import { EventEmitter } from "node:events";
import { type Address, addressFromPublicKey, compressPublicKey } from "#protocol";
import type { DeviceRecord, Store } from "../store/types.ts";

export type DeviceRegistryEvents = {
  registered: [DeviceRecord];
  revoked: [DeviceRecord];
};

/**
 * The gateway's view of device keys: the store behind an in-memory cache, because the ingest hot path
 * looks a device up for every message. Registering and revoking go through here so the cache and the
 * live sessions (via the `revoked` event) follow at once.
 */
export class DeviceRegistry extends EventEmitter<DeviceRegistryEvents> {
  private readonly cache = new Map<Address, DeviceRecord>();
  private readonly registering = new Map<Address, Promise<{ device: DeviceRecord; created: boolean }>>();
  private readonly store: Store;

  constructor(store: Store) {
    super();
    this.store = store;
  }

  /** Loads every device into the cache (call once at start). */
  async load(): Promise<void> {
    for (const d of await this.store.listDevices()) this.cache.set(d.address, d);
  }

  /** The device, from the cache; undefined when unknown. */
  get(address: Address): DeviceRecord | undefined {
    return this.cache.get(address);
  }

  /**
   * Registers a public key (compressed or uncompressed); returns the record and whether it was new.
   * The same key registered twice is idempotent.
   */
  async register(
    publicKey: Uint8Array,
    label: string,
    now = Date.now(),
  ): Promise<{ device: DeviceRecord; created: boolean }> {
    const compressed = compressPublicKey(publicKey);
    const address = addressFromPublicKey(compressed);
    // Concurrent registrations of one key share one lookup-or-create; only the first reports created.
    const inFlight = this.registering.get(address);
    if (inFlight) return { device: (await inFlight).device, created: false };
    const attempt = (async () => {
      const existing = this.cache.get(address) ?? (await this.store.getDevice(address));
      if (existing) return { device: existing, created: false };
      const device = await this.store.registerDevice({
        address,
        publicKey: compressed,
        label,
        registeredAt: now,
      });
      this.cache.set(address, device);
      this.emit("registered", device);
      return { device, created: true };
    })();
    this.registering.set(address, attempt);
    try {
      return await attempt;
    } finally {
      this.registering.delete(address);
    }
  }

  /** Revokes a device; its live session is closed by whoever listens to `revoked`. */
  async revoke(address: Address, now = Date.now()): Promise<DeviceRecord | undefined> {
    const device = await this.store.revokeDevice(address, now);
    if (!device) return undefined;
    this.cache.set(address, device);
    this.emit("revoked", device);
    return device;
  }

  /** Marks a device that equivocated. */
  async flag(address: Address, now = Date.now()): Promise<void> {
    await this.store.flagDevice(address, now);
    const device = this.cache.get(address);
    if (device && device.flaggedAt === null) this.cache.set(address, { ...device, flaggedAt: now });
  }

  list(): DeviceRecord[] {
    return [...this.cache.values()];
  }
}
