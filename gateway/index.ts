// Public API of gateway/.

export { Anchorer, type AnchorerOptions, type AnchorFaults } from "./anchoring/anchorer.ts";
export { anchoringOptions, gweiToWei } from "./anchoring/anchoringOptions.ts";
export type {
  AnchorChain,
  AnchorEvent,
  AnchorReceipt,
  Fees,
  PrepareAnchorOptions,
  PreparedAnchorTx,
} from "./anchoring/chain.ts";
export { ANCHOR_ABI, EthersAnchorChain } from "./anchoring/ethersAnchorChain.ts";
export { bumpedFees, type FeePolicy, initialFees } from "./anchoring/feePolicy.ts";
export { genesisMetaKey } from "./anchoring/genesisMetaKey.ts";
export { Batcher, type BatcherOptions } from "./batching/batcher.ts";
export { MerkleRootBuilder } from "./batching/merkleRootBuilder.ts";
export { type SealOptions, sealPendingBatch } from "./batching/sealPendingBatch.ts";
export {
  GuardedConnection,
  type GuardFramesOptions,
  guardFrames,
  MqttFrameScanner,
  TokenBuckets,
} from "./broker/index.ts";
export {
  type GatewayConfig,
  gatewayConfigFromEnv,
  gatewayConfigSchema,
  parseGatewayConfig,
  redactGatewayConfig,
} from "./config.ts";
export { type AnchoringOptions, DEFAULT_ANCHORING, Gateway, type GatewayOptions } from "./createGateway.ts";
export { GatewayRefusalCode, REFUSAL_CODES, Refusal, type RefusalCode } from "./errors.ts";
export { ExternalConsumer, type ExternalConsumerOptions } from "./external/index.ts";
export {
  checkReading,
  encodeRefusalNotice,
  type IngestDeps,
  type IngestResult,
  ingestReading,
  inlineReadingVerifier,
  type ReadingVerifier,
  readingLimits,
  refusalBody,
  type VerifiedReading,
} from "./ingest/index.ts";
export { GatewayMetrics, type IngestDepth, type VerifyPoolStats } from "./metrics.ts";
export { metricsHandler } from "./metricsHandler.ts";
export {
  type ChainChange,
  decideRegistryStep,
  EthersRegistryChain,
  type KeyChainState,
  keyChainState,
  REGISTRY_ABI,
  Registrar,
  type RegistrarOptions,
  type RegistrarStatus,
  type RegistryChain,
  type RegistryChainConfig,
  type RegistryInclusion,
  type RegistryReceipt,
  type RegistryStep,
  registryChainFromConfig,
} from "./registrar/index.ts";
export { DeviceRegistry, type RevokeOutcome } from "./registry/deviceRegistry.ts";
export {
  declareReadingsTopology,
  RabbitAuthService,
  type RabbitAuthServiceOptions,
  RabbitConsumer,
  type RabbitConsumerOptions,
  READINGS_EXCHANGE,
  readingsQueue,
  ScaleoutError,
  ScaleoutErrorCode,
} from "./scaleout/index.ts";
export type {
  AddKeyOutcome,
  CaptureJobRecord,
  CaptureJobState,
  CreateOrganisationOutcome,
  CredentialRecord,
  DeviceReadingColumns,
  DeviceReadingWindow,
  EpcRole,
  EventQuery,
  EventRecord,
  EventStore,
  EventViewer,
  EventVisibility,
  InsertEventOutcome,
  LocationMatch,
  OrganisationKeyRecord,
  OrganisationRecord,
  ProvenanceEventRecord,
  ReadingColumns,
  RevokeKeyOutcome,
  RotateKeyOutcome,
  SensorReportMatch,
  StoredEvent,
  TemperatureProfileRecord,
  TimeRange,
  WindowReading,
} from "./store/eventTypes.ts";
export { messageOrderOf } from "./store/messageOrderOf.ts";
export { openStore, type StoreSettings } from "./store/openStore.ts";
export type {
  RegistryOperation,
  RegistryOperationKind,
  RegistryOperationState,
  RegistryOperationUpdate,
  RegistryOutbox,
  RegistryOutboxSummary,
} from "./store/registryOutboxTypes.ts";
export {
  type BackupResult,
  backupStore,
  checkStoreFile,
  isStoreBackupError,
  type RestoreOptions,
  type RestoreResult,
  restoreStore,
  StoreBackupError,
  StoreBackupErrorCode,
  type StoreFileSummary,
} from "./store/sqlite/backup/index.ts";
export { SqliteStore, type SqliteStoreOptions } from "./store/sqlite/SqliteStore.ts";
export { StoreErrorCode } from "./store/storeErrors.ts";
export type {
  AnchorRecord,
  AnchorTarget,
  AnchorUpdate,
  AssignGiaiOutcome,
  BatchRecord,
  DeviceRecord,
  InsertOutcome,
  ListedMessage,
  MessageKey,
  MessageOrder,
  MessageQuery,
  MessageRecord,
  RotateOutcome,
  Store,
  StoredMessage,
} from "./store/types.ts";
export { VerifyPool, type VerifyPoolOptions } from "./verifyPool/index.ts";
