import { describe, expect, it } from "@jest/globals";
import { type Hex, MessageMerkleTree } from "#protocol";
import { BatchTreeCache } from "./batchTreeCache.ts";

const id = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;
const tree = (n: number) => MessageMerkleTree.build([id(n)]);

describe("BatchTreeCache", () => {
  it("builds a batch's tree once, even for concurrent requests", async () => {
    const cache = new BatchTreeCache(2);
    let builds = 0;
    const build = async () => {
      builds++;
      return tree(1);
    };
    const [a, b] = await Promise.all([cache.get(1, build), cache.get(1, build)]);
    expect(a).toBe(b);
    expect(builds).toBe(1);
  });

  it("evicts the least recently used batch beyond its capacity", async () => {
    const cache = new BatchTreeCache(2);
    const builds: number[] = [];
    const get = (batch: number) =>
      cache.get(batch, async () => {
        builds.push(batch);
        return tree(batch);
      });
    await get(1);
    await get(2);
    await get(1); // 1 is now the most recent, 2 the least
    await get(3); // evicts 2
    await get(1);
    await get(2);
    expect(builds).toEqual([1, 2, 3, 2]);
    expect(cache.size).toBe(2);
  });

  it("does not keep a failed build, so the next request retries", async () => {
    const cache = new BatchTreeCache();
    await expect(cache.get(7, async () => Promise.reject(new Error("store down")))).rejects.toThrow(
      "store down",
    );
    await expect(cache.get(7, async () => tree(7))).resolves.toBeInstanceOf(MessageMerkleTree);
  });
});
