import type { Logger } from "pino";
import type { Hex } from "#protocol";
import type { GatewayMetrics } from "../metrics.ts";
import type { AnchorRecord, BatchRecord, Store } from "../store/types.ts";
import type { AnchorChain } from "./chain.ts";

export type AnchorerOptions = {
  store: Store;
  chain: AnchorChain;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Blocks (inclusion block counted) after which an anchor is final. */
  finalityDepth: number;
  /** Roots per transaction. */
  maxRootsPerTx?: number;
  intervalMs?: number;
  /**
   * What to do when the chain's genesis changed (a local chain restarted): "reanchor" forgets every
   * anchor on this target and anchors all roots again (demo); "halt" alerts and stops anchoring there.
   */
  onGenesisChange: "reanchor" | "halt";
};

/**
 * Anchors every sealed batch root on one target (chain + contract) exactly once, through a state machine
 * kept in the store: (no record) → submitted → included → final. The record is written before the
 * side effect it announces (the signed transaction is stored before it is broadcast), and the chain is
 * asked first whether a root is already anchored, so a crash at any point only delays anchoring.
 */
export class Anchorer {
  private readonly o: AnchorerOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private reconciled = false;
  private halted = false;

  constructor(options: AnchorerOptions) {
    this.o = options;
  }

  get target() {
    return this.o.chain.target;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 1000);
  }

  /** One pass: reconcile once, then advance submitted/included anchors and send the due roots. */
  tick(): Promise<void> {
    this.running ??= this.pass()
      .catch((err) => {
        this.o.metrics.anchorErrors.inc({ chain_id: String(this.target.chainId) });
        this.o.logger.warn(
          { chainId: this.target.chainId, err: String(err?.message ?? err) },
          "anchoring pass failed; will retry",
        );
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    if (this.halted) return;
    if (!this.reconciled) {
      await this.reconcileGenesis();
      if (this.halted) return;
      await this.rebroadcastSubmitted();
      this.reconciled = true;
    }
    await this.advanceSubmitted();
    await this.advanceIncluded();
    await this.sendDue();
    await this.updateGauges();
  }

  private metaKey(): string {
    return `genesis:${this.target.chainId}:${this.target.contract}`;
  }

  private async reconcileGenesis(): Promise<void> {
    const { store, chain, logger } = this.o;
    const genesis = await chain.genesisHash();
    const known = await store.getMeta(this.metaKey());
    if (known && known !== genesis) {
      if (this.o.onGenesisChange === "halt") {
        this.halted = true;
        this.o.metrics.anchorErrors.inc({ chain_id: String(this.target.chainId) });
        logger.error(
          { chainId: this.target.chainId, contract: this.target.contract, known, genesis },
          "ALERT chain genesis changed: anchoring on this target halted; an operator must decide",
        );
        return;
      }
      const forgotten = await store.resetAnchors(this.target);
      logger.warn(
        { chainId: this.target.chainId, forgotten },
        "chain genesis changed (local chain reset): re-anchoring every root",
      );
    }
    await store.setMeta(this.metaKey(), genesis);
  }

  private async rebroadcastSubmitted(): Promise<void> {
    const submitted = await this.o.store.listAnchors(this.target, ["submitted"]);
    const sent = new Set<string>();
    for (const a of submitted) {
      if (!a.rawTx || sent.has(a.rawTx)) continue;
      sent.add(a.rawTx);
      await this.o.chain
        .broadcast(a.rawTx)
        .catch((err) => this.o.logger.warn({ err: String(err) }, "rebroadcast failed"));
    }
  }

  private async advanceSubmitted(): Promise<void> {
    const { store, chain, logger } = this.o;
    const submitted = await store.listAnchors(this.target, ["submitted"]);
    for (const a of submitted) {
      const receipt = a.txHash ? await chain.receipt(a.txHash) : null;
      if (receipt?.success) {
        await store.putAnchor(this.target, a.batchId, {
          status: "included",
          blockNumber: receipt.blockNumber,
          blockTimestamp: receipt.blockTimestamp,
          gasUsed: receipt.gasUsed,
          feeWei: receipt.feeWei,
        });
        continue;
      }
      // Reverted, or never mined while its nonce was used by another transaction (dropped/replaced):
      // if the root is on chain anyway, record where; otherwise the root is due again.
      const gone = receipt !== null || (a.nonce !== null && a.nonce < (await chain.minedNonce()));
      if (!gone) continue;
      const event = await chain.findAnchorEvent(a.root);
      if (event) await this.recordEvent(a.batchId, event);
      else {
        logger.warn(
          { batchId: a.batchId, txHash: a.txHash },
          "anchor transaction failed or was dropped; root due again",
        );
        await store.putAnchor(this.target, a.batchId, {
          status: "sealed",
          txHash: null,
          nonce: null,
          rawTx: null,
        });
      }
    }
  }

  private async advanceIncluded(): Promise<void> {
    const { store, chain } = this.o;
    const included = await store.listAnchors(this.target, ["included"]);
    if (included.length === 0) return;
    const head = await chain.blockNumber();
    for (const a of included) {
      if (a.blockNumber === null || head - a.blockNumber + 1 < this.o.finalityDepth) continue;
      // Still there (no reorg dropped it)? Then final; otherwise back to submitted, whose check re-sends.
      const receipt = a.txHash ? await chain.receipt(a.txHash) : null;
      if (receipt?.success && receipt.blockNumber === a.blockNumber)
        await store.putAnchor(this.target, a.batchId, { status: "final" });
      else
        await store.putAnchor(this.target, a.batchId, {
          status: "submitted",
          blockNumber: null,
          blockTimestamp: null,
        });
    }
  }

  private async recordEvent(
    batchId: number,
    event: { txHash: Hex; blockNumber: number; blockTimestamp: number },
  ): Promise<void> {
    await this.o.store.putAnchor(this.target, batchId, {
      status: "included",
      txHash: event.txHash,
      blockNumber: event.blockNumber,
      blockTimestamp: event.blockTimestamp,
    });
  }

  private async sendDue(): Promise<void> {
    const { store, chain, logger } = this.o;
    const max = this.o.maxRootsPerTx ?? 64;
    const fresh = await store.batchesToAnchor(this.target, max);
    const retried = await store.listAnchors(this.target, ["sealed"]);
    const due: Pick<BatchRecord, "id" | "root">[] = [
      ...retried.map((a: AnchorRecord) => ({ id: a.batchId, root: a.root })),
      ...fresh,
    ].slice(0, max);
    if (due.length === 0) return;
    // A crash after broadcasting but before recording leaves roots anchored on chain: record, don't resend.
    const toSend: typeof due = [];
    for (const b of due) {
      if ((await chain.anchoredAt(b.root)) > 0) {
        const event = await chain.findAnchorEvent(b.root);
        if (event) {
          await this.recordEvent(b.id, event);
          continue;
        }
      }
      toSend.push(b);
    }
    if (toSend.length === 0) return;
    const nonce = await chain.pendingNonce();
    const tx = await chain.prepareAnchor(
      toSend.map((b) => b.root),
      nonce,
    );
    for (const b of toSend) {
      await store.putAnchor(this.target, b.id, {
        status: "submitted",
        txHash: tx.txHash,
        nonce: tx.nonce,
        rawTx: tx.rawTx,
      });
    }
    await chain.broadcast(tx.rawTx);
    logger.info(
      { chainId: this.target.chainId, roots: toSend.length, txHash: tx.txHash, nonce },
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
  }
}
