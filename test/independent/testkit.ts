// Helpers for the independent-verifier tests: a tiny CBOR *encoder* that can also produce deliberately
// non-preferred encodings, a COSE_Sign1 signer for extra adversarial cases, and a mock JSON-RPC node.
// Written from DESIGN.md / RFC 8949 / RFC 9052 only (nothing from the project's protocol/ code).

import http from "node:http";
import type { AddressInfo } from "node:net";
import { sha256 } from "@noble/hashes/sha2.js";
import * as secp from "@noble/secp256k1";
import { hexToBytes, sigStructure } from "./verify.mjs";

// ---- CBOR encoding -------------------------------------------------------------------------------

/** Encodes a head; `width` forces the argument size (0 = in the initial byte, 1/2/4/8 bytes). */
export function head(major: number, n: number | bigint, width?: 0 | 1 | 2 | 4 | 8): Uint8Array {
  const v = BigInt(n);
  const w = width ?? (v < 24n ? 0 : v < 0x100n ? 1 : v < 0x10000n ? 2 : v < 0x100000000n ? 4 : 8);
  if (w === 0) return Uint8Array.of((major << 5) | Number(v));
  const out = new Uint8Array(1 + w);
  out[0] = (major << 5) | { 1: 24, 2: 25, 4: 26, 8: 27 }[w];
  for (let i = 0; i < w; i++) out[w - i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
export const uint = (n: number | bigint, width?: 0 | 1 | 2 | 4 | 8) => head(0, n, width);
export const int = (n: number | bigint) => (BigInt(n) >= 0n ? head(0, n) : head(1, -1n - BigInt(n)));
export const bstr = (b: Uint8Array, width?: 0 | 1 | 2 | 4 | 8) => cat(head(2, b.length, width), b);
export const tstr = (s: string) => {
  const b = new TextEncoder().encode(s);
  return cat(head(3, b.length), b);
};
export const arr = (items: Uint8Array[], width?: 0 | 1 | 2 | 4 | 8) =>
  cat(head(4, items.length, width), ...items);
export const map = (pairs: [Uint8Array, Uint8Array][]) => cat(head(5, pairs.length), ...pairs.flat());
export const f64 = (x: number) => {
  const b = new Uint8Array(9);
  b[0] = 0xfb;
  new DataView(b.buffer).setFloat64(1, x);
  return b;
};
export const f32 = (x: number) => {
  const b = new Uint8Array(5);
  b[0] = 0xfa;
  new DataView(b.buffer).setFloat32(1, x);
  return b;
};
export const f16bits = (bits: number) => Uint8Array.of(0xf9, bits >> 8, bits & 0xff);
/** A JSON-ish number the way a typical encoder would write it: integers as ints, others as float64. */
export const num = (x: number) => (Number.isInteger(x) ? int(x) : f64(x));

// ---- COSE_Sign1 ----------------------------------------------------------------------------------

export const ZERO32 = new Uint8Array(32);

export function protectedHeader(kid: Uint8Array, alg = -47): Uint8Array {
  return map([
    [uint(1), int(alg)],
    [uint(4), bstr(kid)],
  ]);
}

export interface ReadingFields {
  v?: number;
  seq: number | bigint;
  ts: number | bigint;
  prev: Uint8Array;
  m: [string, Uint8Array][];
}
export function readingPayload(r: ReadingFields): Uint8Array {
  return map([
    [tstr("v"), uint(r.v ?? 1)],
    [tstr("seq"), uint(r.seq)],
    [tstr("ts"), uint(r.ts)],
    [tstr("prev"), bstr(r.prev)],
    [tstr("m"), map(r.m.map(([k, v]) => [tstr(k), v]))],
  ]);
}

/** ES256K over SHA-256(Sig_structure); `externalAad` lets a test sign something the verifier must not accept. */
export function sign(
  privateKey: string,
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  externalAad?: Uint8Array,
) {
  const toBeSigned = externalAad
    ? arr([tstr("Signature1"), bstr(protectedBytes), bstr(externalAad), bstr(payload)])
    : sigStructure(protectedBytes, payload);
  return secp.sign(sha256(toBeSigned), hexToBytes(privateKey), { prehash: false, lowS: true });
}

export interface EnvelopeOptions {
  tag?: Uint8Array; // encoded tag head, default d2
  unprotected?: Uint8Array; // encoded map, default a0
  protectedWidth?: 0 | 1 | 2 | 4 | 8;
  payloadWidth?: 0 | 1 | 2 | 4 | 8;
  signatureWidth?: 0 | 1 | 2 | 4 | 8;
  arrayWidth?: 0 | 1 | 2 | 4 | 8;
}
export function envelope(
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  signature: Uint8Array,
  o: EnvelopeOptions = {},
): Uint8Array {
  return cat(
    o.tag ?? Uint8Array.of(0xd2),
    arr(
      [
        bstr(protectedBytes, o.protectedWidth),
        o.unprotected ?? Uint8Array.of(0xa0),
        bstr(payload, o.payloadWidth),
        bstr(signature, o.signatureWidth),
      ],
      o.arrayWidth,
    ),
  );
}

/** Builds and signs a complete reading message. */
export function signedReading(
  privateKey: string,
  kid: Uint8Array,
  payload: Uint8Array,
  o: EnvelopeOptions & { protectedBytes?: Uint8Array } = {},
) {
  const ph = o.protectedBytes ?? protectedHeader(kid);
  return envelope(ph, payload, sign(privateKey, ph, payload), o);
}

// ---- mock JSON-RPC node --------------------------------------------------------------------------

export interface MockChain {
  chainId: number;
  latest: number;
  receipts: Record<string, unknown>;
  blocks: Record<number, unknown>;
}
export interface MockServer {
  url: string;
  chain: MockChain;
  close: () => Promise<void>;
}

type RpcRequest = { id: number; method: string; params: unknown[] };

export async function startMockRpc(chain: MockChain): Promise<MockServer> {
  const answer = (r: RpcRequest) => {
    const q = (n: number) => `0x${n.toString(16)}`;
    switch (r.method) {
      case "eth_chainId":
        return { jsonrpc: "2.0", id: r.id, result: q(chain.chainId) };
      case "eth_blockNumber":
        return { jsonrpc: "2.0", id: r.id, result: q(chain.latest) };
      case "eth_getTransactionReceipt":
        return {
          jsonrpc: "2.0",
          id: r.id,
          result: chain.receipts[String(r.params[0]).toLowerCase()] ?? null,
        };
      case "eth_getBlockByNumber":
        return { jsonrpc: "2.0", id: r.id, result: chain.blocks[Number(r.params[0])] ?? null };
      default:
        return {
          jsonrpc: "2.0",
          id: r.id,
          error: { code: -32601, message: `method ${r.method} not mocked` },
        };
    }
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const j = JSON.parse(body) as RpcRequest | RpcRequest[];
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(j) ? j.map(answer) : answer(j)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    chain,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A receipt + block pair in the shape an Ethereum node returns. */
export function mockAnchorTx(o: {
  txHash: string;
  contract: string;
  blockNumber: number;
  timestamp: number;
  topics: string[];
  status?: number;
}) {
  const q = (n: number) => `0x${n.toString(16)}`;
  const blockHash = `0x${"cd".repeat(31)}${o.blockNumber.toString(16).padStart(2, "0").slice(-2)}`;
  const receipt = {
    transactionHash: o.txHash,
    blockHash,
    blockNumber: q(o.blockNumber),
    transactionIndex: "0x0",
    from: `0x${"11".repeat(20)}`,
    to: o.contract,
    contractAddress: null,
    cumulativeGasUsed: "0xb000",
    gasUsed: "0xb000",
    effectiveGasPrice: "0x1",
    logsBloom: `0x${"00".repeat(256)}`,
    status: q(o.status ?? 1),
    type: "0x2",
    logs: [
      {
        address: o.contract,
        topics: o.topics,
        data: `0x${"00".repeat(32)}`,
        blockNumber: q(o.blockNumber),
        blockHash,
        transactionHash: o.txHash,
        transactionIndex: "0x0",
        logIndex: "0x0",
        removed: false,
      },
    ],
  };
  const block = {
    number: q(o.blockNumber),
    hash: blockHash,
    parentHash: `0x${"00".repeat(32)}`,
    timestamp: q(o.timestamp),
    nonce: "0x0000000000000000",
    difficulty: "0x0",
    gasLimit: "0x1c9c380",
    gasUsed: "0xb000",
    miner: `0x${"00".repeat(20)}`,
    extraData: "0x",
    baseFeePerGas: "0x1",
    transactions: [o.txHash],
  };
  return { receipt, block };
}
