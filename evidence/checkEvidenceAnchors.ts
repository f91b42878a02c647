import type { AnchorRecord, Hex } from "#protocol";
// Straight to the files, not #cli: the CLI's index also exports its node:http client, and this runs in a
// browser worker. Both files are transport-neutral (see anchorChainOverRpc.ts).
import type { AnchorChain } from "../cli/verify/anchorChain.ts";
import { checkAnchorOnChain } from "../cli/verify/checkAnchorOnChain.ts";
import { rpcErrorReason } from "../cli/verify/rpcErrorReason.ts";
import type { EvidenceBatch } from "./evidencePackage.ts";
import { memoizedAnchorChain } from "./memoizedAnchorChain.ts";
import type { EvidenceProgress } from "./verifyEvidenceMessages.ts";

/** One RPC endpoint the verifier may ask, opened lazily: `open` reads its chain id (once). */
export type EvidenceEndpoint = { label: string; open: () => Promise<AnchorChain> };

/**
 * What became of one anchor of one batch root, with each endpoint's answer:
 * - `verified`: every endpoint serving its chain confirmed it;
 * - `failed`: an endpoint contradicted it (the others too, or they disagree: both are named);
 * - `unchecked`: no endpoint could be read, none serves its chain, or the batch's proof failed;
 * - `not-anchored`: the package does not claim it is on chain yet (pending, sealed, submitted).
 */
export type AnchorOutcome = {
  root: Hex;
  anchor: AnchorRecord;
  result: "verified" | "failed" | "unchecked" | "not-anchored";
  confirmations: number | null;
  endpoints: { label: string; outcome: string; checks: { name: string; ok: boolean; detail: string }[] }[];
  detail: string;
};

/**
 * Roots checked at once. Each sends its four reads together, and most are shared with other roots (the
 * receipt, block and head of one anchoring transaction): enough to overlap round trips, few enough for a
 * public RPC's limits (a browser sends at most 6 requests at a time to one host anyway).
 */
export const ANCHOR_CHECK_CONCURRENCY = 8;

/**
 * Checks each included/final anchor of each proven batch on every endpoint that serves its chain, with
 * checkAnchorOnChain (the CLI verifier's check: receipt, RootAnchored log, block and timestamp,
 * `anchoredAt`). One set of reads per distinct root and anchor, at most ANCHOR_CHECK_CONCURRENCY at once;
 * each endpoint's reads are shared between anchors (memoizedAnchorChain) and an anchor's four reads are
 * sent together, not one after the other, so an anchor costs one round trip instead of four.
 * Endpoints must agree: one that contradicts what another confirms fails the anchor, naming both; an
 * endpoint that cannot be read leaves it "could not check", never verified.
 * @example const outcomes = await checkEvidenceAnchors(pkg.batches, provenRoots, endpoints)
 */
export async function checkEvidenceAnchors(
  batches: readonly EvidenceBatch[],
  provenRoots: ReadonlySet<Hex>,
  endpoints: readonly EvidenceEndpoint[],
  onProgress: (p: EvidenceProgress) => void = () => {},
): Promise<AnchorOutcome[]> {
  const opened = endpoints.map((e) => ({
    label: e.label,
    chain: e.open().then(
      (chain) => ({ chain: memoizedAnchorChain(chain) }),
      (error: unknown) => ({ error: rpcErrorReason(error) }),
    ),
  }));
  const jobs: (() => Promise<AnchorOutcome>)[] = [];
  const seen = new Set<string>();
  for (const batch of batches) {
    const root = batch.root.toLowerCase() as Hex;
    for (const anchor of batch.anchors) {
      const key = `${root}:${anchor.chainId}:${anchor.contract.toLowerCase()}:${anchor.txHash}`;
      if (seen.has(key)) continue;
      seen.add(key);
      jobs.push(() => checkOne(root, anchor, provenRoots.has(root), opened));
    }
  }
  const outcomes: AnchorOutcome[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      outcomes[i] = await jobs[i]!();
      onProgress({ phase: "anchors", done: ++done, total: jobs.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(ANCHOR_CHECK_CONCURRENCY, jobs.length) }, worker));
  if (jobs.length === 0) onProgress({ phase: "anchors", done: 0, total: 0 });
  for (const o of opened) {
    const c = await o.chain;
    if ("chain" in c) c.chain.close();
  }
  return outcomes;
}

type Answer = AnchorOutcome["endpoints"][number];
type Opened = { label: string; chain: Promise<{ chain: AnchorChain } | { error: string }> };

async function checkOne(
  root: Hex,
  anchor: AnchorRecord,
  proven: boolean,
  opened: readonly Opened[],
): Promise<AnchorOutcome> {
  const base = { root, anchor, confirmations: null, endpoints: [] as AnchorOutcome["endpoints"] };
  if (anchor.status !== "included" && anchor.status !== "final")
    return { ...base, result: "not-anchored", detail: `status ${anchor.status}: nothing on chain yet` };
  const { txHash, blockNumber, blockTimestamp } = anchor;
  if (txHash === null || blockNumber === null || blockTimestamp === null)
    return {
      ...base,
      result: "failed",
      detail: `status ${anchor.status} without txHash, blockNumber and blockTimestamp`,
    };
  if (!proven) return { ...base, result: "unchecked", detail: "not checked: the batch's multiproof failed" };
  if (opened.length === 0)
    return { ...base, result: "unchecked", detail: "could not check: no RPC endpoint given" };

  const onChain = {
    chainId: anchor.chainId,
    contract: anchor.contract,
    txHash,
    blockNumber,
    blockTimestamp,
    ...(anchor.genesisHash ? { genesisHash: anchor.genesisHash } : {}),
  };
  // Every endpoint at once, each in the order given (the answers are listed in it).
  const asked = await Promise.all(
    opened.map(async (o): Promise<(Answer & { confirmations: number | null }) | null> => {
      const c = await o.chain;
      if ("error" in c)
        return {
          label: o.label,
          outcome: "rpc-error",
          checks: [{ name: "RPC", ok: false, detail: c.error }],
          confirmations: null,
        };
      if (c.chain.chainId !== BigInt(anchor.chainId)) return null; // serves another chain: not asked
      prefetch(c.chain, onChain, root);
      const checked = await checkAnchorOnChain(c.chain, onChain, root);
      return {
        label: o.label,
        outcome: checked.outcome,
        checks: checked.checks,
        confirmations: checked.confirmations,
      };
    }),
  );
  const answers: AnchorOutcome["endpoints"] = [];
  let confirmations: number | null = null;
  for (const a of asked) {
    if (a === null) continue;
    const { confirmations: seen, ...answer } = a;
    if (seen !== null) confirmations = Math.min(confirmations ?? Infinity, seen);
    answers.push(answer);
  }
  const outcome = { ...base, confirmations, endpoints: answers };
  const firstFailed = (label: string) => {
    const a = answers.find((x) => x.label === label)!;
    const check = a.checks.find((c) => !c.ok);
    return check ? `${check.name}: ${check.detail}` : a.outcome;
  };
  const contradicting = answers.filter((a) => a.outcome === "mismatch");
  const confirming = answers.filter((a) => a.outcome === "verified");
  if (contradicting.length > 0) {
    const why = `${contradicting[0]!.label}: ${firstFailed(contradicting[0]!.label)}`;
    return {
      ...outcome,
      result: "failed",
      detail:
        confirming.length > 0
          ? `RPC endpoints disagree: ${confirming.map((a) => a.label).join(", ")} confirm it, ${why}`
          : why,
    };
  }
  const unreadable = answers.filter((a) => a.outcome !== "verified");
  if (answers.length === 0)
    return {
      ...outcome,
      result: "unchecked",
      detail: `could not check: no RPC endpoint serves chain ${anchor.chainId}`,
    };
  if (unreadable.length > 0) {
    const a = unreadable[0]!;
    return {
      ...outcome,
      result: "unchecked",
      detail: `could not check the anchor on ${a.label}: ${firstFailed(a.label)}`,
    };
  }
  return {
    ...outcome,
    result: "verified",
    detail: `block ${blockNumber}, ${confirmations ?? "?"} confirmation(s) on ${answers.length} endpoint(s)`,
  };
}

/**
 * Sends the reads checkAnchorOnChain makes one after the other (receipt, block, head, anchoredAt) all at
 * once, through the memoized chain, so that its awaits find them answered. The block is the one the anchor
 * names; when the receipt says another, checkAnchorOnChain reads that one itself (and fails the anchor).
 * Failures are left to checkAnchorOnChain, which reads the same promises and reports them.
 */
function prefetch(
  chain: AnchorChain,
  anchor: { contract: Hex; txHash: Hex; blockNumber: number },
  root: Hex,
) {
  const quiet = (p: Promise<unknown>) => p.catch(() => {});
  quiet(chain.getTransactionReceipt(anchor.txHash));
  quiet(chain.getBlock(anchor.blockNumber));
  quiet(chain.getBlockNumber());
  quiet(chain.anchoredAt(anchor.contract.toLowerCase() as Hex, root));
}
