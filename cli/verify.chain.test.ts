// `sealtrail verify` against a real chain: a `hardhat node --chain-type op` child process on a free port,
// with SealtrailAnchor deployed and a bundle's root anchored by a real transaction.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { JsonRpcProvider, Network, NonceManager, Wallet } from "ethers";
import { deploySealtrail } from "#contracts";
import type { Hex, ProofBundle } from "#protocol";
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

async function verify(...argv: string[]) {
  const io = captureIo();
  const code = await run(argv, io);
  return { code, out: io.out() };
}

describe("sealtrail verify against a Hardhat chain", () => {
  let node: { child: ChildProcess; url: string } | undefined;
  let bundle: ProofBundle;

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

  afterAll(async () => {
    removeTempBundles();
    if (node && node.child.exitCode === null) {
      const exited = new Promise((resolve) => node!.child.once("exit", resolve));
      node.child.kill("SIGTERM");
      await exited;
    }
  });

  it("exits 0 with every check passed for a bundle whose root was anchored by a real transaction", async () => {
    const { code, out } = await verify(writeTempBundle(bundle), "--rpc", node!.url);
    expect(out).not.toMatch(/✗/);
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
});
