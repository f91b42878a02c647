import type { EvidenceSource, SourceEvent } from "#evidence";
import { genesisMetaKey } from "#gateway";
import { bytesToHex, type Hex, invariant } from "#protocol";
import type { BatchTreeCache } from "../../services/batchTreeCache.ts";
import { buildBatchTree } from "../../services/buildBatchTree.ts";
import { resolveAnchors } from "../../services/resolveAnchors.ts";
import type { ApiDeps } from "../../types.ts";

/**
 * The evidence builder's view of the store: messages by id, a batch's tree from the shared cache (as the
 * proof routes build it) and its anchors in proof-bundle form with the chain's genesis hash, the registry
 * state of device keys and of the key that signed an event (an organisation's, or this server's attester).
 * @example await buildEvidencePackage(content, storeEvidenceSource(deps, trees))
 */
export function storeEvidenceSource(
  deps: Pick<ApiDeps, "store" | "anchorTargets" | "attester">,
  trees: BatchTreeCache,
): EvidenceSource {
  const { store } = deps;
  return {
    async reading(messageId) {
      const m = await store.getMessage(messageId);
      return m && { raw: m.raw, batchId: m.batchId };
    },
    async event(messageId) {
      const e = await store.findEvent({ messageId });
      return (
        e && {
          raw: e.raw,
          batchId: e.batchId,
          signer: e.signer,
          signedBy: e.signedBy,
          organisation: e.organisation,
        }
      );
    },
    async batch(batchId) {
      const batch = await store.getBatch(batchId);
      invariant(batch !== undefined, `batch ${batchId} is named by a message but not stored`);
      const tree = await trees.get(batchId, async () => buildBatchTree(await store.batchMessageIds(batchId)));
      const anchors = await Promise.all(
        (await resolveAnchors(store, deps.anchorTargets(), batchId)).map(async (anchor) => {
          if (anchor.txHash === null) return anchor;
          const genesis = await store.getMeta(genesisMetaKey(anchor));
          return genesis === undefined ? anchor : { ...anchor, genesisHash: genesis.toLowerCase() as Hex };
        }),
      );
      return { root: batch.root, tree, anchors };
    },
    async deviceKey(address) {
      const d = await store.getDevice(address);
      return (
        d && {
          address: d.address,
          publicKey: bytesToHex(d.publicKey),
          registeredAt: d.registeredAt,
          revokedAt: d.revokedAt,
          rotatedFrom: d.rotatedFrom,
          rotatedTo: d.rotatedTo,
          giai: d.giai,
        }
      );
    },
    async signerKey(event: SourceEvent) {
      if (event.signedBy === "attester") {
        const attester = deps.attester;
        if (attester === undefined || attester.address.toLowerCase() !== event.signer.toLowerCase())
          return undefined;
        return {
          address: event.signer,
          // One attester key vouches for many organisations: the signed payload names which, not the key.
          organisation: "operator",
          role: "attester" as const,
          publicKey: bytesToHex(attester.publicKey),
          registeredAt: null,
          revokedAt: null,
        };
      }
      const key = await store.getOrganisationKey(event.signer);
      return (
        key && {
          address: key.address,
          organisation: key.organisation,
          role: "organisation" as const,
          publicKey: bytesToHex(key.publicKey),
          registeredAt: key.registeredAt,
          revokedAt: key.revokedAt,
        }
      );
    },
  };
}
