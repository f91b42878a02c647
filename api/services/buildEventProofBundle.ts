import type { AnchorTarget, EventStore, Store, StoredEvent } from "#gateway";
import {
  bytesToHex,
  EVENT_PROOF_BUNDLE_FORMAT,
  type EventProofBundle,
  type Hex,
  InvariantError,
  invariant,
  isHexOfLength,
  LEAF_ENCODING,
  parseEventProofBundle,
} from "#protocol";
import type { BatchTreeCache } from "./batchTreeCache.ts";
import { buildBatchTree } from "./buildBatchTree.ts";
import { registryReferenceOf } from "./registryReference.ts";
import { resolveAnchors } from "./resolveAnchors.ts";

export type BuildEventProofContext = {
  store: Store & EventStore;
  attester: { address: Hex; publicKey: Uint8Array } | undefined;
  anchorTargets: readonly AnchorTarget[];
  trees: BatchTreeCache;
};

/** An event by a key that is a message id (0x + 64 hex), else its eventID or its event hash ID. */
export async function findEventByKey(store: EventStore, key: string): Promise<StoredEvent | undefined> {
  if (isHexOfLength(key, 32)) return store.findEvent({ messageId: key.toLowerCase() as Hex });
  return (await store.findEvent({ eventId: key })) ?? (await store.findEvent({ eventHash: key }));
}

/**
 * The `sealtrail-event-proof-v1` bundle of a stored event (undefined when unknown): its message, the
 * signer's key (an organisation key from the registry, or the attester's), the Merkle path in the batch it
 * shares with readings and the batch's anchors, built like a reading's bundle.
 * @example await buildEventProofBundle("ni:///sha-256;…?ver=CBV2.0", { store, attester, anchorTargets, trees })
 */
export async function buildEventProofBundle(
  key: string,
  context: BuildEventProofContext,
): Promise<EventProofBundle | undefined> {
  const { store } = context;
  const event = await findEventByKey(store, key);
  if (event === undefined) return undefined;
  let publicKey: Uint8Array;
  if (event.signedBy === "attester") {
    invariant(
      context.attester?.address === event.signer,
      `event ${event.messageId} is attested by ${event.signer}, not this server's attester`,
    );
    publicKey = context.attester.publicKey;
  } else {
    const orgKey = await store.getOrganisationKey(event.signer);
    invariant(
      orgKey !== undefined,
      `event ${event.messageId} is signed by ${event.signer}, which is not registered`,
    );
    publicKey = orgKey.publicKey;
  }
  let merkle: EventProofBundle["merkle"] = null;
  if (event.batchId !== null) {
    const batchId = event.batchId;
    const batch = await store.getBatch(batchId);
    invariant(batch !== undefined, `event ${event.messageId} names batch ${batchId}, which is not stored`);
    const tree = await context.trees.get(batchId, async () =>
      buildBatchTree(await store.batchMessageIds(batchId)),
    );
    invariant(
      tree.root === batch.root.toLowerCase() && tree.has(event.messageId),
      `batch ${batchId} does not rebuild with event ${event.messageId}`,
    );
    merkle = { root: tree.root, proof: tree.getProof(event.messageId), leafEncoding: LEAF_ENCODING };
  }
  const bundle: EventProofBundle = {
    format: EVENT_PROOF_BUNDLE_FORMAT,
    message: bytesToHex(event.raw),
    messageId: event.messageId,
    signer: event.signer,
    publicKey: bytesToHex(publicKey),
    signedBy: event.signedBy,
    organisation: event.organisation,
    eventHashId: event.eventHash,
    event: JSON.parse(event.eventJson) as Record<string, unknown>,
    merkle,
    anchors: await resolveAnchors(store, context.anchorTargets, event.batchId),
  };
  const registry = await registryReferenceOf(
    store,
    event.signer,
    event.signedBy === "attester" ? "attester" : "organisation",
  );
  if (registry !== undefined) bundle.registry = registry;
  try {
    return parseEventProofBundle(bundle);
  } catch (cause) {
    throw new InvariantError("built an event proof bundle that does not match sealtrail-event-proof-v1", {
      cause,
    });
  }
}
