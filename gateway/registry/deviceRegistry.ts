import { EventEmitter } from "node:events";
import { type Address, addressFromPublicKey, compressPublicKey } from "#protocol";
import type { AssignGiaiOutcome, DeviceRecord, RotateOutcome, Store } from "../store/types.ts";

/** What happened to one revocation. */
export type RevokeOutcome =
  | { status: "revoked"; device: DeviceRecord }
  /** Revoked before this call (by another call, process or a rotation): nothing changed. */
  | { status: "already-revoked"; device: DeviceRecord }
  | { status: "unknown" };

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

  /**
   * Gives a registered device its GIAI, once (see the store's assignDeviceGiai); the cache follows.
   */
  async assignGiai(address: Address, giai: string): Promise<AssignGiaiOutcome> {
    const outcome = await this.store.assignDeviceGiai(address, giai);
    if (outcome.status === "assigned") this.cache.set(address, outcome.device);
    return outcome;
  }

  /**
   * Revokes a device: from then on its CONNECTs and readings are refused (authenticate and ingest read this
   * cache), and its live session is closed by whoever listens to `revoked`. Says whether this call revoked
   * it, so an admin API can tell a repeated request.
   */
  async revoke(address: Address, now = Date.now()): Promise<RevokeOutcome> {
    const before = await this.store.getDevice(address);
    if (!before) return { status: "unknown" };
    if (before.revokedAt !== null) {
      this.cache.set(address, before);
      return { status: "already-revoked", device: before };
    }
    const device = await this.store.revokeDevice(address, now);
    if (!device) return { status: "unknown" };
    this.cache.set(address, device);
    // The store keeps the first revocation: another process may have revoked it between the two reads.
    if (device.revokedAt !== now) return { status: "already-revoked", device };
    this.emit("revoked", device);
    return { status: "revoked", device };
  }

  /**
   * Replaces the key of device `from` by `publicKey` (compressed or uncompressed), as
   * SealtrailDeviceRegistry.rotate does on chain: the new key is registered naming the old one, and the old
   * one is revoked at the same instant (its session closed, its CONNECTs and readings refused from then on).
   * The new key keeps the old label unless one is given.
   */
  async rotate(
    from: Address,
    publicKey: Uint8Array,
    label?: string,
    now = Date.now(),
  ): Promise<RotateOutcome> {
    const compressed = compressPublicKey(publicKey);
    const address = addressFromPublicKey(compressed);
    const old = this.cache.get(from) ?? (await this.store.getDevice(from));
    const outcome = await this.store.rotateDevice({
      from,
      to: { address, publicKey: compressed, label: label ?? old?.label ?? "" },
      at: now,
    });
    if (outcome.status === "rotated") {
      this.cache.set(outcome.to.address, outcome.to);
      this.cache.set(outcome.from.address, outcome.from);
      this.emit("registered", outcome.to);
      this.emit("revoked", outcome.from);
    } else if (outcome.status !== "unknown") {
      this.cache.set(outcome.device.address, outcome.device);
    }
    return outcome;
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
