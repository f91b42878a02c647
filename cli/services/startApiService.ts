import { join } from "node:path";
import type { Logger } from "pino";
import { startApi } from "#api";
import type { SealtrailConfig } from "#config";
import { type AnchorTarget, DeviceRegistry } from "#gateway";
import { normalizeAddress } from "#protocol";
import { readOrCreateSecret } from "../demo/secrets.ts";
import { apiHttpOptions } from "./apiHttpOptions.ts";
import { connectAnchorTargets } from "./connectAnchorTargets.ts";
import { openServiceStore } from "./openServiceStore.ts";
import { readAttesterKey } from "./readAttesterKey.ts";
import { type RunningService, stopAll } from "./runningService.ts";

/**
 * `sealtrail api` as a service: the HTTP API, the EPCIS interface and the product page over the data dir's
 * store (the gateway's, shared on one host or volume), with the configured anchor targets for proofs and
 * readiness. Rate limits, body limits, trust proxy and security headers come from the api section. The
 * admin token is SEALTRAIL_ADMIN_TOKEN, or one generated once into <dataDir>/admin-token (mode 0600; its
 * value is never logged); the attester key lives in <dataDir>/attester.key as in the demo.
 * @example const s = await startApiService(loadConfig({ env: process.env }).config, logger)
 */
export async function startApiService(config: SealtrailConfig, logger: Logger): Promise<RunningService> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const { store, dataDir, check: storeCheck } = await openServiceStore(config.common, config.store);
    stops.push(() => store.close());
    const registry = new DeviceRegistry(store);
    await registry.load();
    const adminToken = config.api.adminToken ?? readOrCreateSecret(join(dataDir, "admin-token")).value;
    const attester = readAttesterKey(dataDir);
    const chains = connectAnchorTargets(config.anchoring.targets, undefined);
    stops.push(async () => chains.destroy());
    const targets: AnchorTarget[] = config.anchoring.targets.map((t) => ({
      chainId: t.chainId,
      contract: normalizeAddress(t.contract),
    }));
    const api = await startApi({
      store,
      registry,
      adminToken,
      attester,
      anchorTargets: () => targets,
      isReady: () => true,
      finalityDepth: config.anchoring.finalityDepth,
      logger,
      host: config.api.host,
      port: config.api.port,
      closeTimeoutMs: config.api.closeTimeoutMs,
      ...apiHttpOptions(config.api),
      // The API reads the store and the chain; the broker is the gateway's (its own /readyz says so).
      readinessChecks: () => (targets.length > 0 ? [storeCheck, chains.check] : [storeCheck]),
    });
    stops.push(() => api.close());
    return { name: "api", urls: { http: api.url }, stop: () => stopAll(stops, logger) };
  } catch (error) {
    await stopAll(stops, logger);
    throw error;
  }
}
