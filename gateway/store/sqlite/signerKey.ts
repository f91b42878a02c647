import type Database from "better-sqlite3";

/** A signer's key in `signers` (schema 8), as SQL: the subquery every query by device address seeks with. */
export const SIGNER_KEY_SQL = (param: string) => `(SELECT k FROM signers WHERE address = ${param})`;

/**
 * The key of a message signer (device or event signer) in `signers`, added on first use. Call it inside
 * the transaction that writes the message: a key added by a transaction that rolls back is gone with it,
 * which is also why no key is cached across calls.
 * @example const keyOf = prepareSignerKey(db); db.transaction(() => keyOf(device))()
 */
export function prepareSignerKey(db: Database.Database): (address: string) => number {
  const find = db.prepare("SELECT k FROM signers WHERE address = ?").pluck();
  const add = db.prepare("INSERT INTO signers (address) VALUES (?)");
  return (address) => (find.get(address) as number | undefined) ?? Number(add.run(address).lastInsertRowid);
}
