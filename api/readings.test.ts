import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import {
  bytesToHex,
  type Hex,
  LEAF_ENCODING,
  MessageMerkleTree,
  nobleVerifier,
  parseProofBundle,
  verifyProofBundleOffline,
} from "#protocol";
import {
  EXAMPLE_TARGET,
  exampleDevice,
  sealBatch,
  startTestApi,
  storeReadings,
  type TestApi,
} from "./testing/index.ts";

const device = exampleDevice("readings test");
const SECOND_TARGET = { chainId: 11155420, contract: "0x00000000000000000000000000000000000000aa" as Hex };
const TX_HASH = `0x${"ab".repeat(32)}` as Hex;

describe("readings API", () => {
  let t: TestApi;
  let ids: Hex[];
  beforeEach(async () => {
    t = await startTestApi({ targets: [EXAMPLE_TARGET, SECOND_TARGET] });
    ids = await storeReadings(t, device, 5);
  });
  afterEach(async () => {
    await t.close();
  });

  const getProof = async (id: string) => {
    const res = await t.fetch(`${t.base}/readings/${id}/proof`);
    return { res, body: await res.json() };
  };

  describe("GET /readings/:messageId", () => {
    it("returns the stored reading, its decoded payload and status pending before it is batched", async () => {
      const res = await t.fetch(`${t.base}/readings/${ids[1]}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        messageId: ids[1],
        device: device.address,
        seq: 2,
        deviceTs: 1_700_000_120_000,
        receivedAt: 1_700_000_120_150,
        reading: {
          v: 1,
          seq: 2,
          ts: 1_700_000_120_000,
          prev: expect.stringMatching(/^0x[0-9a-f]{64}$/),
          m: { temp_c: 4.2 },
        },
        batchId: null,
        status: "pending",
      });
    });

    it("reports the furthest status reached on any anchor target", async () => {
      const batch = await sealBatch(t.store, ids);
      const sealed = await (await t.fetch(`${t.base}/readings/${ids[0]}`)).json();
      expect(sealed).toMatchObject({ batchId: batch.id, status: "sealed" });
      await t.store.putAnchor(SECOND_TARGET, batch.id, { status: "submitted", txHash: TX_HASH });
      await t.store.putAnchor(EXAMPLE_TARGET, batch.id, {
        status: "included",
        txHash: TX_HASH,
        blockNumber: 12,
        blockTimestamp: 1_700_001_000,
      });
      expect((await (await t.fetch(`${t.base}/readings/${ids[0]}`)).json()).status).toBe("included");
    });

    it("accepts an upper-case id and answers 404 READING_NOT_FOUND for an unknown one", async () => {
      expect((await t.fetch(`${t.base}/readings/0x${ids[0]!.slice(2).toUpperCase()}`)).status).toBe(200);
      const res = await t.fetch(`${t.base}/readings/0x${"00".repeat(32)}`);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("READING_NOT_FOUND");
    });
  });

  describe("GET /readings/:messageId/proof", () => {
    it("serves an unbatched reading as a bundle with merkle null and every anchor pending", async () => {
      const { res, body } = await getProof(ids[2]!);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const bundle = parseProofBundle(body);
      expect(bundle).toMatchObject({
        format: "sealtrail-proof-v1",
        messageId: ids[2],
        device: device.address,
        publicKey: bytesToHex(device.publicKey),
        reading: { v: 1, seq: 3 },
        merkle: null,
      });
      expect(bundle.anchors).toEqual([
        { ...EXAMPLE_TARGET, txHash: null, blockNumber: null, blockTimestamp: null, status: "pending" },
        { ...SECOND_TARGET, txHash: null, blockNumber: null, blockTimestamp: null, status: "pending" },
      ]);
      const failed = verifyProofBundleOffline(bundle, nobleVerifier).filter((c) => !c.ok);
      expect(failed.map((c) => c.name)).toEqual(["merkle proof"]);
    });

    it("serves a sealed but unanchored reading with a Merkle proof that verifies offline and status sealed", async () => {
      const batch = await sealBatch(t.store, ids);
      const { res, body } = await getProof(ids[3]!);
      expect(res.status).toBe(200);
      const bundle = parseProofBundle(body);
      expect(bundle.merkle).toEqual({
        root: batch.root,
        proof: MessageMerkleTree.build(ids).getProof(ids[3]!),
        leafEncoding: LEAF_ENCODING,
      });
      expect(bundle.anchors.map((a) => a.status)).toEqual(["sealed", "sealed"]);
      expect(bundle.anchors[0]).toEqual({
        ...EXAMPLE_TARGET,
        txHash: null,
        blockNumber: null,
        blockTimestamp: null,
        status: "sealed",
      });
      const checks = verifyProofBundleOffline(bundle, nobleVerifier);
      expect(checks.filter((c) => !c.ok)).toEqual([]);
    });

    it("serves every reading of a batch with its own proof to the same root (tree cache reused)", async () => {
      const batch = await sealBatch(t.store, ids);
      for (const id of ids) {
        const bundle = parseProofBundle((await getProof(id)).body);
        expect(bundle.merkle?.root).toBe(batch.root);
        expect(verifyProofBundleOffline(bundle, nobleVerifier).every((c) => c.ok)).toBe(true);
      }
    });

    it("reports an included anchor with its tx hash, block number and timestamp, and a submitted one with its tx hash only", async () => {
      const batch = await sealBatch(t.store, ids);
      await t.store.putAnchor(EXAMPLE_TARGET, batch.id, {
        status: "included",
        txHash: TX_HASH,
        nonce: 3,
        blockNumber: 12,
        blockTimestamp: 1_700_001_000,
      });
      await t.store.putAnchor(SECOND_TARGET, batch.id, { status: "submitted", txHash: TX_HASH, nonce: 9 });
      const bundle = parseProofBundle((await getProof(ids[0]!)).body);
      expect(bundle.anchors).toEqual([
        {
          ...EXAMPLE_TARGET,
          txHash: TX_HASH,
          blockNumber: 12,
          blockTimestamp: 1_700_001_000,
          status: "included",
        },
        { ...SECOND_TARGET, txHash: TX_HASH, blockNumber: null, blockTimestamp: null, status: "submitted" },
      ]);
    });

    it("reports a final anchor as final, as the anchorer stored it", async () => {
      const batch = await sealBatch(t.store, ids);
      await t.store.putAnchor(EXAMPLE_TARGET, batch.id, {
        status: "final",
        txHash: TX_HASH,
        blockNumber: 12,
        blockTimestamp: 1_700_001_000,
      });
      const bundle = parseProofBundle((await getProof(ids[0]!)).body);
      expect(bundle.anchors[0]?.status).toBe("final");
    });

    it("answers 500 INVARIANT, not a wrong proof, when the stored batch root does not match its messages", async () => {
      // A batch whose root was computed over other ids: the store cannot tell, the API must.
      await sealBatch(t.store, ids, { root: MessageMerkleTree.build(ids.slice(1)).root });
      const { res, body } = await getProof(ids[0]!);
      expect(res.status).toBe(500);
      expect(body).toEqual({ error: { code: "INVARIANT", message: expect.any(String) } });
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);
      expect(t.logged.some((l) => l.level === "error")).toBe(true);
    });

    it("answers 404 READING_NOT_FOUND for an unknown id", async () => {
      const { res, body } = await getProof(`0x${"00".repeat(32)}`);
      expect(res.status).toBe(404);
      expect(body.error.code).toBe("READING_NOT_FOUND");
    });

    it.each([
      ["too short", "0x1234"],
      ["without 0x", "ab".repeat(32)],
      ["not hex", `0x${"zz".repeat(32)}`],
      ["too long", `0x${"ab".repeat(33)}`],
    ])("answers 400 INVALID_MESSAGE_ID for an id that is %s", async (_what, id) => {
      const { res, body } = await getProof(id);
      expect(res.status).toBe(400);
      expect(body.error.code).toBe("INVALID_MESSAGE_ID");
    });
  });
});
