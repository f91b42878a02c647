// Real RabbitMQ nodes for the scale-out suites and bench/rabbitmq.ts: Debian's rabbitmq-server started as
// child processes on free loopback ports, each node with its own name, data, logs and configuration under
// one temporary folder, the Erlang cookie shared through HOME, and a private epmd port so that nothing
// meets the system's RabbitMQ or another engineer's nodes. RUNNING_UNDER_SYSTEMD makes the start script
// exec the Erlang VM, so the child's pid is the node itself: SIGKILL kills the broker, SIGTERM stops it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "#test-support";

export const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
const EPMD = "/usr/lib/erlang/bin/epmd";

/** Whether Debian's rabbitmq-server is installed; CI installs it (.ci/run), elsewhere suites skip loudly. */
export function rabbitmqAvailable(suite: string): boolean {
  if (existsSync(RABBITMQ_SERVER)) return true;
  if (process.env.CI === "true")
    throw new Error(`${RABBITMQ_SERVER} is missing: CI must install the Debian package rabbitmq-server`);
  console.warn(
    `\n*** SKIPPING ${suite}: ${RABBITMQ_SERVER} not found. Install it with: apt-get install -y rabbitmq-server (then: service rabbitmq-server stop) ***\n`,
  );
  return false;
}

export type RabbitNode = {
  name: string;
  amqpUrl: string;
  mqttUrl: string;
  child: ChildProcess;
  exited: Promise<void>;
};

export type RabbitCluster = {
  nodes: RabbitNode[];
  /** The gateways' AMQP user (RabbitMQ's internal backend; devices go through the HTTP backend). */
  gatewayUrls: string[];
  /** Stops every node still running (SIGTERM, then SIGKILL after `graceMs`), epmd, and removes the folder. */
  stop(graceMs?: number): Promise<void>;
};

export type RabbitClusterOptions = {
  nodes: number;
  /** Base URL of the Sealtrail auth service (…/auth); its /user, /vhost, /resource, /topic answer RabbitMQ. */
  authUrl: string;
  /** Bounds each node's boot, ms (a loaded 2-vCPU machine boots a node in ~20 s). */
  bootTimeoutMs?: number;
};

/**
 * Starts a cluster of `nodes` RabbitMQ nodes with the MQTT plugin, the HTTP auth backend and the
 * consistent-hash exchange. The first node boots alone; the others then boot together and join it
 * through classic peer discovery, before they open their listeners — so a node whose AMQP port answers
 * is a member of the cluster.
 */
export async function startRabbitCluster(options: RabbitClusterOptions): Promise<RabbitCluster> {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-rabbitmq-"));
  const home = join(dir, "home");
  mkdirSync(home);
  writeFileSync(join(home, ".erlang.cookie"), randomBytes(20).toString("hex"), { mode: 0o400 });
  const epmdPort = await freePort();
  const tag = randomBytes(3).toString("hex");
  const password = randomBytes(12).toString("hex");
  const names = Array.from({ length: options.nodes }, (_, i) => `sealtrail-${tag}-${i}@localhost`);
  const ports: { amqp: number; mqtt: number; dist: number }[] = [];
  for (let i = 0; i < options.nodes; i++)
    ports.push({ amqp: await freePort(), mqtt: await freePort(), dist: await freePort() });
  const env = (i: number): NodeJS.ProcessEnv => {
    const base = join(dir, `node${i}`);
    return {
      ...process.env,
      HOME: home,
      ERL_EPMD_PORT: String(epmdPort),
      RABBITMQ_CONF_ENV_FILE: "/dev/null",
      RUNNING_UNDER_SYSTEMD: "true",
      RABBITMQ_NODENAME: names[i],
      RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
      RABBITMQ_NODE_PORT: String(ports[i]!.amqp),
      RABBITMQ_DIST_PORT: String(ports[i]!.dist),
      RABBITMQ_MNESIA_BASE: join(base, "mnesia"),
      RABBITMQ_LOG_BASE: join(base, "log"),
      RABBITMQ_CONFIG_FILE: join(base, "rabbitmq.conf"),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(base, "advanced.config"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(base, "enabled_plugins"),
      RABBITMQ_PID_FILE: join(base, "pid"),
      RABBITMQ_FEATURE_FLAGS_FILE: join(base, "feature_flags"),
    };
  };
  for (let i = 0; i < options.nodes; i++) {
    const base = join(dir, `node${i}`);
    mkdirSync(base);
    writeFileSync(
      join(base, "enabled_plugins"),
      "[rabbitmq_mqtt,rabbitmq_auth_backend_http,rabbitmq_consistent_hash_exchange].\n",
    );
    writeFileSync(join(base, "rabbitmq.conf"), nodeConfig(ports[i]!, names, options.authUrl, password));
  }
  const nodes: RabbitNode[] = [];
  const cluster: RabbitCluster = {
    nodes,
    gatewayUrls: ports.map((p) => `amqp://sealtrail-gateway:${password}@127.0.0.1:${p.amqp}`),
    async stop(graceMs = 15_000) {
      await Promise.all(nodes.map((n) => stopNode(n, graceMs)));
      await new Promise<void>((resolve) =>
        execFile(EPMD, ["-kill"], { env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) } }, () =>
          resolve(),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const boot = (i: number): Promise<void> => {
    const child = spawn(RABBITMQ_SERVER, [], { env: env(i), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const node: RabbitNode = {
      name: names[i]!,
      amqpUrl: `amqp://127.0.0.1:${ports[i]!.amqp}`,
      mqttUrl: `mqtt://127.0.0.1:${ports[i]!.mqtt}`,
      child,
      exited,
    };
    nodes.push(node);
    const logFile = join(dir, `node${i}`, "log", `${names[i]}.log`);
    return waitForPort(ports[i]!.mqtt, () => child.exitCode === null, options.bootTimeoutMs ?? 150_000).catch(
      (error: Error) => {
        const log = existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-3000) : "";
        throw new Error(`RabbitMQ node ${names[i]} did not start: ${error.message}\n${stderr}\n${log}`);
      },
    );
  };
  try {
    // One node after the other: booting the joiners together on a 2-core machine already busy with other suites
    // made one of them miss its boot timeout in 1 of 4 CI runs (an Erlang node joining restarts its app).
    for (let i = 0; i < options.nodes; i++) await boot(i);
  } catch (error) {
    await cluster.stop(0);
    throw error;
  }
  return cluster;
}

function nodeConfig(
  ports: { amqp: number; mqtt: number },
  names: string[],
  authUrl: string,
  password: string,
): string {
  return [
    `listeners.tcp.default = 127.0.0.1:${ports.amqp}`,
    `mqtt.listeners.tcp.default = 127.0.0.1:${ports.mqtt}`,
    "mqtt.allow_anonymous = false",
    // The gateways' user lives in RabbitMQ's own user database; devices are Sealtrail's to judge.
    "default_user = sealtrail-gateway",
    `default_pass = ${password}`,
    "loopback_users = none",
    "auth_backends.1 = internal",
    "auth_backends.2 = http",
    "auth_http.http_method = post",
    `auth_http.user_path = ${authUrl}/user`,
    `auth_http.vhost_path = ${authUrl}/vhost`,
    `auth_http.resource_path = ${authUrl}/resource`,
    `auth_http.topic_path = ${authUrl}/topic`,
    "cluster_formation.peer_discovery_backend = classic_config",
    ...names.map((n, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${n}`),
    "log.console = false",
    "log.file.level = warning",
    "",
  ].join("\n");
}

async function stopNode(node: RabbitNode, graceMs: number): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  node.child.kill(graceMs > 0 ? "SIGTERM" : "SIGKILL");
  const timer = setTimeout(() => node.child.kill("SIGKILL"), graceMs);
  await node.exited;
  clearTimeout(timer);
}

/** Kills a node as a crash would (SIGKILL of the Erlang VM). */
export async function killNode(node: RabbitNode): Promise<void> {
  node.child.kill("SIGKILL");
  await node.exited;
}

async function waitForPort(port: number, alive: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error("the node exited");
    const ok = await new Promise<boolean>((resolve) => {
      const socket = netConnect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
}
