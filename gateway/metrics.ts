import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one gateway (its own registry, so several gateways can live in one process). */
export class GatewayMetrics {
  readonly registry = new Registry();
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
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
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
}
