import type { AnchorTarget, Store } from "#gateway";
import { type AnchorRecord as BundleAnchor, type Hex, invariant, normalizeAddress } from "#protocol";

const NOT_ON_CHAIN = { txHash: null, blockNumber: null, blockTimestamp: null } as const;

/**
 * Where a message stands on each configured anchor target, in proof-bundle form: `pending` while it is in
 * no batch, `sealed` while its batch has no anchor record for the target, else the record's status as the
 * anchorer stored it. Finality is the anchorer's call (it updates records to `final`), never computed here,
 * so the API and the anchorer cannot disagree.
 * @example await resolveAnchors(store, [{ chainId: 31337, contract }], message.batchId) // [{ status: "sealed", … }]
 */
export async function resolveAnchors(
  store: Store,
  targets: readonly AnchorTarget[],
  batchId: number | null,
): Promise<BundleAnchor[]> {
  const records = batchId === null ? [] : await store.getAnchors(batchId);
  return targets.map((target): BundleAnchor => {
    const chainId = target.chainId;
    const contract = normalizeAddress(target.contract);
    if (batchId === null) return { chainId, contract, ...NOT_ON_CHAIN, status: "pending" };
    // Records are matched case-insensitively: a target configured in EIP-55 still finds its records.
    const record = records.find((r) => r.chainId === chainId && r.contract.toLowerCase() === contract);
    if (record === undefined || record.status === "sealed") {
      return { chainId, contract, ...NOT_ON_CHAIN, status: "sealed" };
    }
    if (record.status === "submitted") {
      return { chainId, contract, ...NOT_ON_CHAIN, txHash: lower(record.txHash), status: "submitted" };
    }
    invariant(
      record.txHash !== null && record.blockNumber !== null && record.blockTimestamp !== null,
      `anchor of batch ${batchId} on chain ${chainId} is ${record.status} without tx hash, block number and timestamp`,
    );
    return {
      chainId,
      contract,
      txHash: lower(record.txHash),
      blockNumber: record.blockNumber,
      blockTimestamp: record.blockTimestamp,
      status: record.status,
    };
  });
}

function lower(hex: Hex | null): Hex | null {
  return hex === null ? null : (hex.toLowerCase() as Hex);
}
