// Rows of the organisation tables (schema 3) and their records.
import type Database from "better-sqlite3";
import type { Address } from "#protocol";
import type { OrganisationKeyRecord, OrganisationRecord } from "../../eventTypes.ts";

export type OrganisationKeyRow = {
  address: string;
  organisation: string;
  public_key: Buffer;
  registered_at: number;
  revoked_at: number | null;
  rotated_from: string | null;
  rotated_to: string | null;
};

export function keyFromRow(r: OrganisationKeyRow): OrganisationKeyRecord {
  return {
    address: r.address as Address,
    organisation: r.organisation,
    publicKey: new Uint8Array(r.public_key),
    registeredAt: r.registered_at,
    revokedAt: r.revoked_at,
    rotatedFrom: r.rotated_from as Address | null,
    rotatedTo: r.rotated_to as Address | null,
  };
}

export function getOrganisationKey(
  db: Database.Database,
  address: Address,
): OrganisationKeyRecord | undefined {
  const row = db.prepare("SELECT * FROM organisation_keys WHERE address = ?").get(address) as
    | OrganisationKeyRow
    | undefined;
  return row && keyFromRow(row);
}

/** One organisation with its GLNs and keys (keys in registration order). */
export function readOrganisation(db: Database.Database, id: string): OrganisationRecord | undefined {
  const org = db.prepare("SELECT * FROM organisations WHERE id = ?").get(id) as
    | { id: string; name: string; created_at: number }
    | undefined;
  if (!org) return undefined;
  const glns = db
    .prepare("SELECT gln FROM organisation_glns WHERE organisation = ? ORDER BY gln")
    .pluck()
    .all(id) as string[];
  const keys = (
    db
      .prepare("SELECT * FROM organisation_keys WHERE organisation = ? ORDER BY registered_at, address")
      .all(id) as OrganisationKeyRow[]
  ).map(keyFromRow);
  return { id: org.id, name: org.name, glns, createdAt: org.created_at, keys };
}

export function listOrganisations(db: Database.Database): OrganisationRecord[] {
  const ids = db.prepare("SELECT id FROM organisations ORDER BY created_at, id").pluck().all() as string[];
  return ids.map((id) => readOrganisation(db, id)!);
}
