import type { Logger } from "pino";
import { type Address, keyMetadataHash } from "#protocol";
import type {
  RegistryOperation,
  RegistryOutbox,
  RegistryOutboxSummary,
} from "../store/registryOutboxTypes.ts";
import { decideRegistryStep } from "./decideRegistryStep.ts";
import type { RegistryChain, RegistryInclusion } from "./registryChain.ts";

export type RegistrarOptions = {
  store: RegistryOutbox;
  /** The registry contract with the registrar key; undefined when no key is configured (operations wait). */
  chain: RegistryChain | undefined;
  logger: Logger;
  /** How often the outbox is looked at when idle or waiting, ms. */
  intervalMs?: number;
  /** First retry delay after an RPC error, ms; doubles per attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
};

/** What /status shows of the registrar. */
export type RegistrarStatus = {
  /** A registrar key and a registry contract are configured. */
  configured: boolean;
  chainId: number | null;
  contract: Address | null;
  /** The registrar account (its address only). */
  registrar: Address | null;
  /** Whether that account holds REGISTRAR_ROLE; null until asked. */
  authorised: boolean | null;
  /** Why open operations are not moving, or null. */
  waiting: string | null;
  outbox: RegistryOutboxSummary;
};

/**
 * Sends the registry outbox to SealtrailDeviceRegistry, one operation at a time in outbox order (so the
 * operations of one key, a rotation's two keys included, reach the chain in the order the store made them).
 *
 *   pending ──sign, record tx hash──▶ sent ──receipt ok──▶ done (tx hash, block, block time)
 *      ▲  └─chain has it already──────────────────────────▶ done
 *      │  └─contract would refuse─▶ failed (needs an operator; later operations go on)
 *      └──────────── dropped (node forgot the tx) ◀── sent
 *
 * Every step starts from what the chain holds (decideRegistryStep), so a restart anywhere resumes without
 * sending a change twice. An RPC error leaves the operation where it is and retries it with exponential
 * backoff. Without a registrar key, or without REGISTRAR_ROLE, operations stay pending and `status()` says
 * why: ingest never waits for the registry.
 */
export class Registrar {
  private readonly options: RegistrarOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private authorised: boolean | null = null;
  private waiting: string | null = null;

  constructor(options: RegistrarOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    if (options.chain === undefined)
      this.waiting = "no registrar key configured: key changes wait in the outbox";
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async status(): Promise<RegistrarStatus> {
    const chain = this.options.chain;
    return {
      configured: chain !== undefined,
      chainId: chain?.target.chainId ?? null,
      contract: chain?.target.contract ?? null,
      registrar: chain?.registrar ?? null,
      authorised: this.authorised,
      waiting: this.waiting,
      outbox: await this.options.store.registryOutboxSummary(),
    };
  }

  /**
   * Moves the outbox as far as it goes now: until it is empty, or an operation must wait (a receipt, a
   * backoff, a missing key or role). Concurrent calls share one pass. Tests call it directly.
   */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick().finally(() => this.schedule(this.options.intervalMs ?? 1000));
    }, delayMs);
  }

  private async pass(): Promise<void> {
    const { chain, store, logger } = this.options;
    if (chain !== undefined) {
      // Operations recorded against another deployment (configuration changed, or the demo redeployed on
      // its new chain) are owed to this one: they go again, and decideRegistryStep skips whatever this
      // contract already holds. One indexed UPDATE that changes nothing in the usual case.
      const again = await store.retargetRegistryOutbox(chain.target);
      if (again > 0)
        logger.info(
          { operations: again, target: chain.target },
          "registry contract changed: operations queued again",
        );
    }
    // Bounded, so one pass never holds close() for long however long the outbox is.
    for (let i = 0; i < 100; i++) {
      if ((await this.step()) !== "progress") return;
    }
  }

  private async step(): Promise<"progress" | "wait" | "idle"> {
    const { store, chain, logger } = this.options;
    const op = await store.nextRegistryOperation();
    if (op === undefined) {
      this.waiting = chain === undefined ? this.waiting : null;
      return "idle";
    }
    if (chain === undefined) return "wait";
    const now = this.now();
    if (op.nextAttemptAt > now) return "wait";
    try {
      if (this.authorised !== true) {
        this.authorised = await chain.isRegistrar();
        if (!this.authorised) {
          this.waiting = `the registrar account ${chain.registrar} lacks REGISTRAR_ROLE on ${chain.target.contract}`;
          return "wait";
        }
      }
      const outcome = await this.advance(op, chain);
      this.waiting = null;
      return outcome;
    } catch (error) {
      // RPC down, timeout, a nonce taken by another sender: transient. The operation keeps its place (later
      // ones must not overtake it) and is tried again after a growing delay.
      const attempts = op.attempts + 1;
      const reason = errorReason(error);
      const delay = Math.min(
        (this.options.backoffMs ?? 1000) * 2 ** Math.min(attempts - 1, 20),
        this.options.maxBackoffMs ?? 60_000,
      );
      await store.updateRegistryOperation(op.id, {
        attempts,
        nextAttemptAt: now + delay,
        lastError: reason,
        updatedAt: now,
      });
      this.waiting = `registry RPC error, retrying in ${delay} ms: ${reason}`;
      logger.warn(
        { operation: op.id, attempts, delayMs: delay, err: reason },
        "registry operation will be retried",
      );
      return "wait";
    }
  }

  private async advance(op: RegistryOperation, chain: RegistryChain): Promise<"progress" | "wait"> {
    const { store, logger } = this.options;
    if (op.state === "sent" && op.txHash !== null) {
      const receipt = await chain.receipt(op.txHash);
      if (receipt?.success) return this.done(op, receipt);
      if (receipt !== null) return this.fail(op, `transaction ${op.txHash} reverted`);
      if (await chain.knowsTransaction(op.txHash)) return "wait";
      // Dropped by the node (or never reached it): the chain's state decides, below.
    }
    const metadataHash =
      op.publicKey === null || op.operation === "revoke" ? null : keyMetadataHash(op.keyKind, op.publicKey);
    const key = await chain.readKey(op.address);
    const newKey = op.newAddress === null ? null : await chain.readKey(op.newAddress);
    const step = decideRegistryStep(op, key, newKey, metadataHash);
    if (step.action === "refused") return this.fail(op, step.reason);
    if (step.action === "applied") {
      const inclusion = await chain.findInclusion(op);
      return this.done(op, inclusion ?? { txHash: null, blockNumber: null, blockTimestamp: null });
    }
    const txHash = await chain.send(op, metadataHash, async (hash) => {
      await store.updateRegistryOperation(op.id, {
        state: "sent",
        txHash: hash,
        chainId: chain.target.chainId,
        contract: chain.target.contract,
        attempts: op.attempts + 1,
        updatedAt: this.now(),
      });
    });
    logger.info(
      { operation: op.id, kind: op.keyKind, op: op.operation, key: op.address, txHash },
      "registry transaction sent",
    );
    return "progress";
  }

  private async done(
    op: RegistryOperation,
    at: RegistryInclusion | { txHash: null; blockNumber: null; blockTimestamp: null },
  ): Promise<"progress"> {
    const chain = this.options.chain!;
    await this.options.store.updateRegistryOperation(op.id, {
      state: "done",
      txHash: at.txHash,
      blockNumber: at.blockNumber,
      blockTimestamp: at.blockTimestamp,
      chainId: chain.target.chainId,
      contract: chain.target.contract,
      lastError: null,
      updatedAt: this.now(),
    });
    this.options.logger.info(
      { operation: op.id, kind: op.keyKind, op: op.operation, key: op.address, block: at.blockNumber },
      "registry operation on chain",
    );
    return "progress";
  }

  private async fail(op: RegistryOperation, reason: string): Promise<"progress"> {
    await this.options.store.updateRegistryOperation(op.id, {
      state: "failed",
      lastError: reason,
      updatedAt: this.now(),
    });
    this.options.logger.error(
      { operation: op.id, kind: op.keyKind, op: op.operation, key: op.address, reason },
      "registry operation refused by the contract: the chain and the store disagree about this key",
    );
    return "progress";
  }
}

/** A readable reason: ethers errors carry `shortMessage`; never the request (it may hold a signed tx). */
function errorReason(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const e = error as { shortMessage?: unknown; message?: unknown; code?: unknown };
    if (typeof e.shortMessage === "string") return e.code ? `${e.code}: ${e.shortMessage}` : e.shortMessage;
    if (typeof e.message === "string") return e.message.split("\n")[0]!;
  }
  return String(error);
}
