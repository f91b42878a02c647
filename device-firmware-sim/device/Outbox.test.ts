import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { messageIdOf } from "#protocol";
import { Outbox } from "./Outbox.ts";

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "outbox-")), "outbox");
});
afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

const bytes = (n: number) => new Uint8Array([0xd2, n]);

describe("Outbox", () => {
  it("survives a reopen: unacknowledged entries come back oldest first, byte-identical", async () => {
    const outbox = await Outbox.open(dir, 10);
    for (const seq of [1, 2, 3]) await outbox.add(seq, bytes(seq));
    await outbox.remove(2);
    const reopened = await Outbox.open(dir, 10);
    expect(reopened.size).toBe(2);
    expect(reopened.nextAfter(0)?.raw).toEqual(bytes(1));
    expect(reopened.nextAfter(1)?.seq).toBe(3);
    expect(reopened.nextAfter(3)).toBeUndefined();
    expect(reopened.newest()?.messageId).toBe(messageIdOf(bytes(3)));
  });

  it("marks entries found at start as possibly transmitted, so they are resent with DUP", async () => {
    const outbox = await Outbox.open(dir, 10);
    expect((await outbox.add(1, bytes(1))).transmitted).toBe(false);
    expect((await Outbox.open(dir, 10)).nextAfter(0)?.transmitted).toBe(true);
  });

  it("is bounded: full at capacity, and refuses to grow beyond it", async () => {
    const outbox = await Outbox.open(dir, 2);
    await outbox.add(1, bytes(1));
    await outbox.add(2, bytes(2));
    expect(outbox.full).toBe(true);
    await expect(outbox.add(3, bytes(3))).rejects.toThrow(/full/);
  });

  it("moves a refused entry to refused/ where it is kept but never loaded again", async () => {
    const outbox = await Outbox.open(dir, 10);
    await outbox.add(1, bytes(1));
    await outbox.add(2, bytes(2));
    expect(await outbox.quarantine(1)).toBe(true);
    expect(outbox.has(1)).toBe(false);
    expect(readdirSync(join(dir, "refused"))).toEqual(["000000000001.cose"]);
    expect((await Outbox.open(dir, 10)).size).toBe(1);
  });

  it("deletes leftovers of an interrupted atomic write at start", async () => {
    const outbox = await Outbox.open(dir, 10);
    await outbox.add(1, bytes(1));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, ".000000000002.cose.abcd.tmp"), "torn");
    await Outbox.open(dir, 10);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});
