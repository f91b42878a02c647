// A gateway's anchorer in its own process, for crash tests: anchors every sealed batch of the store at
// SEALTRAIL_STORE on the chain at SEALTRAIL_RPC, and SIGKILLs itself at the point named by
// SEALTRAIL_FAULT (afterSign | afterRecord | afterBroadcast). Exits 0 once every batch is included.
import { JsonRpcProvider, Wallet } from "ethers";
import pino from "pino";
import { Anchorer, EthersAnchorChain, GatewayMetrics, SqliteStore } from "#gateway";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const fault = process.env.SEALTRAIL_FAULT;
const kill = () => process.kill(process.pid, "SIGKILL");

const store = SqliteStore.open(env("SEALTRAIL_STORE"));
const chainId = Number(env("SEALTRAIL_CHAIN_ID"));
const provider = new JsonRpcProvider(env("SEALTRAIL_RPC"), chainId, {
  staticNetwork: true,
  cacheTimeout: -1,
});
const chain = new EthersAnchorChain({
  provider,
  wallet: new Wallet(env("SEALTRAIL_ANCHORER_KEY")),
  chainId,
  contract: env("SEALTRAIL_CONTRACT"),
});
const anchorer = new Anchorer({
  store,
  chain,
  logger: pino({ level: "silent" }),
  metrics: new GatewayMetrics(),
  finalityDepth: 1,
  fees: { maxFeePerGasCap: 100_000_000_000n, bumpPercent: 25 },
  stuckAfterMs: 60_000,
  onGenesisChange: "halt",
  maxRootsPerTx: 2,
  // The restarted child is the same gateway: under the same name it resumes at once, not after the lease.
  holder: "anchorerChild",
  faults: {
    ...(fault === "afterSign" ? { afterSign: kill } : {}),
    ...(fault === "afterRecord" ? { afterRecord: kill } : {}),
    ...(fault === "afterBroadcast" ? { afterBroadcast: kill } : {}),
  },
});

const deadline = Date.now() + 60_000;
while (Date.now() < deadline) {
  await anchorer.tick();
  const batches = await store.listBatches();
  const statuses = await Promise.all(batches.map(async (b) => (await store.getAnchors(b.id))[0]?.status));
  if (statuses.every((s) => s === "included" || s === "final")) {
    await store.close();
    provider.destroy();
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 100));
}
process.exit(3);
