import { randomBytes } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { bytesToHex, type Hex, MessageMerkleTree } from "#protocol";
import { buildBatchTree } from "./buildBatchTree.ts";

const ids = (n: number): Hex[] =>
  Array.from({ length: n }, () => bytesToHex(new Uint8Array(randomBytes(32))));

describe("buildBatchTree", () => {
  it("builds on a worker thread the same tree as in place: root and every proof", async () => {
    const batch = ids(3000);
    const inPlace = MessageMerkleTree.build(batch);
    const offThread = await buildBatchTree(batch, { offThreadFrom: 1 });
    expect(offThread.root).toBe(inPlace.root);
    for (const id of batch) expect(offThread.getProof(id)).toEqual(inPlace.getProof(id));
    expect(offThread.has(ids(1)[0]!)).toBe(false);
  });

  it("builds a small batch in place and a one-leaf batch on the worker", async () => {
    const [only] = ids(1);
    expect((await buildBatchTree([only!])).root).toBe(MessageMerkleTree.build([only!]).root);
    expect((await buildBatchTree([only!], { offThreadFrom: 1 })).getProof(only!)).toEqual([]);
  });

  it("refuses a malformed id before starting a worker", async () => {
    await expect(buildBatchTree(["0x1234" as Hex], { offThreadFrom: 1 })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    const notHex = `0x${"zz".repeat(32)}` as Hex;
    await expect(buildBatchTree([notHex], { offThreadFrom: 1 })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});
