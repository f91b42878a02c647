// Test support (not part of the public API): a real API on port 0 over a real SQLite file in os.tmpdir().
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AnchorTarget, DeviceRegistry, GatewayMetrics, metricsHandler, SqliteStore } from "#gateway";
import {
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  keccak256,
  MessageMerkleTree,
  readingToJson,
  signReading,
} from "#protocol";
import { API_PREFIX } from "../createApp.ts";
import { loadOpenApiDocument } from "../openapi/loadOpenApiDocument.ts";
import { type RunningApi, startApi } from "../startApi.ts";
import type { ApiDeps, ApiLogger } from "../types.ts";
import { OpenApiResponseValidator } from "./openApiResponseValidator.ts";

/** EXAMPLE admin token for tests only. */
export const EXAMPLE_ADMIN_TOKEN = "EXAMPLE-admin-token-for-tests-only";
/** EXAMPLE anchor target (Hardhat's first deployment address). */
export const EXAMPLE_TARGET: AnchorTarget = {
  chainId: 31337,
  contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
};

/** An EXAMPLE device whose private key is derived from a public label: never use such keys for real. */
export function exampleDevice(label: string): DeviceIdentity {
  return deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key ${label}`)));
}

let validator: OpenApiResponseValidator | undefined;
/** The validator of api/openapi/openapi.json, compiled once per test file. */
export function openApiValidator(): OpenApiResponseValidator {
  validator ??= new OpenApiResponseValidator(loadOpenApiDocument());
  return validator;
}

/**
 * `fetch`, with every answer checked against the OpenAPI document before the test sees it: an answer the
 * document does not describe (status, content type, body, headers, or a route it does not list) throws
 * an OpenApiDriftError, failing the test that made the request. API tests make every request through it.
 * @example const res = await checkedFetch(`${t.base}/devices`)
 */
export async function checkedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  const method = (init.method ?? "GET").toUpperCase();
  const body = method === "HEAD" ? undefined : await res.clone().text();
  openApiValidator().check({ method, url, status: res.status, headers: res.headers, body });
  return res;
}

export type TestApi = {
  api: RunningApi;
  /** fetch(), checked against the OpenAPI document: see {@link checkedFetch}. */
  fetch: typeof checkedFetch;
  /** `${url}/api/v1` */
  base: string;
  store: SqliteStore;
  registry: DeviceRegistry;
  setReady(ready: boolean): void;
  logged: { level: string; obj: unknown; msg: string | undefined }[];
  close(): Promise<void>;
};

/** Starts the API over a fresh store file; `targets` are the configured anchor targets. */
export async function startTestApi(
  options: {
    targets?: AnchorTarget[];
    ready?: boolean;
    attester?: DeviceIdentity;
    gs1CompanyPrefixes?: string[];
    resolver?: ApiDeps["resolver"];
  } = {},
): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-api-"));
  const store = SqliteStore.open(join(dir, "store.db"));
  const registry = new DeviceRegistry(store);
  await registry.load();
  let ready = options.ready ?? true;
  const logged: TestApi["logged"] = [];
  const record =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      logged.push({ level, obj, msg });
    };
  const logger: ApiLogger = { info: record("info"), warn: record("warn"), error: record("error") };
  const targets = options.targets ?? [EXAMPLE_TARGET];
  const api = await startApi({
    store,
    registry,
    adminToken: EXAMPLE_ADMIN_TOKEN,
    anchorTargets: () => targets,
    isReady: () => ready,
    logger,
    metrics: metricsHandler(new GatewayMetrics()),
    ...(options.attester ? { attester: options.attester } : {}),
    ...(options.gs1CompanyPrefixes ? { gs1CompanyPrefixes: options.gs1CompanyPrefixes } : {}),
    ...(options.resolver ? { resolver: options.resolver } : {}),
    port: 0,
  });
  return {
    api,
    fetch: checkedFetch,
    base: `${api.url}${API_PREFIX}`,
    store,
    registry,
    logged,
    setReady(value) {
      ready = value;
    },
    async close() {
      await api.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers `device` and stores `count` signed readings from it (seq 1..count, hash-chained), as the
 * ingest path would. Returns the message ids in seq order.
 */
export async function storeReadings(
  { store, registry }: Pick<TestApi, "store" | "registry">,
  device: DeviceIdentity,
  count: number,
  firstTs = 1_700_000_000_000,
): Promise<Hex[]> {
  await registry.register(device.publicKey, "EXAMPLE device");
  const ids: Hex[] = [];
  let prev: Uint8Array = GENESIS_PREV;
  for (let seq = 1; seq <= count; seq++) {
    const reading = { v: 1 as const, seq, ts: firstTs + seq * 60_000, prev, m: { temp_c: 4 + seq / 10 } };
    const signed = signReading(device, reading);
    const outcome = await store.insertMessage({
      messageId: signed.messageId,
      device: device.address,
      seq,
      raw: signed.message,
      deviceTs: reading.ts,
      receivedAt: reading.ts + 150,
      payloadJson: JSON.stringify(readingToJson(reading)),
    });
    if (outcome.status !== "inserted") throw new Error(`test setup: insert ${seq} was ${outcome.status}`);
    ids.push(signed.messageId);
    prev = keccak256(signed.message);
  }
  return ids;
}

/**
 * Seals the oldest unbatched messages, which must be exactly `ids` (in arrival order), into one batch as
 * the batcher would; `root` defaults to their Merkle root. Returns the batch.
 */
export async function sealBatch(
  store: SqliteStore,
  ids: Hex[],
  {
    root = MessageMerkleTree.build(ids).root,
    sealedAt = 1_700_000_900_000,
  }: { root?: Hex; sealedAt?: number } = {},
) {
  const unbatched = await store.unbatchedSummary(ids.length);
  if (unbatched.count !== ids.length)
    throw new Error(`test setup: ${unbatched.count} unbatched, expected ${ids.length}`);
  return store.sealBatch({ root, sealedAt, lastN: unbatched.lastN, size: ids.length });
}
