import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Messages in each ingest stage, kept as plain numbers on the hot path and read by the gauges only when
 * Prometheus scrapes.
 */
export type IngestDepth = {
  /** Between PUBLISH received and PUBACK released (or refusal). */
  inFlight: number;
  /** Waiting for, or in, signature verification. */
  verifying: number;
  /** Waiting for their group commit. */
  committing: number;
};

/** What the verify pool reports to the metrics. */
export type VerifyPoolStats = {
  size: number;
  /** Signatures queued on the main thread or sent to a worker and not yet answered. */
  pending: number;
  /** Cumulative seconds the workers spent verifying. */
  busySeconds: number;
  /** Readings sent to the workers, and in how many messages (their ratio is the batching achieved). */
  readings: number;
  batches: number;
  /** Readings checked on the main thread instead (AdaptiveVerifier), when it decides. */
  inline?: number;
};

/** Prometheus metrics of one gateway (its own registry, so several gateways can live in one process). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly depth: IngestDepth = { inFlight: 0, verifying: 0, committing: 0 };
  /** Set by the verify pool when there is one. */
  verifyPoolStats: (() => VerifyPoolStats) | undefined;
  private lastUtilisation = { at: performance.now(), busySeconds: 0 };
  readonly accepted = new Counter({
    name: "sealtrail_readings_accepted_total",
    help: "Readings stored and acknowledged",
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: "sealtrail_readings_duplicate_total",
    help: "Identical readings acknowledged again without storing",
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: "sealtrail_refused_total",
    help: "Refused inputs by reason code",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: "sealtrail_connect_refused_total",
    help: "Refused MQTT CONNECTs by reason code",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly equivocations = new Counter({
    name: "sealtrail_equivocations_total",
    help: "Devices caught equivocating",
    registers: [this.registry],
  });
  readonly pubackLatency = new Histogram({
    name: "sealtrail_puback_latency_seconds",
    help: "From PUBLISH received to PUBACK released (durable)",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly ingestQueueDepth: Gauge<"stage"> = new Gauge({
    name: "sealtrail_ingest_queue_depth",
    help: "Readings in each ingest stage: in_flight (received, not yet acknowledged), verifying, committing",
    labelNames: ["stage"] as const,
    registers: [this.registry],
    collect: () => {
      this.ingestQueueDepth.set({ stage: "in_flight" }, this.depth.inFlight);
      this.ingestQueueDepth.set({ stage: "verifying" }, this.depth.verifying);
      this.ingestQueueDepth.set({ stage: "committing" }, this.depth.committing);
    },
  });
  readonly verifyPoolSize: Gauge = new Gauge({
    name: "sealtrail_verify_pool_size",
    help: "Signature verification worker threads (0: verified on the main thread)",
    registers: [this.registry],
    collect: () => this.verifyPoolSize.set(this.verifyPoolStats?.().size ?? 0),
  });
  readonly verifyPoolPending: Gauge = new Gauge({
    name: "sealtrail_verify_pool_pending",
    help: "Signatures waiting for or being verified by the pool",
    registers: [this.registry],
    collect: () => this.verifyPoolPending.set(this.verifyPoolStats?.().pending ?? 0),
  });
  readonly verifyPoolBusy: Counter = new Counter({
    name: "sealtrail_verify_pool_busy_seconds_total",
    help: "Seconds the verify workers spent verifying (rate / pool size = utilisation)",
    registers: [this.registry],
    collect: () => {
      const busy = this.verifyPoolStats?.().busySeconds ?? 0;
      this.verifyPoolBusy.reset();
      this.verifyPoolBusy.inc(busy);
    },
  });
  readonly verifyPoolReadings: Counter = new Counter({
    name: "sealtrail_verify_pool_readings_total",
    help: "Readings checked by the verify workers",
    registers: [this.registry],
    collect: () => {
      this.verifyPoolReadings.reset();
      this.verifyPoolReadings.inc(this.verifyPoolStats?.().readings ?? 0);
    },
  });
  readonly verifyInlineReadings: Counter = new Counter({
    name: "sealtrail_verify_inline_readings_total",
    help: "Readings checked on the main thread because its event loop had room (gateway.verifyInlineMaxLoad)",
    registers: [this.registry],
    collect: () => {
      this.verifyInlineReadings.reset();
      this.verifyInlineReadings.inc(this.verifyPoolStats?.().inline ?? 0);
    },
  });
  readonly verifyPoolBatches: Counter = new Counter({
    name: "sealtrail_verify_pool_batches_total",
    help: "Messages to the verify workers (readings / batches = readings per message)",
    registers: [this.registry],
    collect: () => {
      this.verifyPoolBatches.reset();
      this.verifyPoolBatches.inc(this.verifyPoolStats?.().batches ?? 0);
    },
  });
  readonly verifyPoolUtilisation: Gauge = new Gauge({
    name: "sealtrail_verify_pool_utilisation",
    help: "Share of the verify workers' time spent verifying since the previous scrape, 0..1",
    registers: [this.registry],
    collect: () => {
      const stats = this.verifyPoolStats?.();
      const now = performance.now();
      const busy = stats?.busySeconds ?? 0;
      const elapsed = (now - this.lastUtilisation.at) / 1000;
      const size = stats?.size ?? 0;
      const share =
        size > 0 && elapsed > 0 ? (busy - this.lastUtilisation.busySeconds) / (elapsed * size) : 0;
      this.lastUtilisation = { at: now, busySeconds: busy };
      this.verifyPoolUtilisation.set(Math.min(1, Math.max(0, share)));
    },
  });
  /** 1, labelled with the verifier and the libsecp256k1 it runs on: a fallback to the slower copy shows. */
  readonly verifierInfo: Gauge<"verifier" | "libsecp256k1"> = new Gauge({
    name: "sealtrail_verifier_info",
    help: "Signature verifier in use (value 1): native or noble, and which libsecp256k1 native runs on",
    labelNames: ["verifier", "libsecp256k1"],
    registers: [this.registry],
  });
  readonly wills = new Counter({
    name: "sealtrail_wills_dropped_total",
    help: "Will messages removed from device CONNECTs (devices have no Will)",
    registers: [this.registry],
  });
  readonly connectedDevices = new Gauge({
    name: "sealtrail_connected_devices",
    help: "Authenticated MQTT sessions",
    registers: [this.registry],
  });
  readonly batchesSealed = new Counter({
    name: "sealtrail_batches_sealed_total",
    help: "Merkle batches sealed",
    registers: [this.registry],
  });
  readonly unbatched = new Gauge({
    name: "sealtrail_unbatched_messages",
    help: "Stored messages waiting for a batch",
    registers: [this.registry],
  });
  readonly anchorsByStatus = new Gauge({
    name: "sealtrail_anchors",
    help: "Anchor records by chain and status",
    labelNames: ["chain_id", "status"] as const,
    registers: [this.registry],
  });
  readonly anchorErrors = new Counter({
    name: "sealtrail_anchor_errors_total",
    help: "Failed anchoring attempts (RPC errors, reverts)",
    labelNames: ["chain_id"] as const,
    registers: [this.registry],
  });
  /** Set on every anchoring pass; 0 from the anchorer's start, so an alert sees 0 rather than nothing. */
  readonly anchorsAtFeeCap = new Gauge({
    name: "sealtrail_anchor_transactions_at_fee_cap",
    help: "Anchor transactions stuck that a replacement would have to pay more than the fee cap for (ANCHOR_FEE_CAP_REACHED)",
    labelNames: ["chain_id"] as const,
    registers: [this.registry],
  });
  readonly storeWriteErrors = new Counter({
    name: "sealtrail_store_write_errors_total",
    help: "Readings whose durable write failed: not acknowledged, so the device (or the broker) sends them again",
    registers: [this.registry],
  });
}
