// The registry outbox (as sqlite/registryOutbox.ts): key lifecycle operations waiting for
// SealtrailDeviceRegistry. Operations are written by the key-changing functions of devices.ts and
// organisations.ts inside their own transactions, so a key change and its operation commit together.
import { type Address, type Hex, invariant, type RegistryKeyKind } from "#protocol";
import type {
  RegistryOperation,
  RegistryOperationKind,
  RegistryOperationUpdate,
  RegistryOutboxSummary,
} from "../registryOutboxTypes.ts";
import { bytesOf, type ClientSession, type Collections, type RegistryOperationDoc } from "./documents.ts";
import { takeNumbers } from "./insertMessages.ts";

function operationFromDoc(d: RegistryOperationDoc): RegistryOperation {
  return {
    id: d._id,
    keyKind: d.keyKind,
    operation: d.operation,
    address: d.address as Address,
    newAddress: (d.newAddress ?? null) as Address | null,
    publicKey:
      d.publicKey === null || d.publicKey === undefined ? null : new Uint8Array(bytesOf(d.publicKey)),
    requestedAt: d.requestedAt,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    lastError: d.lastError ?? null,
    chainId: d.chainId ?? null,
    contract: (d.contract ?? null) as Address | null,
    txHash: (d.txHash ?? null) as Hex | null,
    blockNumber: d.blockNumber ?? null,
    blockTimestamp: d.blockTimestamp ?? null,
    updatedAt: d.updatedAt,
  };
}

/**
 * Queues one operation in the session's transaction (the key change's own). Its id comes from the
 * `registry_outbox` counter, taken in the same transaction: ids are dense and in commit order, which is
 * the order the registrar sends them in (a rotation must reach the chain after the registration it ends).
 */
export async function enqueueRegistryOperation(
  c: Collections,
  session: ClientSession,
  op: {
    keyKind: RegistryKeyKind;
    operation: RegistryOperationKind;
    address: Address;
    newAddress?: Address;
    publicKey?: Uint8Array;
    at: number;
  },
): Promise<void> {
  invariant(
    session.inTransaction(),
    "a registry operation is queued inside the key change's own transaction",
  );
  invariant((op.operation === "rotate") === (op.newAddress !== undefined), "only a rotation names a new key");
  invariant((op.operation === "revoke") === (op.publicKey === undefined), "a revocation alone has no key");
  const id = await takeNumbers(c, session, "registry_outbox", 1);
  await c.registryOutbox.insertOne(
    {
      _id: id,
      keyKind: op.keyKind,
      operation: op.operation,
      address: op.address,
      newAddress: op.newAddress ?? null,
      publicKey: op.publicKey === undefined ? null : Buffer.from(op.publicKey),
      requestedAt: op.at,
      state: "pending",
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
      chainId: null,
      contract: null,
      txHash: null,
      blockNumber: null,
      blockTimestamp: null,
      updatedAt: op.at,
    },
    { session },
  );
}

/** The first operation not done nor failed, in outbox order (the `state_id` index). */
export async function nextRegistryOperation(c: Collections): Promise<RegistryOperation | undefined> {
  const doc = await c.registryOutbox.findOne({ state: { $in: ["pending", "sent"] } }, { sort: { _id: 1 } });
  return doc ? operationFromDoc(doc) : undefined;
}

export async function updateRegistryOperation(
  c: Collections,
  id: number,
  update: RegistryOperationUpdate,
): Promise<RegistryOperation> {
  // As SQLite's UPDATE: a field given as undefined is left alone, one given as null is cleared.
  const set = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
  const doc = await c.registryOutbox.findOneAndUpdate(
    { _id: id },
    { $set: set },
    { returnDocument: "after" },
  );
  invariant(doc !== null, `registry operation ${id} does not exist`);
  return operationFromDoc(doc);
}

export async function registryOperationsOf(c: Collections, address: Address): Promise<RegistryOperation[]> {
  const docs = await c.registryOutbox
    .find({ $or: [{ address }, { newAddress: address }] }, { sort: { _id: 1 } })
    .toArray();
  return docs.map(operationFromDoc);
}

export async function registryOutboxSummary(c: Collections): Promise<RegistryOutboxSummary> {
  const summary: RegistryOutboxSummary = {
    pending: 0,
    sent: 0,
    done: 0,
    failed: 0,
    oldestOpenRequestedAt: null,
  };
  for (const state of ["pending", "sent", "done", "failed"] as const)
    summary[state] = await c.registryOutbox.countDocuments({ state });
  const oldest = await c.registryOutbox.findOne(
    { state: { $in: ["pending", "sent"] } },
    { sort: { requestedAt: 1 }, projection: { requestedAt: 1 } },
  );
  summary.oldestOpenRequestedAt = oldest?.requestedAt ?? null;
  return summary;
}

/** Queues the attester key's registration unless the outbox names the key already, in the session's transaction. */
export async function enqueueAttesterKey(
  c: Collections,
  session: ClientSession,
  key: { address: Address; publicKey: Uint8Array },
  at: number,
): Promise<boolean> {
  const named = await c.registryOutbox.findOne(
    { $or: [{ address: key.address }, { newAddress: key.address }] },
    { session, projection: { _id: 1 } },
  );
  if (named) return false;
  await enqueueRegistryOperation(c, session, {
    keyKind: "attester",
    operation: "register",
    address: key.address,
    publicKey: key.publicKey,
    at,
  });
  return true;
}

/** Every operation recorded against another registry goes back to `pending`; how many. */
export async function retargetRegistryOutbox(
  c: Collections,
  target: { chainId: number; contract: Address },
  at: number,
): Promise<number> {
  const result = await c.registryOutbox.updateMany(
    {
      chainId: { $ne: null },
      $or: [{ chainId: { $ne: target.chainId } }, { contract: { $ne: target.contract.toLowerCase() } }],
    },
    {
      $set: {
        state: "pending",
        attempts: 0,
        nextAttemptAt: 0,
        lastError: null,
        chainId: null,
        contract: null,
        txHash: null,
        blockNumber: null,
        blockTimestamp: null,
        updatedAt: at,
      },
    },
  );
  return result.modifiedCount;
}
