import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it, jest } from "@jest/globals";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";
import {
  type DemoProcess,
  killGroup,
  listening,
  livingProcessesInGroup,
  startDemoProcess,
  waitForGroupGone,
} from "./demoProcess.ts";
import { readmeUsingItCommands, substituteReadmeCommand } from "./readmeCommands.ts";

// Generous: starting hardhat node, deploying and anchoring can take minutes on a loaded 2-vCPU machine.
jest.setTimeout(300_000);

// One temp dir for everything: the demo's data dir (both runs) and the files the README's commands write.
const workDir = mkdtempSync(join(tmpdir(), "sealtrail-demo-"));
const dataDir = join(workDir, "data");
const started: DemoProcess[] = [];
afterAll(async () => {
  // A failed or timed-out test must not leave a demo (and its hardhat node) running: it holds ports.
  for (const demo of started) await killGroup(demo);
  rmSync(workDir, { recursive: true, force: true });
});

const ENV = { SEALTRAIL_BATCH_MAX_AGE_MS: "1000", SEALTRAIL_FINALITY_DEPTH: "2" };
const api = (demo: DemoProcess) => `http://127.0.0.1:${demo.ports.http}/api/v1`;
const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
const bannerAnchor = (demo: DemoProcess) => /^ {2}Anchor {7}(0x[0-9a-f]{40})$/m.exec(demo.stdout())?.[1];
const statusAnchor = async (demo: DemoProcess) =>
  (await getJson<{ anchorTargets: { contract: string }[] }>(`${api(demo)}/status`)).anchorTargets[0]
    ?.contract;

type Device = { address: string; label: string };
type Reading = { messageId: string };

/** The first reading of the fleet's reefer-1, once it is anchored (included or final). */
async function firstAnchoredReading(demo: DemoProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { devices } = await getJson<{ devices: Device[] }>(`${api(demo)}/devices`);
    const reefer = devices.find((d) => d.label === "reefer-1");
    if (reefer) {
      const { readings } = await getJson<{ readings: Reading[] }>(
        `${api(demo)}/devices/${reefer.address}/readings?limit=1`,
      );
      if (readings[0]) {
        const bundle = await getJson<{ anchors: { status: string }[] }>(
          `${api(demo)}/readings/${readings[0].messageId}/proof`,
        );
        if (bundle.anchors.some((a) => a.status === "included" || a.status === "final"))
          return readings[0].messageId;
      }
    }
    if (Date.now() > deadline) throw new Error(`no anchored reading in time:\n${demo.output()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * What each README command must print. Every command has to match exactly one entry, so a line added to
 * the README without saying here what it should do fails the test. `values` collects what later lines use.
 */
type Expectation = {
  command: RegExp;
  check: (output: string, values: Record<string, string>, demo: DemoProcess) => void | Promise<void>;
};
const README_EXPECTATIONS: Expectation[] = [
  {
    command: /^curl \S+\/api\/v1\/status$/,
    check: (output, _values, demo) => {
      const status = JSON.parse(output) as { status: string; anchorTargets: { contract: string }[] };
      expect(status.status).toBe("ready");
      expect(status.anchorTargets[0]?.contract).toBe(bannerAnchor(demo));
    },
  },
  {
    command: /^bin\/dev npm run sealtrail -- keygen /,
    check: (output, values) => {
      const publicKey = /^public key +(0x0[23][0-9a-f]{64})$/m.exec(output)?.[1];
      const address = /^address +(0x[0-9a-fA-F]{40})$/m.exec(output)?.[1];
      expect(publicKey).toBeDefined();
      expect(address).toBeDefined();
      values["public key"] = publicKey!;
      values.keygenAddress = address!.toLowerCase();
    },
  },
  {
    command: /^curl -X POST \S+\/api\/v1\/devices /,
    check: (output, values) => {
      // 201 with the record of the key keygen printed (curl exits 0 on any HTTP status: the body tells).
      const device = JSON.parse(output) as Device & { publicKey: string };
      expect(device).toMatchObject({
        address: values.keygenAddress,
        publicKey: values["public key"],
        label: "reefer 7",
      });
    },
  },
  {
    command: /^curl \S+\/api\/v1\/devices$/,
    check: (output, values) => {
      const { devices } = JSON.parse(output) as { devices: Device[] };
      expect(devices.map((d) => d.label).sort()).toEqual(["reefer 7", "reefer-1", "reefer-2", "reefer-3"]);
      values.address = devices.find((d) => d.label === "reefer-1")!.address;
    },
  },
  {
    command: /^curl '\S+\/api\/v1\/devices\/0x[0-9a-f]{40}\/readings\?limit=5'$/,
    check: (output, values) => {
      const { readings } = JSON.parse(output) as { readings: Reading[] };
      expect(readings.length).toBeGreaterThan(0);
      values.messageId = readings[0]!.messageId;
    },
  },
  {
    command: /^curl -H 'Accept: application\/linkset\+json' \S+\/01\/\d{14}\/21\/\S+$/,
    check: (output, values) => {
      // An RFC 9264 linkset whose anchor is the product's Digital Link, with its page and its evidence.
      const { linkset } = JSON.parse(output) as { linkset: Record<string, unknown>[] };
      expect(String(linkset[0]?.anchor)).toContain(`/01/${values.gtin}/21/${values.serial}`);
      expect(Object.keys(linkset[0] ?? {})).toEqual(
        expect.arrayContaining(["https://gs1.org/voc/pip", "https://sealtrail.dev/voc/evidence"]),
      );
    },
  },
  {
    command: /^curl -o \S+label\.svg \S+\/01\/\d{14}\/21\/\S+\/qr\.svg$/,
    check: () => {
      expect(readFileSync(join(workDir, "label.svg"), "utf8")).toMatch(/^(<\?xml[^>]*>\s*)?<svg/);
    },
  },
  {
    command: /^curl \S+\/api\/v1\/readings\/0x[0-9a-f]{64}\/proof > \S+bundle\.json$/,
    check: (_output, values) => {
      const bundle = JSON.parse(readFileSync(join(workDir, "bundle.json"), "utf8")) as {
        format: string;
        messageId: string;
      };
      expect(bundle).toMatchObject({ format: "sealtrail-proof-v1", messageId: values.messageId });
    },
  },
];

describe("the demo (what `bin/dev demo` runs), started and stopped as from a terminal", () => {
  let first: DemoProcess;

  it("starts chain, gateway, API and the cold-chain fleet, and anchors the fleet's readings", async () => {
    first = await startDemoProcess(dataDir, ENV);
    started.push(first);
    const token = readFileSync(join(dataDir, "admin-token"), "utf8").trim();
    expect(first.stdout()).toContain(token); // generated now, so shown once
    await firstAnchoredReading(first, 120_000);
    const { devices } = await getJson<{ devices: Device[] }>(`${api(first)}/devices`);
    expect(devices).toHaveLength(3);
  });

  it('runs the README\'s "Using it" commands, in order and as written, each succeeding with the expected output', async () => {
    const commands = readmeUsingItCommands(readFileSync(join(REPO_ROOT, "README.md"), "utf8"));
    expect(commands.length).toBeGreaterThan(0);
    const values: Record<string, string> = {};
    // The product the banner calls compliant stands for <gtin> and <serial>.
    const product = /^ {2}Compliant +http\S+\/01\/(\d{14})\/21\/(\S+)$/m.exec(first.stdout());
    expect(product).not.toBeNull();
    values.gtin = product![1]!;
    values.serial = product![2]!;
    // `bin/dev` runs Node >= 22.18: this one (first on PATH), rather than fetching one as on an older node.
    const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };
    for (const written of commands) {
      const command = substituteReadmeCommand(
        written,
        {
          apiUrl: `http://127.0.0.1:${first.ports.http}`,
          rpcUrl: `http://127.0.0.1:${first.ports.rpc}`,
          workDir,
        },
        values,
      );
      const matching = README_EXPECTATIONS.filter((e) => e.command.test(command));
      expect({ command, expectations: matching.length }).toEqual({ command, expectations: 1 });
      const run = spawnSync("bash", ["-c", command], {
        cwd: REPO_ROOT,
        env,
        encoding: "utf8",
        timeout: 120_000,
      });
      expect({ command, status: run.status, stderr: run.status === 0 ? "" : run.stderr }).toEqual({
        command,
        status: 0,
        stderr: "",
      });
      await matching[0]!.check(run.stdout, values, first);
    }
  });

  it("tells the traceability story: the banner's two products end their journey compliant and with an excursion", async () => {
    // The banner gives each product's Digital Link URI (its QR code's content): a browser gets the page, and
    // the same path under /api/v1/provenance the JSON the page's verdict is checked against here.
    const page = (name: string) =>
      new RegExp(`^ {2}${name} +(http://[^/\\s]+)(/01/\\d{14}/21/\\S+)$`, "m").exec(first.stdout());
    const compliantPage = page("Compliant");
    const excursionPage = page("Excursion");
    expect(compliantPage).not.toBeNull();
    expect(excursionPage).not.toBeNull();
    // As a phone's browser asks for it (curl, a connection of its own, as the README's lines run).
    const html = spawnSync(
      "curl",
      [
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{content_type}",
        "-H",
        "Accept: text/html",
        compliantPage![0].trim().split(/\s+/)[1]!,
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(html.stdout).toMatch(/^200 text\/html/);
    const compliant = `${compliantPage![1]}/api/v1/provenance${compliantPage![2]}`;
    const excursion = `${excursionPage![1]}/api/v1/provenance${excursionPage![2]}`;
    type Provenance = {
      events: { bizStep?: string; event?: { sensorElementList?: unknown } }[];
      devices: { giai: string; complete: boolean; readings: { count: number } }[];
      coldChain: { verdict: string };
    };
    // The journey ends (received, sensors off and summarised, unpacked) 5 s before the fleet's 180 s run does.
    const deadline = Date.now() + 240_000;
    let last: Provenance | undefined;
    while (Date.now() < deadline) {
      last = await getJson<Provenance>(excursion!);
      if (last.events.some((e) => e.bizStep === "unpacking")) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    expect(last?.events.map((e) => e.bizStep)).toEqual([
      "commissioning",
      "packing",
      "assembling",
      "shipping",
      "receiving",
      "removing",
      "sensor_reporting",
      "unpacking",
    ]);
    expect(last?.devices).toEqual([expect.objectContaining({ giai: "4012345REEFER2", complete: true })]);
    expect(last?.coldChain.verdict).toBe("excursion");
    // The sensor's interval summed up in EPCIS once the sensor came off (reefer-1's door opening may
    // raise an alarm too: the summary flags any reading out of range, the verdict weighs the tolerances).
    const summary = (p: Provenance | undefined) =>
      JSON.stringify(p?.events.find((e) => e.bizStep === "sensor_reporting")?.event ?? null);
    expect(summary(last)).toContain('"exception":"ALARM_CONDITION"');
    const good = await getJson<Provenance>(compliant!);
    expect(summary(good)).toContain('"type":"Temperature"');
    expect(good.devices).toEqual([expect.objectContaining({ giai: "4012345REEFER1", complete: true })]);
    expect(good.devices[0]!.readings.count).toBeGreaterThan(100);
    expect(good.coldChain.verdict).toBe("compliant");
  });

  it('stops on Ctrl-C (SIGINT to its process group): prints "Stopped.", exits 0, leaves no process and no port', async () => {
    process.kill(-first.pgid, "SIGINT");
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toMatch(/\nStopped\.\n$/);
    expect(await waitForGroupGone(first.pgid)).toEqual([]);
    for (const port of Object.values(first.ports)) expect(await listening(port)).toBe(false);
  });

  it('stops on Ctrl-C during its start as well (the Hardhat node starting): "Stopped.", exit 0, nothing left', async () => {
    const starting = await startDemoProcess(join(workDir, "interrupted"), ENV, {
      readyText: "Starting Sealtrail",
    });
    started.push(starting);
    // Signal once the start has spawned Hardhat (compiling, or the node coming up): before the fix, Node's
    // default action ended the demo on the spot, without a word and with the signal as its status.
    const deadline = Date.now() + 60_000;
    while (!livingProcessesInGroup(starting.pgid).some((p) => p.includes("hardhat")) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    process.kill(-starting.pgid, "SIGINT");
    expect(await starting.exited).toEqual({ code: 0, signal: null });
    expect(starting.stdout()).toMatch(/\nStopped\.\n$/);
    expect(starting.stdout()).not.toContain("Sealtrail is running");
    expect(await waitForGroupGone(starting.pgid)).toEqual([]);
  });

  let second: DemoProcess;

  it("on a second run with the same data dir, the banner shows the anchor contract that /status reports after the redeploy", async () => {
    second = await startDemoProcess(dataDir, ENV);
    started.push(second);
    // The new chain starts from a new genesis: the anchorer noticed and deployed again.
    const anchor = await statusAnchor(second);
    expect(anchor).not.toBe(bannerAnchor(first));
    expect(bannerAnchor(second)).toBe(anchor);
    expect(second.stdout()).toContain(`Admin token  in ${join(dataDir, "admin-token")}`);
  });

  it('stops on SIGTERM to the main process alone: prints "Stopped.", exits 0, and its Hardhat node is gone too', async () => {
    second.child.kill("SIGTERM");
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.stdout()).toMatch(/\nStopped\.\n$/);
    expect(await waitForGroupGone(second.pgid)).toEqual([]);
    for (const port of Object.values(second.ports)) expect(await listening(port)).toBe(false);
    // Neither run's anchorer ran into the writer thread's lock (the store's transactions are IMMEDIATE).
    for (const demo of [first, second]) expect(demo.output()).not.toContain("database is locked");
  });
});
