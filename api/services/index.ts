export { BatchTreeCache, DEFAULT_TREE_CACHE_SIZE } from "./batchTreeCache.ts";
export { buildBatchTree, DEFAULT_OFF_THREAD_FROM } from "./buildBatchTree.ts";
export { type BuildProofBundleContext, buildProofBundle } from "./buildProofBundle.ts";
export { type DeviceJson, deviceToJson } from "./deviceToJson.ts";
export { listReadingsPage, type ReadingJson } from "./listReadingsPage.ts";
export { nextPageLink } from "./nextPageLink.ts";
export { decodeReadingsCursor, encodeReadingsCursor, type ReadingFilters } from "./readingsCursor.ts";
export { resolveAnchors } from "./resolveAnchors.ts";
export { summarizeAnchorStatus } from "./summarizeAnchorStatus.ts";
