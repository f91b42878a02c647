// The lifecycle of an organisation's signing keys, as for device keys: add, revoke, rotate. Each change is
// queued for the registry contract (registry_outbox) in its own transaction.
import type Database from "better-sqlite3";
import type { Address } from "#protocol";
import type { AddKeyOutcome, RevokeKeyOutcome, RotateKeyOutcome } from "../../eventTypes.ts";
import { enqueueRegistryOperation } from "../registryOutbox.ts";
import { getOrganisationKey } from "./organisationRows.ts";

/** Registers one more key for an organisation; a key registered anywhere already is refused. */
export function addOrganisationKey(
  db: Database.Database,
  organisation: string,
  key: { address: Address; publicKey: Uint8Array },
  at: number,
): AddKeyOutcome {
  return db
    .transaction((): AddKeyOutcome => {
      if (!db.prepare("SELECT 1 FROM organisations WHERE id = ?").get(organisation))
        return { status: "unknown-organisation" };
      const existing = getOrganisationKey(db, key.address);
      if (existing) return { status: "key-taken", key: existing };
      db.prepare(
        "INSERT INTO organisation_keys (address, organisation, public_key, registered_at) VALUES (?, ?, ?, ?)",
      ).run(key.address, organisation, Buffer.from(key.publicKey), at);
      enqueueRegistryOperation(db, {
        keyKind: "organisation",
        operation: "register",
        address: key.address,
        publicKey: key.publicKey,
        at,
      });
      return { status: "added", key: getOrganisationKey(db, key.address)! };
    })
    .immediate();
}

/** Revokes a key of this organisation (a key of another one is "unknown" here: no cross-organisation probing). */
export function revokeOrganisationKey(
  db: Database.Database,
  organisation: string,
  address: Address,
  at: number,
): RevokeKeyOutcome {
  return db
    .transaction((): RevokeKeyOutcome => {
      const key = getOrganisationKey(db, address);
      if (!key || key.organisation !== organisation) return { status: "unknown" };
      if (key.revokedAt !== null) return { status: "already-revoked", key };
      db.prepare("UPDATE organisation_keys SET revoked_at = ? WHERE address = ?").run(at, address);
      enqueueRegistryOperation(db, { keyKind: "organisation", operation: "revoke", address, at });
      return { status: "revoked", key: getOrganisationKey(db, address)! };
    })
    .immediate();
}

/**
 * Replaces key `from` by `to` in one transaction, in the device rotation's order of checks: `to` must be new,
 * then `from` must be this organisation's and active. `to` names `from`, `from` (revoked then) names `to`.
 */
export function rotateOrganisationKey(
  db: Database.Database,
  rotation: {
    organisation: string;
    from: Address;
    to: { address: Address; publicKey: Uint8Array };
    at: number;
  },
): RotateKeyOutcome {
  return db
    .transaction((): RotateKeyOutcome => {
      const taken = getOrganisationKey(db, rotation.to.address);
      if (taken) return { status: "key-taken", key: taken };
      const old = getOrganisationKey(db, rotation.from);
      if (!old || old.organisation !== rotation.organisation) return { status: "unknown" };
      if (old.revokedAt !== null) return { status: "revoked", key: old };
      db.prepare(
        "INSERT INTO organisation_keys (address, organisation, public_key, registered_at, rotated_from) VALUES (?, ?, ?, ?, ?)",
      ).run(
        rotation.to.address,
        rotation.organisation,
        Buffer.from(rotation.to.publicKey),
        rotation.at,
        rotation.from,
      );
      db.prepare("UPDATE organisation_keys SET revoked_at = ?, rotated_to = ? WHERE address = ?").run(
        rotation.at,
        rotation.to.address,
        rotation.from,
      );
      enqueueRegistryOperation(db, {
        keyKind: "organisation",
        operation: "rotate",
        address: rotation.from,
        newAddress: rotation.to.address,
        publicKey: rotation.to.publicKey,
        at: rotation.at,
      });
      return {
        status: "rotated",
        from: getOrganisationKey(db, rotation.from)!,
        to: getOrganisationKey(db, rotation.to.address)!,
      };
    })
    .immediate();
}
