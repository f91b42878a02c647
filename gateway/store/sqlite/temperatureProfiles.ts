import type Database from "better-sqlite3";
import type { TemperatureProfileRecord } from "../eventTypes.ts";

type ProfileRow = {
  gtin: string;
  name: string;
  min_c: number;
  max_c: number;
  max_single_ms: number;
  max_cumulative_ms: number;
  updated_at: number;
};

const fromRow = (r: ProfileRow): TemperatureProfileRecord => ({
  gtin: r.gtin,
  name: r.name,
  minC: r.min_c,
  maxC: r.max_c,
  maxSingleExcursionMs: r.max_single_ms,
  maxCumulativeExcursionMs: r.max_cumulative_ms,
  updatedAt: r.updated_at,
});

/** The profile of a GTIN (14 digits) or of `default`. */
export function getTemperatureProfile(
  db: Database.Database,
  gtin: string,
): TemperatureProfileRecord | undefined {
  const row = db.prepare("SELECT * FROM temperature_profiles WHERE gtin = ?").get(gtin) as
    | ProfileRow
    | undefined;
  return row && fromRow(row);
}

/** Creates or replaces a profile; says whether it was new (201 or 200). */
export function putTemperatureProfile(
  db: Database.Database,
  p: TemperatureProfileRecord,
): { created: boolean; profile: TemperatureProfileRecord } {
  return db
    .transaction(() => {
      const created = getTemperatureProfile(db, p.gtin) === undefined;
      db.prepare(
        `INSERT INTO temperature_profiles (gtin, name, min_c, max_c, max_single_ms, max_cumulative_ms, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (gtin) DO UPDATE SET name = excluded.name, min_c = excluded.min_c, max_c = excluded.max_c,
           max_single_ms = excluded.max_single_ms, max_cumulative_ms = excluded.max_cumulative_ms,
           updated_at = excluded.updated_at`,
      ).run(p.gtin, p.name, p.minC, p.maxC, p.maxSingleExcursionMs, p.maxCumulativeExcursionMs, p.updatedAt);
      return { created, profile: p };
    })
    .immediate();
}
