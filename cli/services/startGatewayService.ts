import type { Logger } from "pino";
import type { SealtrailConfig } from "#config";
import { anchoringOptions, Gateway, registryChainFromConfig } from "#gateway";
import { CliError, CliErrorCode } from "../errors.ts";
import { connectAnchorTargets } from "./connectAnchorTargets.ts";
import { openServiceStore } from "./openServiceStore.ts";
import { readAttesterKey } from "./readAttesterKey.ts";
import { type RunningService, stopAll } from "./runningService.ts";
import { startHealthServer } from "./startHealthServer.ts";

/**
 * `sealtrail gateway` as a service: the store of the data dir, the gateway (embedded broker on its TCP,
 * TLS and WebSocket listeners, or the external broker's consumer; verify pool, batcher) with one anchorer
 * per configured target, the registrar (key changes of the store's outbox to the registry contract of
 * `registry.*`) and its HTTP listener for /healthz, /readyz and /metrics. The same parts the demo starts,
 * against a chain it did not start: the contracts are deployed already (`sealtrail deploy`) and named by
 * SEALTRAIL_ANCHOR_TARGETS and SEALTRAIL_REGISTRY_CONTRACT, the anchorer key comes from
 * SEALTRAIL_ANCHORER_KEY and the registrar's from SEALTRAIL_REGISTRAR_KEY.
 * @example const s = await startGatewayService(loadConfig({ env: process.env }).config, logger); await s.stop()
 */
export async function startGatewayService(config: SealtrailConfig, logger: Logger): Promise<RunningService> {
  const { targets, anchorerKey } = config.anchoring;
  // Without a target nothing stored would ever be anchored (invariant 2): refuse rather than run half a gateway.
  if (targets.length === 0)
    throw new CliError(
      CliErrorCode.ServiceConfig,
      "no anchor target: set SEALTRAIL_ANCHOR_TARGETS (sealtrail deploy prints one)",
    );
  if (anchorerKey === undefined)
    throw new CliError(CliErrorCode.ServiceConfig, "no anchorer key: set SEALTRAIL_ANCHORER_KEY");
  const stops: (() => Promise<void>)[] = [];
  try {
    const {
      store,
      dataDir,
      check: storeCheck,
    } = await openServiceStore(config.common, config.store, config.gateway.groupCommitMs);
    stops.push(() => store.close());
    const registry = registryChainFromConfig(config.registry);
    // No registry is no reason to refuse: readings are stored and anchored as usual, and key changes wait
    // in the outbox (GET /status says why) until a gateway with the registry settings sends them.
    if (registry) stops.push(async () => registry.close());
    else
      logger.warn(
        { missing: missingRegistrySettings(config.registry) },
        "no registry configured: key changes wait in the outbox",
      );
    const chains = connectAnchorTargets(targets, anchorerKey);
    stops.push(async () => chains.destroy());
    await chains.verifyReachable((target, reason) =>
      logger.warn({ target, reason }, "anchor target not reachable at start; anchoring waits for it"),
    );
    const gateway = new Gateway({
      config: config.gateway,
      store,
      anchorChains: chains.chains,
      // Only the demo can deploy again; a service whose chain changed halts with an alert.
      anchoring: anchoringOptions(config.anchoring),
      logger,
      ...(registry
        ? {
            registryChain: registry.chain,
            // The key the API signs its own captures with; queued once, like the demo's.
            attesterKey: readAttesterKey(dataDir),
          }
        : {}),
      registrar: {
        intervalMs: config.registry.intervalMs,
        backoffMs: config.registry.backoffMs,
        maxBackoffMs: config.registry.maxBackoffMs,
      },
    });
    await gateway.start();
    stops.push(() => gateway.close({ drainTimeoutMs: config.gateway.drainTimeoutMs }));
    const health = await startHealthServer({
      host: config.gateway.httpHost,
      port: config.gateway.httpPort,
      checks: [storeCheck, chains.check, { name: "broker", probe: () => gateway.probeBroker() }],
      metrics: gateway.metrics,
    });
    stops.push(() => health.close());
    const ports = config.gateway.mode === "embedded" ? gateway.mqttPorts : undefined;
    return {
      name: "gateway",
      urls: {
        http: health.url,
        ...(ports ? { mqtt: gateway.mqttUrl } : {}),
        ...(ports?.tls === undefined ? {} : { mqtts: `mqtts://${config.gateway.mqttHost}:${ports.tls}` }),
        ...(ports?.ws === undefined ? {} : { ws: `ws://${config.gateway.mqttHost}:${ports.ws}/mqtt` }),
        // RabbitMQ mode: what its auth_http.*_path settings must point at (devices log in through it).
        ...(gateway.rabbitAuthUrl === undefined ? {} : { rabbitmqAuth: gateway.rabbitAuthUrl }),
      },
      stop: () => stopAll(stops, logger),
    };
  } catch (error) {
    await stopAll(stops, logger);
    throw error;
  }
}

/** The registry settings a registrar needs that the configuration lacks, by their variables. */
function missingRegistrySettings(r: SealtrailConfig["registry"]): string[] {
  return [
    r.rpcUrl === undefined ? "SEALTRAIL_REGISTRY_RPC_URL" : "",
    r.chainId === undefined ? "SEALTRAIL_REGISTRY_CHAIN_ID" : "",
    r.contract === undefined ? "SEALTRAIL_REGISTRY_CONTRACT" : "",
    r.registrarKey === undefined ? "SEALTRAIL_REGISTRAR_KEY" : "",
  ].filter((v) => v !== "");
}
