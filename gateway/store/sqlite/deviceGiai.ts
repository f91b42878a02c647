import type Database from "better-sqlite3";
import type { Address } from "#protocol";
import type { AssignGiaiOutcome, DeviceRecord } from "../types.ts";
import { DEVICE_WITH_GIAI, type DeviceRow, deviceFromRow } from "./rows.ts";

/**
 * Gives a device its GIAI, once: provenance maps the GIAI that AssociationEvents name to this device's
 * readings, so moving a GIAI to another device (or changing a device's) would silently re-attribute the
 * readings of journeys already recorded. Both refusals are outcomes, not errors: the API answers 409.
 * Checked and written in one immediate transaction, so two registrations cannot both take one GIAI.
 */
export function assignDeviceGiai(db: Database.Database, address: Address, giai: string): AssignGiaiOutcome {
  const byAddress = db.prepare(`${DEVICE_WITH_GIAI} WHERE d.address = ?`);
  const byGiai = db.prepare("SELECT address FROM device_giais WHERE giai = ?").pluck();
  return db
    .transaction((): AssignGiaiOutcome => {
      const row = byAddress.get(address) as DeviceRow | undefined;
      if (!row) return { status: "unknown" };
      if (row.giai === giai) return { status: "unchanged", device: deviceFromRow(row) };
      if (row.giai !== null) return { status: "conflict", device: deviceFromRow(row) };
      const holder = byGiai.get(giai) as Address | undefined;
      if (holder !== undefined) return { status: "taken", holder };
      db.prepare("INSERT INTO device_giais (giai, address) VALUES (?, ?)").run(giai, address);
      return { status: "assigned", device: deviceFromRow(byAddress.get(address) as DeviceRow) };
    })
    .immediate();
}

/** The device a GIAI (bare key) names, through the primary key of device_giais. */
export function findDeviceByGiai(db: Database.Database, giai: string): DeviceRecord | undefined {
  const row = db
    .prepare(
      "SELECT d.*, g.giai FROM device_giais g JOIN devices d ON d.address = g.address WHERE g.giai = ?",
    )
    .get(giai) as DeviceRow | undefined;
  return row && deviceFromRow(row);
}
