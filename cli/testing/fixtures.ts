// Test support for cli/ tests (not exported from cli/index.ts): EXAMPLE bundles, a fake chain, captured io.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AnchorRecord,
  bytesToHex,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  keccak256,
  LEAF_ENCODING,
  MessageMerkleTree,
  type ProofBundle,
  readingToJson,
  signReading,
} from "#protocol";
import type { CliIo } from "../io.ts";
import type { AnchorChain, ChainReceipt } from "../verify/anchorChain.ts";
import { anchorVerifierInterface } from "../verify/anchorContract.ts";

/** An EXAMPLE device: its private key is derived from a public label, never use such keys for real. */
export const EXAMPLE_DEVICE = deviceIdentityFromPrivateKey(
  keccak256(new TextEncoder().encode("EXAMPLE key cli tests")),
);
export const EXAMPLE_CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex;
export const EXAMPLE_TX = `0x${"ab".repeat(32)}` as Hex;
export const EXAMPLE_BLOCK = 12;
export const EXAMPLE_TIMESTAMP = 1_700_001_000;

/** A bundle of reading 2 of a 3-reading batch, anchored as `anchors` say (default: included on 31337). */
export function exampleBundle(anchors?: AnchorRecord[]): ProofBundle {
  let prev: Uint8Array = GENESIS_PREV;
  const readings = [1, 2, 3].map((seq) => {
    const payload = {
      v: 1 as const,
      seq,
      ts: 1_700_000_000_000 + seq * 60_000,
      prev,
      m: { temp_c: 4 + seq / 10 },
    };
    const signed = signReading(EXAMPLE_DEVICE, payload);
    prev = keccak256(signed.message);
    return { ...signed, payload };
  });
  const tree = MessageMerkleTree.build(readings.map((r) => r.messageId));
  const r = readings[1]!;
  return {
    format: "sealtrail-proof-v1",
    message: bytesToHex(r.message),
    messageId: r.messageId,
    device: EXAMPLE_DEVICE.address,
    publicKey: bytesToHex(EXAMPLE_DEVICE.publicKey),
    reading: readingToJson(r.payload),
    merkle: { root: tree.root, proof: tree.getProof(r.messageId), leafEncoding: LEAF_ENCODING },
    anchors: anchors ?? [includedAnchor()],
  };
}

export function includedAnchor(overrides: Partial<AnchorRecord> = {}): AnchorRecord {
  return {
    chainId: 31337,
    contract: EXAMPLE_CONTRACT,
    txHash: EXAMPLE_TX,
    blockNumber: EXAMPLE_BLOCK,
    blockTimestamp: EXAMPLE_TIMESTAMP,
    status: "included",
    ...overrides,
  };
}

export function notOnChainAnchor(status: "pending" | "sealed" | "submitted"): AnchorRecord {
  return {
    chainId: 31337,
    contract: EXAMPLE_CONTRACT,
    txHash: status === "submitted" ? EXAMPLE_TX : null,
    blockNumber: null,
    blockTimestamp: null,
    status,
  };
}

const tempDirs: string[] = [];

/** Writes `content` (a bundle or raw text) to a fresh temp file; returns its path. */
export function writeTempBundle(content: ProofBundle | string): string {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-cli-"));
  tempDirs.push(dir);
  const path = join(dir, "bundle.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

/** Removes every file written by {@link writeTempBundle} (call in afterAll). */
export function removeTempBundles(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** io that records what a command writes. */
export function captureIo(): CliIo & { out(): string; err(): string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    out: () => out,
    err: () => err,
  };
}

/** What the fake chain holds: by default, the anchoring of `root` exactly as includedAnchor() claims. */
export type FakeChainState = {
  chainId: bigint;
  receipt: ChainReceipt | null;
  blockHash: string;
  blockTimestamp: number;
  latestBlock: number;
  anchoredAt: bigint | null;
  /** Hash of block 0; when unset, block 0 is not found. */
  genesisHash?: string;
  /** When set, every read rejects with it. */
  failWith?: Error;
};

/** A fake {@link AnchorChain}: a RootAnchored log for `root` from EXAMPLE_CONTRACT in EXAMPLE_BLOCK. */
export function fakeChain(
  root: Hex,
  overrides: Partial<FakeChainState> = {},
): AnchorChain & { closed: boolean } {
  const blockHash = `0x${"cd".repeat(32)}`;
  const iface = anchorVerifierInterface();
  const anchorer = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  const log = iface.encodeEventLog("RootAnchored", [root, anchorer, EXAMPLE_TIMESTAMP]);
  const state: FakeChainState = {
    chainId: 31337n,
    receipt: {
      status: 1,
      blockNumber: EXAMPLE_BLOCK,
      blockHash,
      logs: [{ address: EXAMPLE_CONTRACT, topics: log.topics, data: log.data }],
    },
    blockHash,
    blockTimestamp: EXAMPLE_TIMESTAMP,
    latestBlock: EXAMPLE_BLOCK + 4,
    anchoredAt: BigInt(EXAMPLE_TIMESTAMP),
    ...overrides,
  };
  const answer = async <T>(value: T): Promise<T> => {
    if (state.failWith) throw state.failWith;
    return value;
  };
  return {
    label: "fake://chain",
    chainId: state.chainId,
    closed: false,
    getTransactionReceipt: () => answer(state.receipt),
    getBlock: (n) =>
      answer(
        n === state.receipt?.blockNumber
          ? { hash: state.blockHash, timestamp: state.blockTimestamp }
          : n === 0 && state.genesisHash !== undefined
            ? { hash: state.genesisHash, timestamp: 0 }
            : null,
      ),
    getBlockNumber: () => answer(state.latestBlock),
    anchoredAt: () => answer(state.anchoredAt),
    close() {
      this.closed = true;
    },
  };
}
