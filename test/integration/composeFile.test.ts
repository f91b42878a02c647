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

type Service = { image?: string; profiles?: string[]; command?: string[]; entrypoint?: string[] };
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
    for (const name of ["mongo", "mongo-init", "rabbitmq"])
      expect([name, s[name]?.profiles]).toEqual([name, ["scale-out"]]);
    expect(s.prometheus).toBeDefined();
    expect(s.grafana).toBeDefined();
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
