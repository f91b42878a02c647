import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Address, Hex } from "#protocol";
import type { GatewayMetrics } from "../metrics.ts";
import type { AnchorRecord, AnchorTarget, BatchRecord, Store } from "../store/types.ts";
import type { AnchorChain, AnchorEvent, Fees } from "./chain.ts";
import { bumpedFees, type FeePolicy, initialFees } from "./feePolicy.ts";
import { gasLimitOfRawTx } from "./gasLimitOfRawTx.ts";
import { genesisMetaKey } from "./genesisMetaKey.ts";

/** Points where tests inject a crash (e.g. `process.kill(process.pid, "SIGKILL")`). */
export type AnchorFaults = {
  /** After the transaction is signed, before it is recorded. */
  afterSign?: () => void;
  /** After the submitted state is written, before the broadcast. */
  afterRecord?: () => void;
  /** After the broadcast, before the receipt is seen. */
  afterBroadcast?: () => void;
};

export type AnchorerOptions = {
  store: Store;
  chain: AnchorChain;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Blocks (inclusion block counted) after which an anchor is final. */
  finalityDepth: number;
  fees: FeePolicy;
  /** A submitted transaction not mined after this long gets a fee bump, ms. */
  stuckAfterMs: number;
  /** Roots per transaction. */
  maxRootsPerTx?: number;
  intervalMs?: number;
  /**
   * When the chain's genesis changes (a local chain restarted): "halt" alerts and stops anchoring on the
   * target (production: never a silent redeploy); a `redeploy` function deploys the contract again and
   * every root is re-anchored there (demo). It is given the target and may answer "halt" for one it cannot
   * redeploy (the demo redeploys its own local chain only, not a configured remote target).
   */
  onGenesisChange: "halt" | { redeploy: (target: AnchorTarget) => Promise<Address | "halt"> };
  faults?: AnchorFaults;
  now?: () => number;
  /** This anchorer's name in the store's anchoring lease; `hostname:pid` by default. */
  holder?: string;
  /**
   * How long the lease lasts without renewal, ms: a dead gateway's target is taken over after this. It must
   * exceed the longest time from a renewal to the signed transaction's record (one local store write).
   */
  leaseMs?: number;
};

/**
 * Anchors every sealed batch root on one target (chain + contract) exactly once, through a state machine
 * kept in the store, one record per (batch, target):
 *
 *   (none) or sealed ──sign, record──▶ submitted ──receipt──▶ included ──depth──▶ final
 *                          ▲   │ stuck: same nonce, bumped fee     │ reorg: receipt gone
 *                          │   └──────────────▶ submitted ◀────────┘
 *                          └── dropped or reverted, root not on chain
 *
 * Each state is written before the side effect that follows it (the signed transaction is stored before
 * it is broadcast), and the chain is asked whether a root is already anchored before anything is sent,
 * so a crash or an RPC outage at any point only delays anchoring.
 */
export class Anchorer {
  private readonly o: AnchorerOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private halted = false;
  private reconciled = false;
  private readonly capAlerted = new Set<string>();
  private readonly holder: string;
  private holding = false;

  constructor(options: AnchorerOptions) {
    this.o = options;
    // Unique per process on a host; stable across restarts in a container (pid 1, hostname the container's),
    // which then resumes at once instead of waiting for its own lease to expire.
    this.holder = options.holder ?? `${hostname()}:${process.pid}`;
  }

  get target(): AnchorTarget {
    return this.o.chain.target;
  }

  /** True after a genesis change in "halt" mode: an operator must act. */
  get isHalted(): boolean {
    return this.halted;
  }

  start(): void {
    this.o.metrics.anchorsAtFeeCap.set({ chain_id: String(this.target.chainId) }, 0);
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 1000);
  }

  /** One pass over the state machine. Concurrent calls share one run; failures are retried next pass. */
  tick(): Promise<void> {
    this.running ??= this.pass()
      .catch((err) => {
        this.o.metrics.anchorErrors.inc({ chain_id: String(this.target.chainId) });
        this.o.logger.warn(
          { chainId: this.target.chainId, err: String(err?.shortMessage ?? err?.message ?? err) },
          "anchoring pass failed; will retry",
        );
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /**
   * Takes or renews this target's lease in the store: gateways sharing a store (scale-out) anchor a target
   * one at a time, so no fee is paid twice for the same roots. Called at the start of each pass and again
   * right before a signed transaction is recorded: a holder that lost the lease (paused past it) then
   * records nothing, and so broadcasts nothing, since only a recorded transaction is ever broadcast.
   */
  private async claim(): Promise<boolean> {
    const held = await this.o.store.claimAnchoring(
      this.target,
      this.holder,
      this.now(),
      this.o.leaseMs ?? 60_000,
    );
    if (held !== this.holding)
      this.o.logger.info(
        { chainId: this.target.chainId, holder: this.holder },
        held
          ? "anchoring lease taken: this gateway anchors the target"
          : "anchoring lease held by another gateway",
      );
    // A new holder re-checks what the previous one left submitted (its node may not know those transactions).
    if (!held) this.reconciled = false;
    this.holding = held;
    return held;
  }

  private async pass(): Promise<void> {
    if (this.halted) return;
    if (!(await this.claim())) return;
    await this.checkGenesis();
    if (this.halted) return;
    if (!this.reconciled) {
      await this.resendUnknown();
      this.reconciled = true;
    }
    await this.advanceSubmitted();
    await this.advanceIncluded();
    await this.sendDue();
    await this.updateGauges();
  }

  private metaKey(target = this.target): string {
    return genesisMetaKey(target);
  }

  /** Detects a chain restarted from a new genesis (local chains) and follows the configured policy. */
  private async checkGenesis(): Promise<void> {
    const { store, chain, logger } = this.o;
    const genesis = await chain.genesisHash();
    const known = await store.getMeta(this.metaKey());
    if (known === genesis) return;
    if (known !== undefined) {
      const old = this.target;
      const redeployed =
        this.o.onGenesisChange === "halt" ? "halt" : await this.o.onGenesisChange.redeploy(old);
      if (redeployed === "halt") {
        this.halted = true;
        this.o.metrics.anchorErrors.inc({ chain_id: String(old.chainId) });
        logger.error(
          { alert: "CHAIN_GENESIS_CHANGED", chainId: old.chainId, contract: old.contract, known, genesis },
          "ALERT chain genesis changed: anchoring on this target halted until an operator acts (see docs/operations.md)",
        );
        return;
      }
      const contract = redeployed;
      chain.setContract(contract);
      const forgotten = await store.resetAnchors(old);
      logger.warn(
        { chainId: old.chainId, contract, forgotten },
        "local chain was reset: contract redeployed, re-anchoring every root",
      );
    }
    await store.setMeta(this.metaKey(), genesis);
  }

  /** After a restart, the node may not know our signed transactions (it restarted or dropped them). */
  private async resendUnknown(): Promise<void> {
    const sent = new Set<string>();
    for (const a of await this.o.store.listAnchors(this.target, ["submitted"])) {
      if (!a.rawTx || !a.txHash || sent.has(a.txHash)) continue;
      sent.add(a.txHash);
      if (!(await this.o.chain.knowsTransaction(a.txHash))) await this.o.chain.broadcast(a.rawTx);
    }
  }

  private async advanceSubmitted(): Promise<void> {
    const { store, chain, logger } = this.o;
    const byTx = groupByTx(await store.listAnchors(this.target, ["submitted"]));
    let atFeeCap = 0;
    for (const [txHash, anchors] of byTx) {
      const first = anchors[0]!;
      const receipt = await chain.receipt(txHash);
      if (receipt?.success) {
        for (const a of anchors) {
          await store.putAnchor(this.target, a.batchId, {
            status: "included",
            blockNumber: receipt.blockNumber,
            blockTimestamp: receipt.blockTimestamp,
            gasUsed: receipt.gasUsed,
            feeWei: receipt.feeWei,
          });
        }
        continue;
      }
      const consumed = first.nonce !== null && first.nonce < (await chain.minedNonce());
      if (receipt || consumed) {
        // Reverted, or its nonce was used by another transaction (an earlier fee level of ours, or a drop):
        // each root is either on chain already (record where) or due again.
        for (const a of anchors) {
          const event = await chain.findAnchorEvent(a.root);
          if (event) await this.recordIncluded(a.batchId, event);
          else {
            logger.warn(
              { batchId: a.batchId, txHash },
              "anchor transaction reverted or dropped; root due again",
            );
            await store.putAnchor(this.target, a.batchId, {
              status: "sealed",
              txHash: null,
              nonce: null,
              rawTx: null,
            });
          }
        }
        continue;
      }
      if (first.submittedAt !== null && this.now() - first.submittedAt >= this.o.stuckAfterMs) {
        if ((await this.replaceStuck(txHash, anchors)) === "at fee cap") atFeeCap++;
      } else if (first.rawTx && !(await chain.knowsTransaction(txHash))) await chain.broadcast(first.rawTx);
    }
    // A gauge, not only the alert's one log line: it stays up for as long as a transaction waits at the cap.
    this.o.metrics.anchorsAtFeeCap.set({ chain_id: String(this.target.chainId) }, atFeeCap);
  }

  /** Re-signs a stuck transaction with the same nonce and a bumped fee, up to the cap; then alerts. */
  private async replaceStuck(
    txHash: Hex,
    anchors: AnchorRecord[],
  ): Promise<"replaced" | "at fee cap" | "lease lost"> {
    const { store, chain, logger, metrics } = this.o;
    const first = anchors[0]!;
    const previous: Fees = {
      maxFeePerGas: BigInt(first.maxFeePerGas ?? "0"),
      maxPriorityFeePerGas: BigInt(first.maxPriorityFeePerGas ?? "0"),
    };
    const fees = bumpedFees(previous, await chain.suggestedFees(), this.o.fees);
    if (!fees) {
      if (!this.capAlerted.has(txHash)) {
        this.capAlerted.add(txHash);
        metrics.anchorErrors.inc({ chain_id: String(this.target.chainId) });
        logger.error(
          {
            alert: "ANCHOR_FEE_CAP_REACHED",
            chainId: this.target.chainId,
            txHash,
            maxFeePerGas: first.maxFeePerGas,
          },
          "ALERT anchor transaction stuck at the fee cap; not paying more (see docs/operations.md)",
        );
      }
      return "at fee cap";
    }
    // The same roots under the same nonce need the same gas: a replacement never signs less than the
    // transaction it replaces (the node's estimate may count that transaction as already mined).
    const tx = await chain.prepareAnchor(
      anchors.map((a) => a.root),
      first.nonce!,
      fees,
      first.rawTx ? { minGasLimit: gasLimitOfRawTx(first.rawTx) } : {},
    );
    if (!(await this.claim())) return "lease lost";
    for (const a of anchors) {
      await store.putAnchor(this.target, a.batchId, {
        status: "submitted",
        txHash: tx.txHash,
        rawTx: tx.rawTx,
        maxFeePerGas: tx.fees.maxFeePerGas.toString(),
        maxPriorityFeePerGas: tx.fees.maxPriorityFeePerGas.toString(),
        submittedAt: this.now(),
        attempts: a.attempts + 1,
      });
    }
    await chain.broadcast(tx.rawTx);
    logger.warn(
      {
        chainId: this.target.chainId,
        nonce: first.nonce,
        replaced: txHash,
        txHash: tx.txHash,
        maxFeePerGas: tx.fees.maxFeePerGas.toString(),
        gasLimit: tx.gasLimit.toString(),
      },
      "stuck anchor transaction replaced with a higher fee",
    );
    return "replaced";
  }

  private async advanceIncluded(): Promise<void> {
    const { store, chain, logger } = this.o;
    const included = await store.listAnchors(this.target, ["included"]);
    if (included.length === 0) return;
    const head = await chain.blockNumber();
    for (const [txHash, anchors] of groupByTx(included)) {
      const receipt = await chain.receipt(txHash);
      const blockNumber = anchors[0]!.blockNumber;
      if (!receipt?.success || receipt.blockNumber !== blockNumber) {
        // A reorg took the block: back to submitted; the next pass re-sends or re-records it.
        logger.warn(
          { chainId: this.target.chainId, txHash, blockNumber },
          "anchor left the canonical chain (reorg); status back to submitted",
        );
        for (const a of anchors) {
          await store.putAnchor(this.target, a.batchId, {
            status: "submitted",
            blockNumber: null,
            blockTimestamp: null,
            submittedAt: this.now(),
          });
        }
        continue;
      }
      if (blockNumber !== null && head - blockNumber + 1 >= this.o.finalityDepth) {
        for (const a of anchors) await store.putAnchor(this.target, a.batchId, { status: "final" });
      }
    }
  }

  private async recordIncluded(batchId: number, event: AnchorEvent): Promise<void> {
    await this.o.store.putAnchor(this.target, batchId, {
      status: "included",
      txHash: event.txHash,
      blockNumber: event.blockNumber,
      blockTimestamp: event.blockTimestamp,
    });
  }

  private async sendDue(): Promise<void> {
    const { store, chain, logger, faults } = this.o;
    const max = this.o.maxRootsPerTx ?? 64;
    const retried = (await store.listAnchors(this.target, ["sealed"])).map((a) => ({
      id: a.batchId,
      root: a.root,
      attempts: a.attempts,
    }));
    const fresh = (await store.batchesToAnchor(this.target, max)).map((b: BatchRecord) => ({
      id: b.id,
      root: b.root,
      attempts: 0,
    }));
    const due = [...retried, ...fresh].slice(0, max);
    if (due.length === 0) return;
    // A crash after broadcasting but before recording leaves roots anchored: record them, never resend.
    const toSend: typeof due = [];
    for (const b of due) {
      const event = (await chain.anchoredAt(b.root)) > 0 ? await chain.findAnchorEvent(b.root) : null;
      if (event) await this.recordIncluded(b.id, event);
      else toSend.push(b);
    }
    if (toSend.length === 0) return;
    const nonce = await chain.pendingNonce();
    const tx = await chain.prepareAnchor(
      toSend.map((b) => b.root),
      nonce,
      initialFees(await chain.suggestedFees(), this.o.fees),
    );
    faults?.afterSign?.();
    if (!(await this.claim())) return;
    for (const b of toSend) {
      await store.putAnchor(this.target, b.id, {
        status: "submitted",
        txHash: tx.txHash,
        nonce: tx.nonce,
        rawTx: tx.rawTx,
        maxFeePerGas: tx.fees.maxFeePerGas.toString(),
        maxPriorityFeePerGas: tx.fees.maxPriorityFeePerGas.toString(),
        submittedAt: this.now(),
        attempts: b.attempts + 1,
      });
    }
    faults?.afterRecord?.();
    await chain.broadcast(tx.rawTx);
    faults?.afterBroadcast?.();
    logger.info(
      {
        chainId: this.target.chainId,
        roots: toSend.length,
        txHash: tx.txHash,
        nonce,
        gasLimit: tx.gasLimit.toString(),
      },
      "anchor transaction sent",
    );
  }

  private async updateGauges(): Promise<void> {
    for (const status of ["sealed", "submitted", "included", "final"] as const) {
      const n = (await this.o.store.listAnchors(this.target, [status])).length;
      this.o.metrics.anchorsByStatus.set({ chain_id: String(this.target.chainId), status }, n);
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    // Gives the lease up so another gateway takes over at once rather than after it expires.
    if (!this.holding) return;
    this.holding = false;
    // Best effort: a lease not given up (the store already closed) only expires later.
    await this.o.store
      .claimAnchoring(this.target, this.holder, this.now(), 0)
      .catch((err) => this.o.logger.debug({ err: String(err) }, "anchoring lease not given up; it expires"));
  }
}

function groupByTx(anchors: AnchorRecord[]): Map<Hex, AnchorRecord[]> {
  const out = new Map<Hex, AnchorRecord[]>();
  for (const a of anchors) {
    if (!a.txHash) continue;
    const list = out.get(a.txHash) ?? [];
    list.push(a);
    out.set(a.txHash, list);
  }
  return out;
}
