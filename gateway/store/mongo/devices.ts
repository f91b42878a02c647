// Device keys and their lifecycle (register, revoke, rotate, flag, GIAI), as SQLite's devices tables.
import type { Address } from "#protocol";
import type { AssignGiaiOutcome, DeviceRecord, RotateOutcome } from "../types.ts";
import { type ClientSession, type Collections, deviceFromDoc } from "./documents.ts";
import { enqueueRegistryOperation } from "./registryOutbox.ts";

/**
 * Registers a device in the session's transaction, with its registry operation; a second registration of
 * the address keeps the first record and queues nothing (SQLite's DO NOTHING).
 */
export async function registerDevice(
  c: Collections,
  session: ClientSession,
  d: { address: Address; publicKey: Uint8Array; label: string; registeredAt: number },
): Promise<DeviceRecord> {
  const result = await c.devices.updateOne(
    { _id: d.address },
    {
      $setOnInsert: {
        publicKey: Buffer.from(d.publicKey),
        label: d.label,
        registeredAt: d.registeredAt,
        revokedAt: null,
        flaggedAt: null,
        rotatedFrom: null,
        rotatedTo: null,
      },
    },
    { upsert: true, session },
  );
  if (result.upsertedCount === 1)
    await enqueueRegistryOperation(c, session, {
      keyKind: "device",
      operation: "register",
      address: d.address,
      publicKey: d.publicKey,
      at: d.registeredAt,
    });
  const doc = await getDevice(c, d.address, session);
  if (doc === undefined) throw new Error(`device ${d.address} did not come back from an upsert`);
  return doc;
}

export async function getDevice(
  c: Collections,
  address: Address,
  session?: ClientSession,
): Promise<DeviceRecord | undefined> {
  const doc = await c.devices.findOne({ _id: address }, session ? { session } : {});
  return doc ? deviceFromDoc(doc) : undefined;
}

export async function listDevices(c: Collections): Promise<DeviceRecord[]> {
  const docs = await c.devices.find({}, { sort: { registeredAt: 1, _id: 1 } }).toArray();
  return docs.map(deviceFromDoc);
}

/**
 * Revokes an active device in the session's transaction, with its registry operation (an earlier
 * revocation is kept, and queues nothing); the record as it is after.
 */
export async function revokeDevice(
  c: Collections,
  session: ClientSession,
  address: Address,
  at: number,
): Promise<DeviceRecord | undefined> {
  const result = await c.devices.updateOne(
    { _id: address, revokedAt: null },
    { $set: { revokedAt: at } },
    { session },
  );
  if (result.modifiedCount === 1)
    await enqueueRegistryOperation(c, session, { keyKind: "device", operation: "revoke", address, at });
  return getDevice(c, address, session);
}

export async function flagDevice(c: Collections, address: Address, at: number): Promise<void> {
  await c.devices.updateOne({ _id: address, flaggedAt: null }, { $set: { flaggedAt: at } });
}

/**
 * Replaces key `from` by `to` in the session's transaction, with the checks of SealtrailDeviceRegistry.rotate
 * in its order (see sqlite/rotateDevice.ts); the GIAI moves to the new key, which signs for the sensor now.
 */
export async function rotateDevice(
  c: Collections,
  session: ClientSession,
  rotation: { from: Address; to: { address: Address; publicKey: Uint8Array; label: string }; at: number },
): Promise<RotateOutcome> {
  const existing = await getDevice(c, rotation.to.address, session);
  if (existing) return { status: "already-registered", device: existing };
  const old = await c.devices.findOne({ _id: rotation.from }, { session });
  if (!old) return { status: "unknown" };
  if (old.revokedAt !== null && old.revokedAt !== undefined)
    return { status: "revoked", device: deviceFromDoc(old) };
  // The GIAI is unique: the old key gives it up before the new one takes it.
  await c.devices.updateOne(
    { _id: rotation.from },
    { $set: { revokedAt: rotation.at, rotatedTo: rotation.to.address }, $unset: { giai: "" } },
    { session },
  );
  await c.devices.insertOne(
    {
      _id: rotation.to.address,
      publicKey: Buffer.from(rotation.to.publicKey),
      label: rotation.to.label,
      registeredAt: rotation.at,
      revokedAt: null,
      flaggedAt: null,
      rotatedFrom: rotation.from,
      rotatedTo: null,
      ...(old.giai === undefined || old.giai === null ? {} : { giai: old.giai }),
    },
    { session },
  );
  await enqueueRegistryOperation(c, session, {
    keyKind: "device",
    operation: "rotate",
    address: rotation.from,
    newAddress: rotation.to.address,
    publicKey: rotation.to.publicKey,
    at: rotation.at,
  });
  return {
    status: "rotated",
    from: (await getDevice(c, rotation.from, session))!,
    to: (await getDevice(c, rotation.to.address, session))!,
  };
}

/** Gives a device its GIAI once (see sqlite/deviceGiai.ts for why it never moves), in the session's transaction. */
export async function assignDeviceGiai(
  c: Collections,
  session: ClientSession,
  address: Address,
  giai: string,
): Promise<AssignGiaiOutcome> {
  const device = await getDevice(c, address, session);
  if (!device) return { status: "unknown" };
  if (device.giai === giai) return { status: "unchanged", device };
  if (device.giai !== null) return { status: "conflict", device };
  const holder = await c.devices.findOne({ giai }, { session, projection: { _id: 1 } });
  if (holder) return { status: "taken", holder: holder._id as Address };
  await c.devices.updateOne({ _id: address }, { $set: { giai } }, { session });
  return { status: "assigned", device: (await getDevice(c, address, session))! };
}

/** The device a GIAI names (the unique `giai` index). */
export async function findDeviceByGiai(c: Collections, giai: string): Promise<DeviceRecord | undefined> {
  const doc = await c.devices.findOne({ giai });
  return doc ? deviceFromDoc(doc) : undefined;
}
