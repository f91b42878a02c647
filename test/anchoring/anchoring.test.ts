import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { JsonRpcProvider, Wallet } from "ethers";
import mqtt from "mqtt";
import { EthersAnchorChain, Gateway, parseGatewayConfig } from "#gateway";
import {
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  signConnectToken,
  signReading,
} from "#protocol";
import {
  addBatches,
  allStatuses,
  anchorEventsPerRoot,
  type ChainFixture,
  captureLogger,
  makeAnchorer,
  runUntil,
  startChainFixture,
  storeWithBatches,
} from "./harness.ts";
import { startToggleProxy } from "./toggleProxy.ts";

jest.setTimeout(120_000);

let fx: ChainFixture;
const mine = () => fx.rpc("evm_mine");
const rootsOf = async (store: { listBatches(): Promise<{ root: Hex }[]> }) =>
  (await store.listBatches()).map((b) => b.root);

beforeAll(async () => {
  fx = await startChainFixture();
});
afterAll(async () => {
  await fx?.stop();
});

describe("anchoring against a real local chain", () => {
  it("anchors every sealed root once and follows it to final", async () => {
    const s = await storeWithBatches(3);
    const { anchorer } = makeAnchorer(fx, s.store);
    const target = { chainId: fx.chain.chainId, contract: fx.contract };
    await runUntil(anchorer, async () => (await allStatuses(s.store, target)).every((x) => x === "final"), {
      mine,
    });
    expect(await anchorEventsPerRoot(fx, fx.contract, await rootsOf(s.store))).toEqual([1, 1, 1]);
    const anchors = await s.store.getAnchors(1);
    expect(anchors[0]).toMatchObject({ status: "final", attempts: 1 });
    expect(Number(anchors[0]!.gasUsed)).toBeGreaterThan(0);
    expect(BigInt(anchors[0]!.feeWei!)).toBeGreaterThan(0n);
    await s.cleanup();
  });

  it("When the RPC is down, then batches wait while ingest goes on, and are anchored once it returns", async () => {
    const s = await storeWithBatches(0);
    const proxy = await startToggleProxy(fx.port);
    const provider = new JsonRpcProvider(proxy.url, fx.chain.chainId, {
      staticNetwork: true,
      pollingInterval: 100,
      cacheTimeout: -1,
    });
    const gateway = new Gateway({
      config: parseGatewayConfig({ mqttPort: 0, batchMaxSize: 2, batchMaxAgeMs: 100 }),
      store: s.store,
      anchorChains: [
        new EthersAnchorChain({
          provider,
          wallet: new Wallet(fx.anchorerKey),
          chainId: fx.chain.chainId,
          contract: fx.contract,
        }),
      ],
      anchoring: {
        finalityDepth: 1,
        intervalMs: 200,
        fees: { maxFeePerGasCap: 100_000_000_000n, bumpPercent: 25 },
        stuckAfterMs: 60_000,
      },
    });
    await gateway.start();
    const device = deviceIdentityFromPrivateKey(
      keccak256(new TextEncoder().encode("EXAMPLE key rpc outage")),
    );
    await gateway.registry.register(device.publicKey, "outage");
    await proxy.down();
    const client = mqtt.connect(gateway.mqttUrl, {
      clientId: device.address,
      username: device.address,
      password: Buffer.from(signConnectToken(device, Math.floor(Date.now() / 1000))),
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    let prev: Uint8Array = GENESIS_PREV;
    for (let seq = 1; seq <= 6; seq++) {
      const { message, messageId } = signReading(device, {
        v: 1,
        seq,
        ts: Date.now(),
        prev,
        m: { temp_c: seq },
      });
      prev = hexToBytes(messageId, 32);
      await new Promise<void>((resolve, reject) =>
        client.publish(`devices/${device.address}/readings`, Buffer.from(message), { qos: 1 }, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
    }
    await gateway.batcher.flush();
    await new Promise((r) => setTimeout(r, 1500));
    const target = gateway.anchorTargets()[0]!;
    // Six readings in batches of at most 2 (3 batches), or more when a loaded machine lets one age out
    // (100 ms) half full: every reading sealed, and no batch anchored while the RPC is down.
    const batches = await s.store.listBatches();
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(6);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(await allStatuses(s.store, target)).toEqual(batches.map(() => "none"));
    await proxy.up();
    await runUntil(
      gateway.anchorers[0]!,
      async () => (await allStatuses(s.store, target)).every((x) => x === "included" || x === "final"),
      { mine },
    );
    expect(await anchorEventsPerRoot(fx, fx.contract, await rootsOf(s.store))).toEqual(batches.map(() => 1));
    client.end(true);
    await gateway.close();
    provider.destroy();
    await proxy.close();
    await s.cleanup();
  });

  it("replaces a transaction stuck under a low fee with a bumped one, and alerts at the cap instead of overpaying", async () => {
    const s = await storeWithBatches(1);
    const target = { chainId: fx.chain.chainId, contract: fx.contract };
    await fx.rpc("evm_setAutomine", [false]);
    await fx.rpc("evm_setIntervalMining", [0]);
    const expensive = async () => {
      await fx.rpc("hardhat_setNextBlockBaseFeePerGas", [`0x${(20_000_000_000).toString(16)}`]);
      await mine();
    };
    try {
      // Cap below the base fee: it must stay stuck at the cap with an alert.
      const capped = captureLogger();
      const low = makeAnchorer(fx, s.store, {
        stuckAfterMs: 300,
        logger: capped.logger,
        fees: { maxFeePerGasCap: 5_000_000_000n, bumpPercent: 25 },
      });
      await low.anchorer.tick();
      for (let i = 0; i < 12; i++) {
        await expensive();
        await new Promise((r) => setTimeout(r, 150));
        await low.anchorer.tick();
      }
      const stuck = (await s.store.getAnchors(1))[0]!;
      expect(stuck.status).toBe("submitted");
      expect(BigInt(stuck.maxFeePerGas!)).toBe(5_000_000_000n);
      expect(stuck.attempts).toBeGreaterThanOrEqual(2);
      expect(capped.lines.some((l) => l.alert === "ANCHOR_FEE_CAP_REACHED")).toBe(true);
      // The alert rule's metric (deploy/prometheus/alerts.yml) says so for as long as it waits at the cap.
      expect((await low.metrics.anchorsAtFeeCap.get()).values.map((v) => v.value)).toEqual([1]);

      // A higher cap: the next replacement gets mined.
      const high = makeAnchorer(fx, s.store, { stuckAfterMs: 300 });
      await runUntil(high.anchorer, async () => (await allStatuses(s.store, target))[0] === "included", {
        mine: expensive,
      });
      const done = (await s.store.getAnchors(1))[0]!;
      expect(BigInt(done.maxFeePerGas!)).toBeGreaterThan(5_000_000_000n);
      await low.anchorer.tick();
      expect((await low.metrics.anchorsAtFeeCap.get()).values.map((v) => v.value)).toEqual([0]);
      expect(await anchorEventsPerRoot(fx, fx.contract, await rootsOf(s.store))).toEqual([1]);
      expect(await fx.provider.getTransactionCount(new Wallet(fx.anchorerKey).address, "pending")).toBe(
        await fx.provider.getTransactionCount(new Wallet(fx.anchorerKey).address, "latest"),
      );
    } finally {
      await fx.rpc("evm_setAutomine", [true]);
    }
    await s.cleanup();
  });

  it("When a reorg drops the anchor transaction, then the status goes back and the root is anchored again", async () => {
    const s = await storeWithBatches(1);
    const target = { chainId: fx.chain.chainId, contract: fx.contract };
    const { anchorer } = makeAnchorer(fx, s.store, { finalityDepth: 50 });
    const snapshot = await fx.rpc("evm_snapshot");
    await runUntil(anchorer, async () => (await allStatuses(s.store, target))[0] === "included");
    const firstBlock = (await s.store.getAnchors(1))[0]!.blockNumber;
    await fx.rpc("evm_revert", [snapshot]);
    await anchorer.tick();
    expect((await s.store.getAnchors(1))[0]!.status).not.toBe("included");
    await runUntil(anchorer, async () => (await allStatuses(s.store, target))[0] === "included", { mine });
    expect((await s.store.getAnchors(1))[0]!.blockNumber).not.toBeNull();
    expect(await anchorEventsPerRoot(fx, fx.contract, await rootsOf(s.store))).toEqual([1]);
    expect(firstBlock).not.toBeNull();
    await s.cleanup();
  });
});

describe("a local chain reset (new genesis)", () => {
  it("halts with an alert in production mode, and redeploys and re-anchors every root in demo mode", async () => {
    const s = await storeWithBatches(2);
    const first = makeAnchorer(fx, s.store);
    await runUntil(
      first.anchorer,
      async () =>
        (await allStatuses(s.store, first.chain.target)).every((x) => x === "included" || x === "final"),
      { mine },
    );
    // Same port, new genesis.
    const port = fx.port;
    await fx.stop();
    fx = await startChainFixture({ port });
    const captured = captureLogger();
    const prod = makeAnchorer(fx, s.store, { logger: captured.logger });
    await prod.anchorer.tick();
    expect(prod.anchorer.isHalted).toBe(true);
    expect(captured.lines.some((l) => l.alert === "CHAIN_GENESIS_CHANGED")).toBe(true);

    const demoLog = captureLogger();
    const demo = makeAnchorer(fx, s.store, {
      onGenesisChange: { redeploy: fx.deploy },
      logger: demoLog.logger,
    });
    const oldContract = fx.contract;
    await runUntil(
      demo.anchorer,
      async () =>
        (await allStatuses(s.store, demo.chain.target)).every((x) => x === "included" || x === "final"),
      { mine },
    );
    expect(demo.chain.target.contract).not.toBe(oldContract);
    expect(demoLog.lines.some((l) => String(l.msg).includes("contract redeployed"))).toBe(true);
    expect(await anchorEventsPerRoot(fx, demo.chain.target.contract, await rootsOf(s.store))).toEqual([1, 1]);
    await addBatches(s.store, 1);
    await runUntil(
      demo.anchorer,
      async () =>
        (await allStatuses(s.store, demo.chain.target)).every((x) => x !== "none" && x !== "sealed"),
      { mine },
    );
    await s.cleanup();
  });
});
