import type Database from "better-sqlite3";
import type { Address } from "#protocol";
import type { RotateOutcome } from "../types.ts";
import { enqueueRegistryOperation } from "./registryOutbox.ts";
import { DEVICE_WITH_GIAI, type DeviceRow, deviceFromRow } from "./rows.ts";

/**
 * Replaces device key `from` by `to` in one transaction, mirroring SealtrailDeviceRegistry.rotate: `to` is
 * registered naming `from`, `from` is revoked at the same instant naming `to`. The checks run in the
 * contract's order: `to` must be new (so rotating a key to itself is "already registered"), then `from`
 * must be registered and active. Nothing changes unless both hold; the rotation is queued for the
 * registry contract in the same transaction.
 *
 * The device's GIAI moves to the new key in the same transaction: it names the physical sensor, which
 * AssociationEvents keep naming after the rotation, so findDeviceByGiai must find the key that signs now
 * (provenance walks `rotatedFrom` back for the readings of the earlier keys).
 */
export function rotateDevice(
  db: Database.Database,
  rotation: { from: Address; to: { address: Address; publicKey: Uint8Array; label: string }; at: number },
): RotateOutcome {
  const get = db.prepare(`${DEVICE_WITH_GIAI} WHERE d.address = ?`);
  return db
    .transaction((): RotateOutcome => {
      const existing = get.get(rotation.to.address) as DeviceRow | undefined;
      if (existing) return { status: "already-registered", device: deviceFromRow(existing) };
      const old = get.get(rotation.from) as DeviceRow | undefined;
      if (!old) return { status: "unknown" };
      if (old.revoked_at !== null) return { status: "revoked", device: deviceFromRow(old) };
      db.prepare(
        "INSERT INTO devices (address, public_key, label, registered_at, rotated_from) VALUES (?, ?, ?, ?, ?)",
      ).run(
        rotation.to.address,
        Buffer.from(rotation.to.publicKey),
        rotation.to.label,
        rotation.at,
        rotation.from,
      );
      db.prepare("UPDATE devices SET revoked_at = ?, rotated_to = ? WHERE address = ?").run(
        rotation.at,
        rotation.to.address,
        rotation.from,
      );
      db.prepare("UPDATE device_giais SET address = ? WHERE address = ?").run(
        rotation.to.address,
        rotation.from,
      );
      enqueueRegistryOperation(db, {
        keyKind: "device",
        operation: "rotate",
        address: rotation.from,
        newAddress: rotation.to.address,
        publicKey: rotation.to.publicKey,
        at: rotation.at,
      });
      return {
        status: "rotated",
        from: deviceFromRow(get.get(rotation.from) as DeviceRow),
        to: deviceFromRow(get.get(rotation.to.address) as DeviceRow),
      };
    })
    .immediate();
}
