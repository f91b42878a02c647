import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { type Address, bytesToHex, type DeviceIdentity } from "#protocol";
import { createDeviceClient } from "../clients/createDeviceClient.ts";
import type { ClientKind } from "../clients/deviceClient.ts";
import type { BackoffPolicy } from "../device/backoff.ts";
import { loadOrCreateDeviceKey } from "../device/deviceKeyFile.ts";
import { type FleetStats, summarizeStats } from "../device/deviceStats.ts";
import { SimDevice } from "../device/SimDevice.ts";
import { createPrng } from "../random/createPrng.ts";
import { CompromisedDevice } from "./CompromisedDevice.ts";
import { ConnectFailures } from "./ConnectFailures.ts";
import { createScenarioSensors, deviceLabel } from "./createScenarioSensors.ts";
import type { RegisterDevice } from "./registerDevice.ts";
import type { DeviceGroup, Scenario, ScenarioFault } from "./scenarioSchema.ts";

/** Hooks the caller supplies for faults the fleet cannot cause by itself. */
export type FleetFaultHooks = {
  /** Stops the broker, keeps it down `downMs`, starts it again at the same URL; resolves once it is back. */
  restartBroker?: (fault: { downMs: number }) => Promise<void>;
};

export type StartFleetOptions = {
  scenario: Scenario;
  mqttUrl: string;
  /** Each device keeps its key, state and outbox in `{dataDir}/{label}/`; a rerun continues their chains. */
  dataDir: string;
  /** How devices get registered (the default in the CLI is {@link httpRegistrar}). */
  register: RegisterDevice;
  /** Overrides the scenario's client, seed and duration. */
  client?: ClientKind;
  seed?: number;
  durationS?: number;
  faults?: FleetFaultHooks;
  backoff?: BackoffPolicy;
  keepaliveS?: number;
  logger?: Logger;
};

export type FleetDeviceInfo = { label: string; address: Address; role: "device" | "compromised" };

export type Fleet = {
  readonly devices: readonly FleetDeviceInfo[];
  readonly seed: number;
  readonly client: ClientKind;
  /** Wall-clock ms when the devices started. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** Resolves when the duration is over: sampling has stopped; buffered readings keep draining until stop(). */
  readonly finished: Promise<void>;
  /** Ends the run now rather than at the end of the duration, as if it were over (`finished` resolves). */
  end(): void;
  /** Sent, acknowledged, buffered and refused (by reason), per device and in total. */
  stats(): FleetStats;
  /**
   * Why the latest failed CONNECT (of any device) failed, e.g. `ECONNREFUSED 127.0.0.1:1883`; undefined
   * when none failed. With `stats().total.connects === 0` it says why the fleet never got online.
   */
  connectFailure(): string | undefined;
  /**
   * Resolves true once every honest device's outbox (or only those of `labels`) is empty, false if
   * `timeoutMs` passes first.
   */
  drain(timeoutMs: number, labels?: readonly string[]): Promise<boolean>;
  /** Stops every device (clean DISCONNECT) and every scheduled fault. Idempotent. */
  stop(): Promise<void>;
};

const REGISTRATION_CONCURRENCY = 8;

type Planned = { label: string; dir: string; identity: DeviceIdentity };

/**
 * Starts a scenario's fleet: creates or loads each device's key, registers it, starts the devices and
 * schedules the scenario's faults (broker restarts through `faults.restartBroker`, network outages,
 * clock skew, compromised devices). Readings are reproducible from the seed.
 * @example
 * const fleet = await startFleet({ scenario, mqttUrl, dataDir, register: httpRegistrar({ apiUrl, adminToken }) });
 * await fleet.finished; await fleet.drain(10_000); console.log(fleet.stats().total); await fleet.stop();
 */
export async function startFleet(options: StartFleetOptions): Promise<Fleet> {
  const { scenario } = options;
  const seed = options.seed ?? scenario.seed;
  const kind = options.client ?? scenario.client;
  const durationMs = (options.durationS ?? scenario.durationS) * 1000;
  const logger = options.logger ?? pino({ level: "silent" });
  const root = createPrng(seed);
  await mkdir(options.dataDir, { recursive: true });

  const plan = async (label: string): Promise<Planned> => {
    const dir = join(options.dataDir, label);
    const { identity, created } = await loadOrCreateDeviceKey(dir);
    if (created) logger.info({ label, device: identity.address }, "device key generated");
    return { label, dir, identity };
  };
  const honestPlans: Array<Planned & { group: DeviceGroup; index: number }> = [];
  for (const group of scenario.devices) {
    for (let index = 0; index < group.count; index++) {
      honestPlans.push({ ...(await plan(deviceLabel(group, index))), group, index });
    }
  }
  const rogueFaults = scenario.faults.filter((f) => f.type === "compromised");
  const roguePlans = await Promise.all(
    rogueFaults.map(async (fault) => ({ ...(await plan(fault.device)), fault })),
  );

  await forEachLimited([...honestPlans, ...roguePlans], REGISTRATION_CONCURRENCY, (p) =>
    options.register({
      publicKey: bytesToHex(p.identity.publicKey),
      label: p.label,
      address: p.identity.address,
    }),
  );

  const connectFailures = new ConnectFailures();
  const honest = honestPlans.map(({ label, dir, identity, group, index }) => {
    const prng = root.fork(label);
    const skew = scenario.faults.find((f) => f.type === "clockSkew" && f.device === label && f.atS === 0);
    return new SimDevice({
      identity,
      label,
      dir,
      mqttUrl: options.mqttUrl,
      client: connectFailures.watch(createDeviceClient(kind, { maxInflight: group.maxInflight })),
      sensors: createScenarioSensors(scenario, group, index, seed),
      periodMs: group.periodMs,
      clockSkewMs: skew?.type === "clockSkew" ? skew.skewMs : 0,
      maxBuffered: group.maxBuffered,
      maxInflight: group.maxInflight,
      random: prng.fork("jitter").next,
      logger,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.keepaliveS === undefined ? {} : { keepaliveS: options.keepaliveS }),
    });
  });
  const byLabel = new Map(honest.map((d) => [d.label, d]));
  const victim = honest[0]?.identity.address ?? (`0x${"0".repeat(39)}1` as Address);
  const rogues = roguePlans.map(
    ({ label, dir, identity, fault }) =>
      new CompromisedDevice({
        identity,
        label,
        dir,
        mqttUrl: options.mqttUrl,
        client: connectFailures.watch(createDeviceClient(kind)),
        attacks: fault.attacks,
        everyS: fault.everyS,
        victim,
        prng: root.fork(label),
        logger,
      }),
  );

  await Promise.all(honest.map((d) => d.start()));
  const startedAt = Date.now();
  logger.info({ devices: honest.length, compromised: rogues.length, seed, client: kind }, "fleet started");

  const timers = new Set<NodeJS.Timeout>();
  const pendingHooks = new Set<Promise<void>>();
  const at = (seconds: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, seconds * 1000);
    timers.add(timer);
  };
  const inject = (fault: ScenarioFault) => {
    switch (fault.type) {
      case "brokerRestart": {
        const hook = options.faults?.restartBroker;
        if (!hook) {
          logger.warn("scenario asks for a broker restart but no restartBroker hook was given: skipped");
          return;
        }
        logger.info({ downS: fault.downS }, "fault: broker restart");
        const job = hook({ downMs: fault.downS * 1000 })
          .catch((error: unknown) => logger.error({ err: error }, "broker restart hook failed"))
          .finally(() => pendingHooks.delete(job));
        pendingHooks.add(job);
        return;
      }
      case "deviceOffline":
        logger.info({ label: fault.device, durationS: fault.durationS }, "fault: device offline");
        byLabel.get(fault.device)?.goOffline(fault.durationS * 1000);
        return;
      case "clockSkew":
        byLabel.get(fault.device)?.setClockSkew(fault.skewMs);
        return;
      case "compromised": {
        const rogue = rogues.find((r) => r.label === fault.device);
        rogue
          ?.start()
          .catch((error: unknown) => logger.error({ err: error }, "compromised device failed to start"));
      }
    }
  };
  for (const fault of scenario.faults) {
    if (fault.type === "clockSkew" && fault.atS === 0) continue; // applied at construction
    at(fault.atS, () => inject(fault));
  }

  let endRun: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    endRun = resolve;
  });
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    for (const d of honest) d.stopSampling();
    for (const r of rogues) void r.close();
    logger.info("fleet run finished");
    endRun();
  };
  at(durationMs / 1000, finish);

  let stopping: Promise<void> | undefined;
  return {
    devices: [
      ...honest.map(
        (d): FleetDeviceInfo => ({ label: d.label, address: d.identity.address, role: "device" }),
      ),
      ...rogues.map(
        (r): FleetDeviceInfo => ({ label: r.label, address: r.identity.address, role: "compromised" }),
      ),
    ],
    seed,
    client: kind,
    startedAt,
    durationMs,
    finished,
    end: finish,
    stats: () => summarizeStats([...honest.map((d) => d.stats()), ...rogues.map((r) => r.stats())]),
    connectFailure: () => connectFailures.last,
    drain: async (timeoutMs, labels) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const waitFor = labels ? honest.filter((d) => labels.includes(d.label)) : honest;
      const drained = Promise.all(waitFor.map((d) => d.drained())).then(() => true);
      const result = await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      return result;
    },
    stop: () => {
      stopping ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        finish();
        await Promise.all([...honest.map((d) => d.close()), ...rogues.map((r) => r.close())]);
        await Promise.all(pendingHooks);
        logger.info("fleet stopped");
      })();
      return stopping;
    },
  };
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
