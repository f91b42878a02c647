// Public API of gateway/.

export { Anchorer, type AnchorerOptions, type AnchorFaults } from "./anchoring/anchorer.ts";
export type { AnchorChain, AnchorEvent, AnchorReceipt, Fees, PreparedAnchorTx } from "./anchoring/chain.ts";
export { ANCHOR_ABI, EthersAnchorChain } from "./anchoring/ethersAnchorChain.ts";
export { bumpedFees, type FeePolicy, initialFees } from "./anchoring/feePolicy.ts";
export { Batcher, type BatcherOptions } from "./batching/batcher.ts";
export { MerkleRootBuilder } from "./batching/merkleRootBuilder.ts";
export { type SealOptions, sealPendingBatch } from "./batching/sealPendingBatch.ts";
export {
  type GatewayConfig,
  gatewayConfigFromEnv,
  gatewayConfigSchema,
  parseGatewayConfig,
} from "./config.ts";
export { type AnchoringOptions, DEFAULT_ANCHORING, Gateway, type GatewayOptions } from "./createGateway.ts";
export { GatewayRefusalCode, REFUSAL_CODES, Refusal, type RefusalCode } from "./errors.ts";
export {
  type AsyncSignatureVerifier,
  type IngestDeps,
  type IngestResult,
  ingestReading,
  inlineVerifier,
} from "./ingest/ingestReading.ts";
export { GatewayMetrics } from "./metrics.ts";
export { DeviceRegistry } from "./registry/deviceRegistry.ts";
export { SqliteStore, type SqliteStoreOptions } from "./store/sqlite/SqliteStore.ts";
export type {
  AnchorRecord,
  AnchorTarget,
  AnchorUpdate,
  BatchRecord,
  DeviceRecord,
  InsertOutcome,
  MessageRecord,
  Store,
  StoredMessage,
} from "./store/types.ts";
