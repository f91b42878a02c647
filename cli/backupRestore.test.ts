import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import { storeWith, tempDirs } from "../gateway/store/sqlite/backup/testStores.ts";
import { main } from "./main.ts";
import { captureIo } from "./testing/index.ts";

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe("sealtrail backup and restore", () => {
  it("backs up a store named by --store, says what the copy holds, and exits 1 rather than overwrite it", async () => {
    const dir = dirs.make();
    const store = await storeWith(dir, 12);
    try {
      const io = captureIo();
      const args = ["backup", join(dir, "b.db"), "--store", join(dir, "store.db")];
      expect(await main(args, io)).toBe(0);
      expect(io.out()).toMatch(/written to .*b\.db: 12 readings, 0 events, 0 batches, .*integrity_check ok/);
      const again = captureIo();
      expect(await main(args, again)).toBe(1);
      expect(again.err()).toMatch(/^sealtrail backup: DESTINATION_EXISTS: .*b\.db exists already\n$/);
    } finally {
      await store.close();
    }
  });

  it("takes the store from the configuration's data dir when --store is absent", async () => {
    const dir = dirs.make();
    const store = await storeWith(dir, 3, "sealtrail.db");
    const saved = process.env.SEALTRAIL_DATA_DIR;
    process.env.SEALTRAIL_DATA_DIR = dir;
    try {
      const io = captureIo();
      expect(await main(["backup", join(dir, "b.db"), "--json"], io)).toBe(0);
      expect(JSON.parse(io.out())).toMatchObject({ source: join(dir, "sealtrail.db"), readings: 3 });
    } finally {
      if (saved === undefined) delete process.env.SEALTRAIL_DATA_DIR;
      else process.env.SEALTRAIL_DATA_DIR = saved;
      await store.close();
    }
  });

  it("restores only with --replace over a closed store, names where the old one went, and exits 2 on bad usage", async () => {
    const dir = dirs.make();
    const store = await storeWith(dir, 4);
    await main(["backup", join(dir, "b.db"), "--store", join(dir, "store.db")], captureIo());
    await store.close();
    const refused = captureIo();
    expect(await main(["restore", join(dir, "b.db"), "--store", join(dir, "store.db")], refused)).toBe(1);
    expect(refused.err()).toMatch(/STORE_EXISTS: a store is at .*--replace/);
    const io = captureIo();
    expect(
      await main(["restore", join(dir, "b.db"), "--store", join(dir, "store.db"), "--replace"], io),
    ).toBe(0);
    const aside = /the store that was there is now (\S+)\n$/.exec(io.out())?.[1];
    expect(aside && existsSync(aside)).toBe(true);
    const usage = captureIo();
    expect(await main(["restore"], usage)).toBe(2);
    expect(usage.err()).toMatch(/name one backup file/);
  });
});
