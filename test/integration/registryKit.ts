// A local Hardhat chain with the Sealtrail contracts deployed and a funded registrar key holding
// REGISTRAR_ROLE, for the registrar's suites. EXAMPLE keys, tests only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { JsonRpcProvider, parseEther, Wallet } from "ethers";
import pino, { type Logger } from "pino";
import { deploySealtrail } from "#contracts";
import { EthersRegistryChain, SqliteStore } from "#gateway";
import { type Address, bytesToHex, keccak256, normalizeAddress } from "#protocol";
import { freePort } from "#test-support";
import { type LocalChain, startLocalChain } from "../../cli/demo/startLocalChain.ts";
import { HARDHAT_PUBLIC_TEST_KEY_0 } from "../../cli/demo/startStack.ts";

export const EXAMPLE_REGISTRAR_KEY = bytesToHex(
  keccak256(new TextEncoder().encode("EXAMPLE registrar key, tests only")),
);

export type RegistryFixture = {
  chain: LocalChain;
  provider: JsonRpcProvider;
  /** SealtrailDeviceRegistry. */
  registry: Address;
  /** SealtrailAnchor (the same deployment). */
  anchor: Address;
  anchorerKey: string;
  /** A registry chain signed by the registrar key (or by `key`). */
  registryChain: (key?: string) => EthersRegistryChain;
  stop: () => Promise<void>;
};

export async function startRegistryFixture(): Promise<RegistryFixture> {
  let chain: LocalChain | undefined;
  for (let attempt = 1; chain === undefined; attempt++) {
    try {
      chain = await startLocalChain({ port: await freePort() });
    } catch (error) {
      // The port was free when picked; the node binds it later, and another process may have taken it.
      if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
  const provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, {
    staticNetwork: true,
    pollingInterval: 100,
    cacheTimeout: -1,
  });
  const deployer = new Wallet(HARDHAT_PUBLIC_TEST_KEY_0, provider);
  const registrar = new Wallet(EXAMPLE_REGISTRAR_KEY);
  const anchorerKey = bytesToHex(keccak256(new TextEncoder().encode("EXAMPLE anchorer key, registry tests")));
  const anchorer = new Wallet(anchorerKey);
  const deployment = await deploySealtrail(deployer, {
    admin: deployer.address,
    anchorers: [anchorer.address],
    registrars: [registrar.address],
  });
  for (const to of [registrar.address, anchorer.address])
    await (await deployer.sendTransaction({ to, value: parseEther("10") })).wait();
  const registry = normalizeAddress(deployment.deviceRegistry.address);
  const started = chain;
  return {
    chain: started,
    provider,
    registry,
    anchor: normalizeAddress(deployment.anchor.address),
    anchorerKey,
    registryChain: (key = EXAMPLE_REGISTRAR_KEY) =>
      new EthersRegistryChain({
        provider,
        wallet: new Wallet(key),
        chainId: started.chainId,
        contract: registry,
      }),
    stop: async () => {
      provider.destroy();
      await started.stop();
    },
  };
}

/** A SQLite store in a temp dir (reopenable by path). */
export function tempStore(): { path: string; open: () => SqliteStore; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-registrar-"));
  const path = join(dir, "store.db");
  return {
    path,
    open: () => SqliteStore.open(path, { writerThread: false }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A pino logger whose lines the test can read. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}
