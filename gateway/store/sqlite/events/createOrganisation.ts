import type Database from "better-sqlite3";
import type { Address } from "#protocol";
import type { CreateOrganisationOutcome } from "../../eventTypes.ts";
import { enqueueRegistryOperation } from "../registryOutbox.ts";
import { readOrganisation } from "./organisationRows.ts";

/**
 * Creates an organisation with its GLNs and signing keys in one transaction; nothing is written unless the
 * id is new, no GLN belongs to another organisation and no key is registered yet. The keys' registrations are
 * queued for the registry contract in the same transaction.
 */
export function createOrganisation(
  db: Database.Database,
  org: {
    id: string;
    name: string;
    glns: string[];
    keys: { address: Address; publicKey: Uint8Array }[];
    createdAt: number;
  },
): CreateOrganisationOutcome {
  return db
    .transaction((): CreateOrganisationOutcome => {
      if (db.prepare("SELECT 1 FROM organisations WHERE id = ?").get(org.id)) return { status: "id-taken" };
      const glnOwner = db.prepare("SELECT organisation FROM organisation_glns WHERE gln = ?").pluck();
      for (const gln of org.glns) {
        const owner = glnOwner.get(gln) as string | undefined;
        if (owner !== undefined) return { status: "gln-taken", gln, organisation: owner };
      }
      const keyExists = db.prepare("SELECT 1 FROM organisation_keys WHERE address = ?");
      for (const key of org.keys)
        if (keyExists.get(key.address)) return { status: "key-taken", address: key.address };
      db.prepare("INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)").run(
        org.id,
        org.name,
        org.createdAt,
      );
      const addGln = db.prepare("INSERT INTO organisation_glns (gln, organisation) VALUES (?, ?)");
      for (const gln of new Set(org.glns)) addGln.run(gln, org.id);
      const addKey = db.prepare(
        "INSERT INTO organisation_keys (address, organisation, public_key, registered_at) VALUES (?, ?, ?, ?)",
      );
      for (const key of org.keys) {
        addKey.run(key.address, org.id, Buffer.from(key.publicKey), org.createdAt);
        enqueueRegistryOperation(db, {
          keyKind: "organisation",
          operation: "register",
          address: key.address,
          publicKey: key.publicKey,
          at: org.createdAt,
        });
      }
      return { status: "created", organisation: readOrganisation(db, org.id)! };
    })
    .immediate();
}
