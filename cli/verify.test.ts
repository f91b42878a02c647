import { createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "@jest/globals";
import type { Hex } from "#protocol";
import { run } from "./commands/verify.ts";
import {
  captureIo,
  exampleBundle,
  includedAnchor,
  notOnChainAnchor,
  removeTempBundles,
  writeTempBundle,
} from "./testing/index.ts";

/** Runs `sealtrail verify …` and returns its exit code and output. */
async function verify(...argv: string[]) {
  const io = captureIo();
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const flipLastByte = (hex: Hex): Hex => `${hex.slice(0, -2)}${hex.endsWith("00") ? "01" : "00"}` as Hex;

describe("sealtrail verify (offline paths)", () => {
  afterAll(removeTempBundles);

  it("exits 1 with 'not anchored yet' for a bundle whose offline checks pass but whose batch is only sealed", async () => {
    const file = writeTempBundle(exampleBundle([notOnChainAnchor("sealed")]));
    const { code, out } = await verify(file, "--rpc", "http://127.0.0.1:1");
    expect(code).toBe(1);
    for (const name of [
      "bundle format",
      "message",
      "messageId",
      "device",
      "publicKey",
      "reading",
      "signature",
      "merkle proof",
    ]) {
      expect(out).toMatch(new RegExp(`✓ ${name}`));
    }
    expect(out).toMatch(/^NOT ANCHORED YET — not anchored yet \(status sealed\)$/m);
  });

  it("exits 1 with 'not anchored yet' for a submitted-only bundle and a pending one (no Merkle section)", async () => {
    const submitted = await verify(writeTempBundle(exampleBundle([notOnChainAnchor("submitted")])));
    expect(submitted.code).toBe(1);
    expect(submitted.out).toMatch(/NOT ANCHORED YET — not anchored yet \(status submitted\)/);

    const pending = await verify(
      writeTempBundle({ ...exampleBundle([notOnChainAnchor("pending")]), merkle: null }),
    );
    expect(pending.code).toBe(1);
    expect(pending.out).toMatch(/NOT ANCHORED YET — not anchored yet: the reading is not in a sealed batch/);
  });

  it("exits 1 and names the failed checks when one byte of the message is changed", async () => {
    const bundle = exampleBundle([notOnChainAnchor("sealed")]);
    bundle.message = flipLastByte(bundle.message);
    const { code, out } = await verify(writeTempBundle(bundle));
    expect(code).toBe(1);
    expect(out).toMatch(/✗ messageId/);
    expect(out).toMatch(/^INVALID — messageId.* failed: /m);
  });

  it("exits 1 naming the Merkle check when the proof is changed, without contacting the chain", async () => {
    const bundle = exampleBundle();
    bundle.merkle!.proof[0] = flipLastByte(bundle.merkle!.proof[0]!);
    const { code, out } = await verify(writeTempBundle(bundle), "--rpc", "http://127.0.0.1:1");
    expect(code).toBe(1);
    expect(out).toMatch(/✗ merkle proof\s+proof does not lead to the root/);
    expect(out).toMatch(/not checked: the offline checks failed/);
    expect(out).toMatch(/^INVALID — merkle proof failed/m);
  });

  it("exits 1 when the public key belongs to another device", async () => {
    const bundle = exampleBundle();
    bundle.device = `0x${"11".repeat(20)}`;
    const { code, out } = await verify(writeTempBundle(bundle));
    expect(code).toBe(1);
    expect(out).toMatch(
      /✗ device\s+bundle field device is 0x1111111111111111111111111111111111111111, the message is signed by kid 0x/,
    );
  });

  it("prints the reading as signed (seq, ISO time, measurements), decoded from the message bytes", async () => {
    const { out } = await verify(writeTempBundle(exampleBundle([notOnChainAnchor("sealed")])));
    expect(out).toMatch(
      /^ {2}signed {2}seq 2, 2023-11-14T22:15:20\.000Z \(ts 1700000120000\), temp_c 4\.2$/m,
    );
  });

  it("exits 1 naming the field when the informative reading was edited (temp_c 4.2 → 2.0), and shows what was signed", async () => {
    const bundle = exampleBundle([notOnChainAnchor("sealed")]);
    bundle.reading = { ...bundle.reading, m: { temp_c: 2.0 } };
    const { code, out } = await verify(writeTempBundle(bundle));
    expect(code).toBe(1);
    expect(out).toMatch(
      /✗ reading\s+bundle field reading differs from the signed payload: m\.temp_c is 2, signed 4\.2/,
    );
    expect(out).toMatch(/^ {2}signed {2}seq 2, .*, temp_c 4\.2$/m);
    expect(out).toMatch(/^INVALID — reading failed: bundle field reading differs/m);
  });

  it("still verifies a bundle saved before anchors named their genesis (fixture): every offline check passes", async () => {
    const fixture = fileURLToPath(
      new URL("./verify/fixtures/sealtrail-proof-v1-without-genesis.json", import.meta.url),
    );
    const { code, out } = await verify(fixture);
    expect(out).not.toMatch(/✗/);
    expect(out).toMatch(
      /^ {2}signed {2}seq 1, 2025-11-21T04:41:00\.000Z \(ts 1763700060000\), temp_c 3\.6, rh_pct 56$/m,
    );
    expect(out).toMatch(/^NOT ANCHORED YET — not anchored yet \(status sealed\)$/m);
    expect(code).toBe(1); // sealed only: valid as far as it goes, not anchored
  });

  it("exits 1 with a clear message for a file that is not JSON", async () => {
    const { code, out, err } = await verify(writeTempBundle('{"format": "sealtrail-proof-v1", '));
    expect(code).toBe(1);
    expect(out).toMatch(/✗ bundle format\s+not valid JSON/);
    expect(out).toMatch(/^INVALID — bundle format failed: not valid JSON/m);
    expect(err).toBe("");
  });

  it("exits 1 for an unknown bundle format and for a bundle that does not match the schema", async () => {
    const v2 = await verify(writeTempBundle({ ...exampleBundle(), format: "sealtrail-proof-v2" } as never));
    expect(v2.code).toBe(1);
    expect(v2.out).toMatch(/unsupported bundle format "sealtrail-proof-v2"/);

    const extra = await verify(writeTempBundle(JSON.stringify({ ...exampleBundle(), extra: 1 })));
    expect(extra.code).toBe(1);
    expect(extra.out).toMatch(/✗ bundle format\s+bundle does not match the schema/);
  });

  it("exits 1 for an anchor that claims inclusion without a tx hash", async () => {
    const { code, out } = await verify(writeTempBundle(exampleBundle([includedAnchor({ txHash: null })])));
    expect(code).toBe(1);
    expect(out).toMatch(/✗ anchor fields\s+status included needs txHash, blockNumber and blockTimestamp/);
    expect(out).toMatch(/^INVALID — anchor 1 \(chain 31337\)/m);
  });

  it("exits 1 with a readable error, not a stack trace, when the RPC endpoint is unreachable", async () => {
    const { code, out, err } = await verify(writeTempBundle(exampleBundle()), "--rpc", "http://127.0.0.1:1");
    expect(code).toBe(1);
    expect(out).toMatch(/✗ RPC\s+cannot reach RPC http:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
    expect(out).toMatch(/^NOT VERIFIED — could not check anchor 1 \(chain 31337\): cannot reach RPC/m);
    expect(`${out}${err}`).not.toMatch(/\n\s+at /);
  });

  it("When the RPC accepts the connection and never answers, then verify exits 1 within the --rpc-timeout, naming the endpoint and what it waited for", async () => {
    // A real TCP server on loopback that reads the request and never writes a byte back.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on("data", () => {});
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const { code, out, err } = await verify(
        writeTempBundle(exampleBundle()),
        "--rpc",
        `http://127.0.0.1:${port}`,
        "--rpc-timeout",
        "1.5",
      );
      const elapsed = Date.now() - started;
      expect(code).toBe(1);
      expect(err).toBe(`waiting for http://127.0.0.1:${port} (eth_chainId)…\n`);
      expect(out).toMatch(
        new RegExp(
          `✗ RPC\\s+cannot reach RPC http://127\\.0\\.0\\.1:${port}: no answer from http://127\\.0\\.0\\.1:${port} to eth_chainId within 1\\.5 s`,
        ),
      );
      expect(out).toMatch(/^NOT VERIFIED — could not check anchor 1 \(chain 31337\): cannot reach RPC/m);
      // A hang detector with a wide margin on a loaded machine, not a speed test: the bound is 1.5 s.
      expect(elapsed).toBeLessThan(10_000);
      // The verifier closed its connection (the server sees the FIN a moment later).
      for (let i = 0; i < 100 && sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(sockets.size).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("exits 1 and says how to check on chain when an included anchor is given without --rpc", async () => {
    const { code, out } = await verify(writeTempBundle(exampleBundle()));
    expect(code).toBe(1);
    expect(out).toMatch(/pass --rpc <url>/);
    expect(out).toMatch(/^NOT VERIFIED/m);
  });

  it("hides the path and query of an RPC URL, where hosted endpoints keep their API keys", async () => {
    const { out } = await verify(
      writeTempBundle(exampleBundle()),
      "--rpc",
      "http://127.0.0.1:1/v2/EXAMPLE-SECRET?key=x",
    );
    expect(out).toMatch(/http:\/\/127\.0\.0\.1:1\/…/);
    expect(out).not.toContain("EXAMPLE-SECRET");
  });

  it("prints a machine-readable report with --json", async () => {
    const bundle = exampleBundle([notOnChainAnchor("sealed")]);
    const { code, out } = await verify(writeTempBundle(bundle), "--json");
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      format: "sealtrail-verify-report-v1",
      valid: false,
      verdict: { status: "not-anchored" },
      minStatus: "included",
      messageId: bundle.messageId,
      device: bundle.device,
      anchors: [{ index: 0, chainId: 31337, status: "sealed", result: "not-anchored" }],
    });
    expect(report.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ["bundle format", true],
      ["message", true],
      ["messageId", true],
      ["device", true],
      ["publicKey", true],
      ["reading", true],
      ["signature", true],
      ["merkle proof", true],
    ]);
    expect(report.signed).toEqual({
      device: bundle.device,
      messageId: bundle.messageId,
      payload: bundle.reading,
      time: "2023-11-14T22:15:20.000Z",
    });
  });

  describe("usage errors exit 2", () => {
    it.each([
      ["no bundle file", []],
      ["two bundle files", ["a.json", "b.json"]],
      ["an unknown option", ["a.json", "--frobnicate"]],
      ["--rpc without a value", ["a.json", "--rpc"]],
      ["a non-http RPC URL", ["a.json", "--rpc", "ws://127.0.0.1:8545"]],
      ["an unknown --min-status", ["a.json", "--min-status", "sealed"]],
      ["a --rpc-timeout of 0", ["a.json", "--rpc-timeout", "0"]],
      ["a --rpc-timeout that is not a number", ["a.json", "--rpc-timeout", "10s"]],
    ])("%s", async (_what, argv) => {
      const { code, err } = await verify(...argv);
      expect(code).toBe(2);
      expect(err).toMatch(/^sealtrail verify: /);
      expect(err).toMatch(/--help/);
    });

    it("a bundle file that does not exist", async () => {
      const { code, err } = await verify("/nonexistent/EXAMPLE/bundle.json");
      expect(code).toBe(2);
      expect(err).toBe("sealtrail verify: cannot read /nonexistent/EXAMPLE/bundle.json: ENOENT\n");
    });
  });

  it("prints its help with --help and exits 0", async () => {
    const { code, out } = await verify("--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: sealtrail verify/);
  });
});
