// A device key's whole path on a real Hardhat chain: registered in the store, put on chain by the registrar,
// a reading anchored, the key revoked (on chain too), a later reading by the same key anchored after the
// revocation. `sealtrail verify` (and the standalone verifier file) accept the first bundle, refuse the
// second because the key was revoked before its anchoring, and judge a bundle without a registry section
// with a line saying the key was not checked.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Wallet } from "ethers";
import pino from "pino";
import { BatchTreeCache, buildProofBundle } from "#api";
import { formatReport, verifyBundle } from "#cli";
import {
  Anchorer,
  EthersAnchorChain,
  GatewayMetrics,
  MerkleRootBuilder,
  Registrar,
  type SqliteStore,
  sealPendingBatch,
} from "#gateway";
import {
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  type ProofBundle,
  readingToJson,
  signReading,
} from "#protocol";
import { closeProviders, verifyBundle as verifyIndependently } from "../independent/verify.mjs";
import { type RegistryFixture, startRegistryFixture, tempStore } from "../integration/registryKit.ts";

const device = deviceIdentityFromPrivateKey(
  keccak256(new TextEncoder().encode("EXAMPLE key registry verification")),
);
const STANDALONE = new URL("../../dist/sealtrail-verify.mjs", import.meta.url).pathname;

let f: RegistryFixture;
let s: ReturnType<typeof tempStore>;
let store: SqliteStore;
let registrar: Registrar;
let anchorer: Anchorer;
let target: { chainId: number; contract: Hex };
let prev: Uint8Array = GENESIS_PREV;
let seq = 0;

beforeAll(async () => {
  f = await startRegistryFixture();
  s = tempStore();
  store = s.open();
  registrar = new Registrar({ store, chain: f.registryChain(), logger: pino({ level: "silent" }) });
  const chain = new EthersAnchorChain({
    provider: f.provider,
    wallet: new Wallet(f.anchorerKey),
    chainId: f.chain.chainId,
    contract: f.anchor,
  });
  target = chain.target;
  anchorer = new Anchorer({
    store,
    chain,
    logger: pino({ level: "silent" }),
    metrics: new GatewayMetrics(),
    finalityDepth: 1,
    fees: { maxFeePerGasCap: 100_000_000_000n, bumpPercent: 25 },
    stuckAfterMs: 60_000,
    onGenesisChange: "halt",
  });
}, 120_000);
afterAll(async () => {
  closeProviders();
  await registrar?.close();
  await anchorer?.close();
  await store?.close();
  s?.cleanup();
  await f?.stop();
});

/** Stores one signed reading of the device, seals it into its own batch and anchors it; its bundle. */
async function anchoredReading(): Promise<ProofBundle> {
  seq++;
  const reading = { v: 1, seq, ts: Date.now(), prev, m: { temp_c: 4 + seq } } as const;
  const { message, messageId } = signReading(device, reading);
  prev = hexToBytes(messageId, 32);
  // Straight into the store: the gateway would refuse a revoked key's reading, but a verifier must not
  // rely on that (an operator who let one through, or a stolen key, is exactly what it checks against).
  await store.insertMessage({
    messageId,
    device: device.address,
    seq,
    raw: message,
    deviceTs: reading.ts,
    receivedAt: Date.now(),
    payloadJson: JSON.stringify(readingToJson(reading)),
  });
  await sealPendingBatch({ store, builder: new MerkleRootBuilder(), maxSize: 1, maxAgeMs: 0, now: Date.now });
  for (let i = 0; i < 50; i++) {
    await anchorer.tick();
    const anchors = await store.getAnchors((await store.getMessage(messageId))!.batchId!);
    if (anchors.some((a) => a.status === "included" || a.status === "final")) break;
    await f.provider.send("evm_mine", []);
  }
  const bundle = await buildProofBundle(messageId, {
    store,
    anchorTargets: [target],
    trees: new BatchTreeCache(),
  });
  return bundle!;
}

const verify = (bundle: unknown) =>
  verifyBundle(JSON.stringify(bundle), {
    source: "bundle.json",
    rpcUrls: [f.chain.rpcUrl],
    minStatus: "included",
  });

describe("the signing key's registry state in proof bundles", () => {
  let before: ProofBundle;
  let after: ProofBundle;

  it("When the key is registered on chain, then its reading's bundle names the registry and verifies", async () => {
    await store.registerDevice({
      address: device.address,
      publicKey: device.publicKey,
      label: "probe",
      registeredAt: Date.now(),
    });
    await registrar.tick();
    before = await anchoredReading();
    expect(before.registry).toEqual({
      chainId: f.chain.chainId,
      contract: f.registry,
      key: device.address,
      kind: "device",
    });
    const report = await verify(before);
    expect(report.verdict.status).toBe("valid");
    expect(report.signingKey).toMatchObject({ result: "verified", record: { revokedAt: 0 } });
    expect(formatReport(report)).toMatch(/✓ active at anchor\s+device key registered at/);
  });

  it("When the key is revoked, then a message anchored later fails verification while the earlier one still passes", async () => {
    await store.revokeDevice(device.address, Date.now());
    await registrar.tick();
    expect((await store.registryOperationsOf(device.address)).map((o) => o.state)).toEqual(["done", "done"]);
    // The revocation's block, then a later one for the next anchor (block times are whole seconds).
    await f.provider.send("evm_increaseTime", [5]);
    after = await anchoredReading();

    const late = await verify(after);
    expect(late.valid).toBe(false);
    expect(late.verdict).toMatchObject({
      status: "invalid",
      summary: expect.stringMatching(/^signing key: revoked at .* at or before the anchoring/),
    });
    expect(late.signingKey?.result).toBe("failed");
    expect(formatReport(late)).toMatch(/✗ active at anchor/);

    const early = await verify(before);
    expect(early.verdict.status).toBe("valid");
    expect(early.signingKey?.detail).toMatch(/revoked at .* \(after the anchoring\)/);
  });

  it("When the independent verifier (written from docs/protocol.md) checks them, then it agrees", async () => {
    const early = await verifyIndependently(before, { rpcUrl: f.chain.rpcUrl });
    expect(early.ok).toBe(true);
    expect(early.key).toMatchObject({ checked: true, ok: true });
    const late = await verifyIndependently(after, { rpcUrl: f.chain.rpcUrl });
    expect(late.ok).toBe(false);
    expect(late.key).toMatchObject({
      checked: true,
      ok: false,
      detail: expect.stringMatching(/^revoked at/),
    });
  });

  it("When a bundle names no registry (written before the field existed), then it verifies and says the key was not checked", async () => {
    const { registry: _dropped, ...old } = before;
    const report = await verify(old);
    expect(report.verdict.status).toBe("valid");
    expect(report.signingKey).toMatchObject({ result: "absent", registry: null });
    expect(formatReport(report)).toMatch(/names no key registry/);
  });

  it("When the standalone verifier file checks them, then it agrees (exit 0 before, 1 after the revocation)", () => {
    // Built by `npm run build:verifier`; without it this check cannot run here.
    expect(existsSync(STANDALONE)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "sealtrail-standalone-"));
    try {
      const run = (bundle: ProofBundle, name: string) => {
        const path = join(dir, name);
        writeFileSync(path, JSON.stringify(bundle));
        return spawnSync(process.execPath, [STANDALONE, path, "--rpc", f.chain.rpcUrl], { encoding: "utf8" });
      };
      const ok = run(before, "before.json");
      expect(ok.stdout).toMatch(/^VALID/m);
      expect(ok.status).toBe(0);
      const bad = run(after, "after.json");
      expect(bad.stdout).toMatch(/^INVALID — signing key: revoked at/m);
      expect(bad.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
