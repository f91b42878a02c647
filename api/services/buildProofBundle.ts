import { type AnchorTarget, genesisMetaKey, type Store, type StoredMessage } from "#gateway";
import {
  type AnchorRecord,
  bytesToHex,
  type Hex,
  InvariantError,
  invariant,
  LEAF_ENCODING,
  type MerkleSection,
  PROOF_BUNDLE_FORMAT,
  type ProofBundle,
  parseProofBundle,
} from "#protocol";
import type { BatchTreeCache } from "./batchTreeCache.ts";
import { buildBatchTree } from "./buildBatchTree.ts";
import { registryReferenceOf } from "./registryReference.ts";
import { resolveAnchors } from "./resolveAnchors.ts";

export type BuildProofBundleContext = {
  store: Store;
  anchorTargets: readonly AnchorTarget[];
  trees: BatchTreeCache;
};

/**
 * The `sealtrail-proof-v1` bundle of a stored message, or undefined when the id is unknown. The Merkle
 * path is taken from the batch's tree, rebuilt from the stored ids; a rebuilt root that differs from the
 * stored one is our bug (INVARIANT), never served as a proof.
 * @example const bundle = await buildProofBundle(messageId, { store, anchorTargets, trees: new BatchTreeCache() })
 */
export async function buildProofBundle(
  messageId: Hex,
  context: BuildProofBundleContext,
): Promise<ProofBundle | undefined> {
  const { store } = context;
  const message = await store.getMessage(messageId);
  if (message === undefined) return undefined;
  const device = await store.getDevice(message.device);
  invariant(device !== undefined, `message ${message.messageId} is stored but its device is not registered`);

  const bundle: ProofBundle = {
    format: PROOF_BUNDLE_FORMAT,
    message: bytesToHex(message.raw),
    messageId: message.messageId,
    device: message.device,
    publicKey: bytesToHex(device.publicKey),
    reading: JSON.parse(message.payloadJson) as Record<string, unknown>,
    merkle: message.batchId === null ? null : await merkleSection(message, message.batchId, context),
    anchors: await withGenesis(store, await resolveAnchors(store, context.anchorTargets, message.batchId)),
  };
  const registry = await registryReferenceOf(store, message.device, "device");
  if (registry !== undefined) bundle.registry = registry;
  try {
    return parseProofBundle(bundle);
  } catch (cause) {
    throw new InvariantError("built a proof bundle that does not match sealtrail-proof-v1", { cause });
  }
}

/**
 * Adds the chain's genesis hash, as the anchorer recorded it for the target, to every anchor that has a
 * transaction: a verifier that finds no receipt can then tell a reset chain or another network from a
 * missing transaction.
 */
async function withGenesis(store: Store, anchors: AnchorRecord[]): Promise<AnchorRecord[]> {
  return Promise.all(
    anchors.map(async (anchor) => {
      if (anchor.txHash === null) return anchor;
      const genesis = await store.getMeta(genesisMetaKey(anchor));
      return genesis === undefined ? anchor : { ...anchor, genesisHash: genesis.toLowerCase() as Hex };
    }),
  );
}

async function merkleSection(
  message: StoredMessage,
  batchId: number,
  { store, trees }: BuildProofBundleContext,
): Promise<MerkleSection> {
  const batch = await store.getBatch(batchId);
  invariant(batch !== undefined, `message ${message.messageId} names batch ${batchId}, which is not stored`);
  const tree = await trees.get(batchId, async () => buildBatchTree(await store.batchMessageIds(batchId)));
  invariant(
    tree.root === batch.root.toLowerCase(),
    `batch ${batchId}: root rebuilt from its messages ${tree.root} differs from the stored root ${batch.root}`,
  );
  invariant(
    tree.has(message.messageId),
    `message ${message.messageId} is not a leaf of its batch ${batchId}`,
  );
  return { root: tree.root, proof: tree.getProof(message.messageId), leafEncoding: LEAF_ENCODING };
}
