// Organisations, their GLNs, signing keys (the device keys' lifecycle) and API credentials.
import type { Address } from "#protocol";
import type {
  AddKeyOutcome,
  CreateOrganisationOutcome,
  CredentialRecord,
  OrganisationKeyRecord,
  OrganisationRecord,
  RevokeKeyOutcome,
  RotateKeyOutcome,
} from "../eventTypes.ts";
import { bytesOf, type ClientSession, type Collections, organisationKeyFromDoc } from "./documents.ts";
import { enqueueRegistryOperation } from "./registryOutbox.ts";

const opts = (session?: ClientSession) => (session ? { session } : {});

export async function getOrganisationKey(
  c: Collections,
  address: Address,
  session?: ClientSession,
): Promise<OrganisationKeyRecord | undefined> {
  const doc = await c.organisationKeys.findOne({ _id: address }, opts(session));
  return doc ? organisationKeyFromDoc(doc) : undefined;
}

/** One organisation with its GLNs (sorted) and keys (in registration order). */
export async function readOrganisation(
  c: Collections,
  id: string,
  session?: ClientSession,
): Promise<OrganisationRecord | undefined> {
  const org = await c.organisations.findOne({ _id: id }, opts(session));
  if (!org) return undefined;
  const glns = await c.glns
    .find({ organisation: id }, { sort: { _id: 1 }, projection: { _id: 1 }, ...opts(session) })
    .toArray();
  const keys = await c.organisationKeys
    .find({ organisation: id }, { sort: { registeredAt: 1, _id: 1 }, ...opts(session) })
    .toArray();
  return {
    id: org._id,
    name: org.name,
    glns: glns.map((g) => g._id),
    createdAt: org.createdAt,
    keys: keys.map(organisationKeyFromDoc),
  };
}

export async function listOrganisations(c: Collections): Promise<OrganisationRecord[]> {
  const orgs = await c.organisations
    .find({}, { sort: { createdAt: 1, _id: 1 }, projection: { _id: 1 } })
    .toArray();
  const records = await Promise.all(orgs.map((o) => readOrganisation(c, o._id)));
  return records.filter((r): r is OrganisationRecord => r !== undefined);
}

/**
 * Creates an organisation with its GLNs and keys in the session's transaction; nothing is written unless
 * the id is new, no GLN belongs to another organisation and no key is registered yet.
 */
export async function createOrganisation(
  c: Collections,
  session: ClientSession,
  org: {
    id: string;
    name: string;
    glns: string[];
    keys: { address: Address; publicKey: Uint8Array }[];
    createdAt: number;
  },
): Promise<CreateOrganisationOutcome> {
  if (await c.organisations.findOne({ _id: org.id }, { session })) return { status: "id-taken" };
  for (const gln of org.glns) {
    const owner = await c.glns.findOne({ _id: gln }, { session });
    if (owner) return { status: "gln-taken", gln, organisation: owner.organisation };
  }
  for (const key of org.keys)
    if (await c.organisationKeys.findOne({ _id: key.address }, { session }))
      return { status: "key-taken", address: key.address };
  await c.organisations.insertOne({ _id: org.id, name: org.name, createdAt: org.createdAt }, { session });
  const glns = [...new Set(org.glns)];
  if (glns.length > 0)
    await c.glns.insertMany(
      glns.map((gln) => ({ _id: gln, organisation: org.id })),
      { session },
    );
  if (org.keys.length > 0)
    await c.organisationKeys.insertMany(
      org.keys.map((k) => ({
        _id: k.address,
        organisation: org.id,
        publicKey: Buffer.from(k.publicKey),
        registeredAt: org.createdAt,
        revokedAt: null,
        rotatedFrom: null,
        rotatedTo: null,
      })),
      { session },
    );
  // In the order SQLite queues them: the keys as the organisation lists them.
  for (const key of org.keys)
    await enqueueRegistryOperation(c, session, {
      keyKind: "organisation",
      operation: "register",
      address: key.address,
      publicKey: key.publicKey,
      at: org.createdAt,
    });
  return { status: "created", organisation: (await readOrganisation(c, org.id, session))! };
}

/** Registers one more key for an organisation; a key registered anywhere already is refused. */
export async function addOrganisationKey(
  c: Collections,
  session: ClientSession,
  organisation: string,
  key: { address: Address; publicKey: Uint8Array },
  at: number,
): Promise<AddKeyOutcome> {
  if (!(await c.organisations.findOne({ _id: organisation }, { session })))
    return { status: "unknown-organisation" };
  const existing = await getOrganisationKey(c, key.address, session);
  if (existing) return { status: "key-taken", key: existing };
  await c.organisationKeys.insertOne(
    {
      _id: key.address,
      organisation,
      publicKey: Buffer.from(key.publicKey),
      registeredAt: at,
      revokedAt: null,
      rotatedFrom: null,
      rotatedTo: null,
    },
    { session },
  );
  await enqueueRegistryOperation(c, session, {
    keyKind: "organisation",
    operation: "register",
    address: key.address,
    publicKey: key.publicKey,
    at,
  });
  return { status: "added", key: (await getOrganisationKey(c, key.address, session))! };
}

/** Revokes a key of this organisation (another's is "unknown": no cross-organisation probing). */
export async function revokeOrganisationKey(
  c: Collections,
  session: ClientSession,
  organisation: string,
  address: Address,
  at: number,
): Promise<RevokeKeyOutcome> {
  const key = await getOrganisationKey(c, address, session);
  if (!key || key.organisation !== organisation) return { status: "unknown" };
  if (key.revokedAt !== null) return { status: "already-revoked", key };
  await c.organisationKeys.updateOne({ _id: address }, { $set: { revokedAt: at } }, { session });
  await enqueueRegistryOperation(c, session, { keyKind: "organisation", operation: "revoke", address, at });
  return { status: "revoked", key: (await getOrganisationKey(c, address, session))! };
}

/** Replaces key `from` by `to` with the device rotation's checks, in their order (sqlite/events/organisationKeys.ts). */
export async function rotateOrganisationKey(
  c: Collections,
  session: ClientSession,
  rotation: {
    organisation: string;
    from: Address;
    to: { address: Address; publicKey: Uint8Array };
    at: number;
  },
): Promise<RotateKeyOutcome> {
  const taken = await getOrganisationKey(c, rotation.to.address, session);
  if (taken) return { status: "key-taken", key: taken };
  const old = await getOrganisationKey(c, rotation.from, session);
  if (!old || old.organisation !== rotation.organisation) return { status: "unknown" };
  if (old.revokedAt !== null) return { status: "revoked", key: old };
  await c.organisationKeys.insertOne(
    {
      _id: rotation.to.address,
      organisation: rotation.organisation,
      publicKey: Buffer.from(rotation.to.publicKey),
      registeredAt: rotation.at,
      revokedAt: null,
      rotatedFrom: rotation.from,
      rotatedTo: null,
    },
    { session },
  );
  await c.organisationKeys.updateOne(
    { _id: rotation.from },
    { $set: { revokedAt: rotation.at, rotatedTo: rotation.to.address } },
    { session },
  );
  await enqueueRegistryOperation(c, session, {
    keyKind: "organisation",
    operation: "rotate",
    address: rotation.from,
    newAddress: rotation.to.address,
    publicKey: rotation.to.publicKey,
    at: rotation.at,
  });
  return {
    status: "rotated",
    from: (await getOrganisationKey(c, rotation.from, session))!,
    to: (await getOrganisationKey(c, rotation.to.address, session))!,
  };
}

type CredentialDoc = Parameters<Collections["credentials"]["insertOne"]>[0];

const credentialFromDoc = (d: CredentialDoc): CredentialRecord => ({
  id: d._id,
  organisation: d.organisation,
  label: d.label,
  createdAt: d.createdAt,
  revokedAt: d.revokedAt ?? null,
});

/** Stores a credential by the SHA-256 of its token; the token itself is never stored. */
export async function createCredential(
  c: Collections,
  credential: CredentialRecord & { tokenSha256: Uint8Array },
): Promise<CredentialRecord> {
  const doc = {
    _id: credential.id,
    organisation: credential.organisation,
    tokenSha256: Buffer.from(credential.tokenSha256),
    label: credential.label,
    createdAt: credential.createdAt,
    revokedAt: credential.revokedAt,
  };
  await c.credentials.insertOne(doc);
  return credentialFromDoc(doc);
}

/** The active credential whose token has this digest (the unique `token` index). */
export async function findCredential(
  c: Collections,
  tokenSha256: Uint8Array,
): Promise<CredentialRecord | undefined> {
  const doc = await c.credentials.findOne({ tokenSha256: Buffer.from(tokenSha256), revokedAt: null });
  return doc ? credentialFromDoc({ ...doc, tokenSha256: Buffer.from(bytesOf(doc.tokenSha256)) }) : undefined;
}
