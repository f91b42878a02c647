import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { JsonRpcProvider, Wallet } from "ethers";
import { startApi } from "#api";
import { EthersAnchorChain, Gateway, parseGatewayConfig } from "#gateway";
import type { ProofBundle } from "#protocol";
import { runNode } from "../e2e/runNode.ts";
import { addBatches, type ChainFixture, startChainFixture, storeWithBatches } from "./harness.ts";

jest.setTimeout(180_000);

let a: ChainFixture;
let b: ChainFixture;
beforeAll(async () => {
  [a, b] = await Promise.all([startChainFixture({ chainId: 31337 }), startChainFixture({ chainId: 424242 })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe("two anchor targets on chains with different ids", () => {
  it("anchors every root on both, and the proof bundle lists both anchors, each verifying on its own chain", async () => {
    const s = await storeWithBatches(0);
    const chainOf = (fx: ChainFixture) =>
      new EthersAnchorChain({
        provider: new JsonRpcProvider(fx.chain.rpcUrl, fx.chain.chainId, {
          staticNetwork: true,
          cacheTimeout: -1,
        }),
        wallet: new Wallet(fx.anchorerKey),
        chainId: fx.chain.chainId,
        contract: fx.contract,
      });
    const gateway = new Gateway({
      config: parseGatewayConfig({ mqttPort: 0 }),
      store: s.store,
      anchorChains: [chainOf(a), chainOf(b)],
      anchoring: {
        finalityDepth: 1,
        intervalMs: 200,
        fees: { maxFeePerGasCap: 100_000_000_000n, bumpPercent: 25 },
        stuckAfterMs: 60_000,
      },
    });
    await gateway.start();
    const api = await startApi({
      store: s.store,
      registry: gateway.registry,
      adminToken: "EXAMPLE-admin-token-for-tests-only",
      anchorTargets: () => gateway.anchorTargets(),
      isReady: () => true,
      port: 0,
    });
    try {
      await addBatches(s.store, 2, 3);
      const id = (await s.store.batchMessageIds(1))[0]!;
      let bundle: ProofBundle | undefined;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const res = await fetch(`${api.url}/api/v1/readings/${id}/proof`);
        bundle = (await res.json()) as ProofBundle;
        if (res.status !== 200) throw new Error(`proof: ${res.status} ${JSON.stringify(bundle)}`);
        if (bundle.anchors.every((x) => x.status === "included" || x.status === "final")) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(bundle!.anchors.map((x) => x.chainId).sort()).toEqual([31337, 424242]);
      expect(bundle!.anchors.every((x) => x.status === "included" || x.status === "final")).toBe(true);

      const file = join(s.dir, "bundle.json");
      writeFileSync(file, JSON.stringify(bundle));
      const result = await runNode([
        "--import",
        "tsx",
        "cli/main.ts",
        "verify",
        file,
        "--rpc",
        a.chain.rpcUrl,
        "--rpc",
        b.chain.rpcUrl,
      ]);
      // The whole report when it fails: it says which check did.
      expect(result.code === 0 ? "exit 0" : result.out).toBe("exit 0");
      expect(result.out).toMatch(/424242/);
    } finally {
      await api.close();
      await gateway.close();
      await s.cleanup();
    }
  });
});
