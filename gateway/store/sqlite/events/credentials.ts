// Organisation API credentials: only the SHA-256 of a token is stored.
import type Database from "better-sqlite3";
import type { CredentialRecord } from "../../eventTypes.ts";

type CredentialRow = {
  id: string;
  organisation: string;
  label: string;
  created_at: number;
  revoked_at: number | null;
};

const fromRow = (r: CredentialRow): CredentialRecord => ({
  id: r.id,
  organisation: r.organisation,
  label: r.label,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export function createCredential(
  db: Database.Database,
  c: CredentialRecord & { tokenSha256: Uint8Array },
): CredentialRecord {
  db.prepare(
    "INSERT INTO organisation_credentials (id, organisation, token_sha256, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(c.id, c.organisation, Buffer.from(c.tokenSha256), c.label, c.createdAt, c.revokedAt);
  return fromRow(
    db.prepare("SELECT * FROM organisation_credentials WHERE id = ?").get(c.id) as CredentialRow,
  );
}

/** The active credential with this token digest (an index lookup on a random 32-byte value: no timing oracle worth having). */
export function findCredential(db: Database.Database, tokenSha256: Uint8Array): CredentialRecord | undefined {
  const row = db
    .prepare("SELECT * FROM organisation_credentials WHERE token_sha256 = ? AND revoked_at IS NULL")
    .get(Buffer.from(tokenSha256)) as CredentialRow | undefined;
  return row && fromRow(row);
}
