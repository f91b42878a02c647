// `sealtrail verify` against a real chain: a `hardhat node --chain-type op` child process on a free port,
// with SealtrailAnchor deployed and a bundle's root anchored by a real transaction.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { JsonRpcProvider, Network, NonceManager, Wallet } from "ethers";
import { deploySealtrail } from "#contracts";
import { eventHashId } from "#gs1";
import {
  bytesToHex,
  deviceIdentityFromPrivateKey,
  EVENT_PROOF_BUNDLE_FORMAT,
  type EventProofBundle,
  type Hex,
  keccak256,
  LEAF_ENCODING,
  MessageMerkleTree,
  type ProofBundle,
  signAttestedEvent,
} from "#protocol";
import { run } from "./commands/verify.ts";
import {
  captureIo,
  exampleBundle,
  includedAnchor,
  removeTempBundles,
  writeTempBundle,
} from "./testing/index.ts";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const HARDHAT_CLI = fileURLToPath(new URL("../node_modules/hardhat/dist/src/cli.js", import.meta.url));
/** Hardhat's account #0: a PUBLICLY KNOWN test key, funded only on local development chains. */
const HARDHAT_PUBLIC_TEST_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * The Node 20 an auditor has: the system `node` here and in CI (SEALTRAIL_TEST_NODE20 points elsewhere).
 * The tests below prove that the verifier runs on it, so they refuse to run on anything else.
 */
const NODE20 = process.env.SEALTRAIL_TEST_NODE20 ?? "/usr/bin/node";
const STANDALONE = fileURLToPath(new URL("../dist/sealtrail-verify.mjs", import.meta.url));

/** Runs `binary args…` and collects its exit code, stdout and stderr. */
function runWith(
  binary: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

async function stopNode(node: { child: ChildProcess } | undefined): Promise<void> {
  if (node && node.child.exitCode === null) {
    const exited = new Promise((resolve) => node.child.once("exit", resolve));
    node.child.kill("SIGTERM");
    await exited;
  }
}

/** Block 0's hash, read with a plain JSON-RPC call. */
async function genesisOf(url: string): Promise<Hex> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["0x0", false] }),
  });
  return ((await res.json()) as { result: { hash: Hex } }).result.hash;
}

/** Starts `hardhat node` on port 0 and resolves with its RPC URL once it prints it. */
function startHardhatNode(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [HARDHAT_CLI, "node", "--chain-type", "op", "--hostname", "127.0.0.1", "--port", "0"],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL"); // a node left running would slow down every suite after this one
      reject(new Error(`hardhat node did not start:\n${output}`));
    }, 90_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const url = /JSON-RPC server at (http:\/\/[\d.]+:\d+)\//.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with ${code}:\n${output}`));
    });
  });
}

/** An attested event's bundle in a batch with the example reading bundle's message (not yet anchored). */
function exampleEventBundle(reading: ProofBundle): EventProofBundle {
  // EXAMPLE attester key from a public label: never use such a key for real.
  const attester = deviceIdentityFromPrivateKey(
    keccak256(new TextEncoder().encode("EXAMPLE key chain attester")),
  );
  const event = {
    type: "ObjectEvent",
    eventTime: "2026-01-05T10:00:00.000Z",
    eventTimeZoneOffset: "+00:00",
    epcList: ["urn:epc:id:sgtin:4012345.011111.1"],
    action: "OBSERVE",
    bizStep: "shipping",
  };
  const withId = { ...event, eventID: eventHashId(event) };
  const signed = signAttestedEvent(attester, "acme", withId);
  const tree = MessageMerkleTree.build([signed.messageId, reading.messageId]);
  return {
    format: EVENT_PROOF_BUNDLE_FORMAT,
    message: bytesToHex(signed.message),
    messageId: signed.messageId,
    signer: attester.address,
    publicKey: bytesToHex(attester.publicKey),
    signedBy: "attester",
    organisation: "acme",
    eventHashId: withId.eventID,
    event: withId,
    merkle: { root: tree.root, proof: tree.getProof(signed.messageId), leafEncoding: LEAF_ENCODING },
    anchors: [],
  };
}

async function verify(...argv: string[]) {
  const io = captureIo();
  const code = await run(argv, io);
  return { code, out: io.out() };
}

describe("sealtrail verify against a Hardhat chain", () => {
  let node: { child: ChildProcess; url: string } | undefined;
  let bundle: ProofBundle;
  let eventBundle: EventProofBundle;

  beforeAll(async () => {
    node = await startHardhatNode();
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const chainId = Number((await provider.getNetwork()).chainId);
      const staticProvider = new JsonRpcProvider(node.url, Network.from(chainId), {
        staticNetwork: true,
        cacheTimeout: -1,
      });
      const wallet = new NonceManager(new Wallet(HARDHAT_PUBLIC_TEST_KEY, staticProvider));
      const address = await wallet.getAddress();
      const { anchor } = await deploySealtrail(wallet, {
        admin: address,
        anchorers: [address],
        registrars: [address],
      });
      const unanchored = exampleBundle();
      // The event's root first: the reading's tests expect their anchor in the latest block.
      const unanchoredEvent = exampleEventBundle(unanchored);
      const eventReceipt = await (await anchor.contract.anchor(unanchoredEvent.merkle!.root)).wait();
      const eventBlock = await staticProvider.getBlock(eventReceipt!.blockNumber);
      eventBundle = {
        ...unanchoredEvent,
        anchors: [
          includedAnchor({
            chainId,
            contract: anchor.address.toLowerCase() as Hex,
            txHash: eventReceipt!.hash as Hex,
            blockNumber: eventReceipt!.blockNumber,
            blockTimestamp: eventBlock!.timestamp,
          }),
        ],
      };
      const receipt = await (await anchor.contract.anchor(unanchored.merkle!.root)).wait();
      const block = await staticProvider.getBlock(receipt!.blockNumber);
      bundle = {
        ...unanchored,
        anchors: [
          includedAnchor({
            chainId,
            contract: anchor.address.toLowerCase() as Hex,
            txHash: receipt!.hash as Hex,
            blockNumber: receipt!.blockNumber,
            blockTimestamp: block!.timestamp,
          }),
        ],
      };
      staticProvider.destroy();
    } finally {
      provider.destroy();
    }
  }, 120_000);

  it("exits 0 for an event's bundle (sealtrail-event-proof-v1) whose batch root was anchored by a real transaction", async () => {
    const { code, out } = await verify(writeTempBundle(JSON.stringify(eventBundle)), "--rpc", node!.url);
    expect(out).not.toMatch(/✗/);
    expect(out).toMatch(
      /^ {2}event {3}ObjectEvent at 2026-01-05T10:00:00\.000Z, attested for acme by the operator$/m,
    );
    for (const name of [
      "signedBy",
      "organisation",
      "event",
      "eventHashId",
      "signature",
      "merkle proof",
      "RootAnchored event",
    ])
      expect(out).toMatch(new RegExp(`✓ ${name} `));
    expect(out).toMatch(/^VALID — anchored on chain \d+/m);
    expect(code).toBe(0);
  }, 30_000);

  it("exits 1 for an event's bundle whose informative event or organisation says what the signed bytes do not", async () => {
    const editedEvent = { ...eventBundle, event: { ...eventBundle.event, bizStep: "receiving" } };
    const edited = await verify(writeTempBundle(JSON.stringify(editedEvent)), "--rpc", node!.url);
    expect(edited.code).toBe(1);
    expect(edited.out).toMatch(/✗ event\s+bundle field event differs from the signed event/);
    const otherOrg = await verify(
      writeTempBundle(JSON.stringify({ ...eventBundle, organisation: "beta" })),
      "--rpc",
      node!.url,
    );
    expect(otherOrg.code).toBe(1);
    expect(otherOrg.out).toMatch(
      /✗ organisation\s+bundle field organisation is beta, the attester signed for acme/,
    );
  }, 30_000);

  afterAll(async () => {
    removeTempBundles();
    await stopNode(node);
  });

  it("exits 0 with every check passed for a bundle whose root was anchored by a real transaction", async () => {
    const { code, out } = await verify(writeTempBundle(bundle), "--rpc", node!.url);
    expect(out).not.toMatch(/✗/);
    expect(out).toMatch(
      /^ {2}signed {2}seq 2, 2023-11-14T22:15:20\.000Z \(ts 1700000120000\), temp_c 4\.2$/m,
    );
    for (const name of [
      "chain id",
      "transaction",
      "block number",
      "RootAnchored event",
      "block timestamp",
      "anchoredAt",
    ]) {
      expect(out).toMatch(new RegExp(`✓ ${name} `));
    }
    expect(out).toMatch(
      /^VALID — anchored on chain \d+ in block \d+ at .* \(status included, 1 confirmation\(s\)\)$/m,
    );
    expect(code).toBe(0);
  }, 30_000);

  it("exits 1 when the bundle's block timestamp is not the chain's", async () => {
    const anchor = bundle.anchors[0]!;
    const forged = { ...bundle, anchors: [{ ...anchor, blockTimestamp: anchor.blockTimestamp! + 1 }] };
    const { code, out } = await verify(writeTempBundle(forged), "--rpc", node!.url);
    expect(code).toBe(1);
    expect(out).toMatch(/✗ block timestamp/);
    expect(out).toMatch(/✗ anchoredAt/);
    expect(out).toMatch(/^INVALID — anchor 1/m);
  }, 30_000);

  it("exits 1 when the bundle names a contract that did not anchor the root", async () => {
    const anchor = bundle.anchors[0]!;
    const forged = { ...bundle, anchors: [{ ...anchor, contract: `0x${"00".repeat(19)}aa` as Hex }] };
    const { code, out } = await verify(writeTempBundle(forged), "--rpc", node!.url);
    expect(code).toBe(1);
    expect(out).toMatch(/✗ RootAnchored event/);
    expect(out).toMatch(/✗ anchoredAt\s+no contract answers/);
  }, 30_000);

  it("exits 1 with --min-status final while the anchor is only included", async () => {
    const { code, out } = await verify(writeTempBundle(bundle), "--rpc", node!.url, "--min-status", "final");
    expect(code).toBe(1);
    expect(out).toMatch(/^NOT ANCHORED YET — anchored \(status included\) but not final yet/m);
  }, 30_000);

  it("When the chain was reset after the bundle was saved, then it says the genesis differs instead of only 'no receipt'", async () => {
    // A second Hardhat chain with the same chain id: what a restarted demo chain looks like to a verifier.
    const reset = await startHardhatNode();
    try {
      const before = await genesisOf(node!.url);
      const after = await genesisOf(reset.url);
      expect(after).not.toBe(before); // precondition: another genesis (its block 0 has another timestamp)
      const saved = { ...bundle, anchors: [{ ...bundle.anchors[0]!, genesisHash: before }] };
      const file = writeTempBundle(saved);

      const { code, out } = await verify(file, "--rpc", reset.url);
      expect(code).toBe(1);
      const label = reset.url.replace(/\/$/, "");
      expect(out).toContain(
        `✗ genesis              the chain at ${label} has a different genesis (${after}) than the bundle's anchor (${before}): the chain was reset or this is another network`,
      );
      expect(out).toMatch(
        /^NOT VERIFIED — could not check anchor 1 \(chain \d+\): the chain at .* has a different genesis/m,
      );

      // The same bundle against the chain it was anchored on: its genesis matches and it verifies.
      expect((await verify(file, "--rpc", node!.url)).code).toBe(0);
    } finally {
      await stopNode(reset);
    }
  }, 150_000);

  describe(`on Node 20 (${NODE20})`, () => {
    let workDir: string;

    beforeAll(() => {
      const version = execFileSync(NODE20, ["--version"], { encoding: "utf8" }).trim();
      if (!/^v(20|21)\./.test(version))
        throw new Error(
          `${NODE20} is ${version}, not Node 20: set SEALTRAIL_TEST_NODE20 to a Node 20 binary`,
        );
      if (!existsSync(STANDALONE))
        throw new Error(`${STANDALONE} is missing: run npm run build:verifier first (npm test does)`);
      // Outside the repository, with nothing installed next to it: what an auditor downloads.
      workDir = mkdtempSync(join(tmpdir(), "sealtrail-auditor-"));
      copyFileSync(STANDALONE, join(workDir, "sealtrail-verify.mjs"));
    });

    afterAll(() => rmSync(workDir, { recursive: true, force: true }));

    it("node sealtrail-verify.mjs (the standalone file, alone in a folder) exits 0 and shows the signed reading for a real anchored bundle", async () => {
      const { code, out, err } = await runWith(
        NODE20,
        ["sealtrail-verify.mjs", writeTempBundle(bundle), "--rpc", node!.url],
        workDir,
      );
      expect(err).toBe("");
      expect(out).toMatch(
        /^ {2}signed {2}seq 2, 2023-11-14T22:15:20\.000Z \(ts 1700000120000\), temp_c 4\.2$/m,
      );
      expect(out).toMatch(/^VALID — anchored on chain \d+ in block \d+/m);
      expect(code).toBe(0);
    }, 60_000);

    it("node sealtrail-verify.mjs exits 1 naming the field when the bundle's reading was edited (temp_c 4.2 → 2.0)", async () => {
      const edited = { ...bundle, reading: { ...bundle.reading, m: { temp_c: 2.0 } } };
      const { code, out } = await runWith(
        NODE20,
        ["sealtrail-verify.mjs", writeTempBundle(edited), "--rpc", node!.url],
        workDir,
      );
      expect(out).toMatch(
        /^INVALID — reading failed: bundle field reading differs from the signed payload: m\.temp_c is 2, signed 4\.2$/m,
      );
      expect(code).toBe(1);
    }, 60_000);

    it("node cli/sealtrail.js verify exits 0 for the same bundle", async () => {
      const { code, out } = await runWith(
        NODE20,
        ["cli/sealtrail.js", "verify", writeTempBundle(bundle), "--rpc", node!.url],
        REPO_ROOT,
      );
      expect(out).toMatch(/^VALID — anchored on chain \d+ in block \d+/m);
      expect(code).toBe(0);
    }, 60_000);

    it("node cli/sealtrail.js demo says it needs Node 22.18 and exits 2 instead of crashing", async () => {
      const { code, out, err } = await runWith(NODE20, ["cli/sealtrail.js", "demo"], REPO_ROOT);
      expect(out).toBe("");
      expect(err).toMatch(/^sealtrail demo: needs Node\.js >= 22\.18, this is v2\d\./);
      expect(err).toMatch(/`sealtrail verify` runs on Node >= 20/);
      expect(code).toBe(2);
    }, 60_000);
  });
});
