import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { Wallet } from "ethers";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";
import {
  allStatuses,
  anchorEventsPerRoot,
  type ChainFixture,
  startChainFixture,
  storeWithBatches,
} from "./harness.ts";

jest.setTimeout(180_000);

let fx: ChainFixture;
beforeAll(async () => {
  fx = await startChainFixture();
});
afterAll(async () => {
  await fx?.stop();
});

function runChild(
  env: Record<string, string>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/anchoring/anchorerChild.ts"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code, signal) => resolve({ code, signal, out }));
  });
}

describe("When the gateway is killed (SIGKILL) at each point of sending an anchor", () => {
  it.each(["afterSign", "afterRecord", "afterBroadcast"])(
    "then after a restart every root is anchored exactly once, with no nonce gap and no batch lost (killed %s)",
    async (fault) => {
      const s = await storeWithBatches(4, 2);
      const env = {
        SEALTRAIL_STORE: s.path,
        SEALTRAIL_RPC: fx.chain.rpcUrl,
        SEALTRAIL_CHAIN_ID: String(fx.chain.chainId),
        SEALTRAIL_CONTRACT: fx.contract,
        SEALTRAIL_ANCHORER_KEY: fx.anchorerKey,
      };
      const crashed = await runChild({ ...env, SEALTRAIL_FAULT: fault });
      expect({ signal: crashed.signal, out: crashed.out }).toEqual({ signal: "SIGKILL", out: "" });
      const restarted = await runChild(env);
      expect({ code: restarted.code, out: restarted.out }).toEqual({ code: 0, out: "" });

      const roots = (await s.store.listBatches()).map((b) => b.root);
      expect(roots).toHaveLength(4);
      expect(await anchorEventsPerRoot(fx, fx.contract, roots)).toEqual([1, 1, 1, 1]);
      expect(
        (await allStatuses(s.store, { chainId: fx.chain.chainId, contract: fx.contract })).every(
          (x) => x === "included" || x === "final",
        ),
      ).toBe(true);
      const address = new Wallet(fx.anchorerKey).address;
      expect(await fx.provider.getTransactionCount(address, "pending")).toBe(
        await fx.provider.getTransactionCount(address, "latest"),
      );
      await s.cleanup();
    },
  );
});
