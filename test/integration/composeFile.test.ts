// docker-compose.yml and the Dockerfile, checked without a Docker engine: Debian's docker-compose
// validates the file (CI installs it; elsewhere the check is skipped with a loud message), and the file
// says what the operations docs promise.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";

const dockerCompose = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;
if (!dockerCompose)
  console.warn(
    "composeFile.test.ts: docker-compose is not installed (apt-get install docker-compose): the file is not validated by it",
  );

type Service = {
  image?: string;
  profiles?: string[];
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
};
const compose = parse(readFileSync(`${REPO_ROOT}/docker-compose.yml`, "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};

describe("docker-compose.yml", () => {
  (dockerCompose ? it : it.skip)("is valid for docker-compose, with every profile", () => {
    for (const profiles of [[], ["--profile", "staging"], ["--profile", "scale-out"]])
      execFileSync("docker-compose", ["-f", "docker-compose.yml", ...profiles, "config", "-q"], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? "" },
        stdio: "pipe",
      });
  });

  it("runs two gateways and the API from the one image, and the staging chain, MongoDB and RabbitMQ only in their profiles", () => {
    const s = compose.services;
    for (const name of ["gateway-1", "gateway-2", "api"]) {
      expect([name, s[name]?.image, s[name]?.profiles]).toEqual([name, "sealtrail:local", undefined]);
      expect(s[name]?.entrypoint).toEqual(["node", "cli/sealtrail.js"]);
    }
    expect(s["gateway-1"]?.command).toEqual(["gateway"]);
    expect(s.api?.command).toEqual(["api"]);
    for (const name of ["chain", "deploy"]) expect([name, s[name]?.profiles]).toEqual([name, ["staging"]]);
    for (const name of ["mongo", "mongo-init", "rabbitmq", "gateway-rabbit"])
      expect([name, s[name]?.profiles]).toEqual([name, ["scale-out"]]);
    expect(s.prometheus).toBeDefined();
    expect(s.grafana).toBeDefined();
  });
});

describe("the scale-out profile", () => {
  const s = compose.services;
  const env = s["gateway-rabbit"]?.environment ?? {};
  const deployFile = (name: string) => readFileSync(`${REPO_ROOT}/deploy/rabbitmq/${name}`, "utf8");
  /** `key = value` lines of rabbitmq.conf (sysctl format). */
  const conf = new Map(
    deployFile("rabbitmq.conf")
      .split("\n")
      .filter((l) => /^[a-z]/.test(l))
      .map((l) => l.split(/\s*=\s*/, 2) as [string, string]),
  );
  const unset = (v: string | undefined) => v?.replace(/^\$\{[A-Z0-9_]+:-(.*)\}$/s, "$1");

  it("runs `sealtrail gateway` in RabbitMQ mode from the one image, on the API's store, serving the auth service", () => {
    expect(s["gateway-rabbit"]).toMatchObject({
      image: "sealtrail:local",
      entrypoint: ["node", "cli/sealtrail.js"],
      command: ["gateway"],
      volumes: ["data-1:/data"],
    });
    expect(s.api?.volumes).toEqual(["data-1:/data"]);
    expect(env.SEALTRAIL_GATEWAY_MODE).toBe("rabbitmq");
    expect(env.SEALTRAIL_RABBITMQ_AUTH_HOST).toBe("0.0.0.0");
    // Its anchorer key is none of the other gateways' (one nonce sequence per key).
    const keys = ["gateway-1", "gateway-2", "gateway-rabbit"].map((n) =>
      unset(s[n]?.environment?.SEALTRAIL_ANCHORER_KEY),
    );
    expect(new Set(keys).size).toBe(3);
  });

  it("enables the MQTT, HTTP auth and consistent-hash plugins and mounts rabbitmq.conf", () => {
    const plugins = deployFile("enabled_plugins");
    for (const plugin of ["rabbitmq_mqtt", "rabbitmq_auth_backend_http", "rabbitmq_consistent_hash_exchange"])
      expect([plugin, plugins.includes(plugin)]).toEqual([plugin, true]);
    expect(plugins.trim()).toMatch(/^\[[a-z_,]+\]\.$/);
    expect(s.rabbitmq?.volumes).toEqual(
      expect.arrayContaining([
        "./deploy/rabbitmq/enabled_plugins:/etc/rabbitmq/enabled_plugins:ro",
        "./deploy/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/20-sealtrail.conf:ro",
      ]),
    );
  });

  it("points RabbitMQ's auth backend at gateway-rabbit's auth service, and the gateway at RabbitMQ's AMQP port as its user", () => {
    const auth = `http://gateway-rabbit:${env.SEALTRAIL_RABBITMQ_AUTH_PORT}/auth`;
    expect({
      backends: [conf.get("auth_backends.1"), conf.get("auth_backends.2")],
      method: conf.get("auth_http.http_method"),
      anonymous: conf.get("mqtt.allow_anonymous"),
      paths: ["user", "vhost", "resource", "topic"].map((p) => conf.get(`auth_http.${p}_path`)),
    }).toEqual({
      backends: ["internal", "http"],
      method: "post",
      anonymous: "false",
      paths: ["user", "vhost", "resource", "topic"].map((p) => `${auth}/${p}`),
    });
    const rabbitEnv = s.rabbitmq?.environment ?? {};
    const [url] = JSON.parse(unset(env.SEALTRAIL_RABBITMQ_URLS)!) as string[];
    expect(url).toBe(
      `amqp://${unset(rabbitEnv.RABBITMQ_DEFAULT_USER)}:${unset(rabbitEnv.RABBITMQ_DEFAULT_PASS)}@rabbitmq:${conf.get("listeners.tcp.default")}`,
    );
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(`${REPO_ROOT}/Dockerfile`, "utf8");
  it("builds in a build stage and runs Node 22 slim as a non-root user with Debian's libsecp256k1", () => {
    expect(dockerfile.match(/^FROM node:22-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/libsecp256k1-dev/);
    expect(dockerfile).toMatch(/libsecp256k1-1/);
    for (const step of ["build:native", "build:contracts", "build:verifier", "build:page"])
      expect([step, dockerfile.includes(step)]).toEqual([step, true]);
  });
});
