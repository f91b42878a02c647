import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { genesisMetaKey } from "#gateway";
import type { Hex } from "#protocol";
import {
  EXAMPLE_TARGET,
  exampleDevice,
  sealBatch,
  startTestApi,
  storeReadings,
  type TestApi,
} from "../testing/index.ts";
import { BatchTreeCache } from "./batchTreeCache.ts";
import { buildProofBundle } from "./buildProofBundle.ts";

const TX_HASH = `0x${"ab".repeat(32)}` as Hex;
const GENESIS = `0x${"C0".repeat(32)}`;

describe("buildProofBundle: the anchors' genesisHash", () => {
  let t: TestApi;
  let ids: Hex[];
  const build = (id: Hex) =>
    buildProofBundle(id, { store: t.store, anchorTargets: [EXAMPLE_TARGET], trees: new BatchTreeCache() });

  beforeEach(async () => {
    t = await startTestApi();
    ids = await storeReadings(t, exampleDevice("genesis bundle device"), 2);
  });
  afterEach(() => t.close());

  it("names the genesis the anchorer recorded for the target on an included anchor, lowercase", async () => {
    const batch = await sealBatch(t.store, ids);
    await t.store.putAnchor(EXAMPLE_TARGET, batch.id, {
      status: "included",
      txHash: TX_HASH,
      blockNumber: 12,
      blockTimestamp: 1_700_001_000,
    });
    await t.store.setMeta(genesisMetaKey(EXAMPLE_TARGET), GENESIS);
    const bundle = await build(ids[0]!);
    expect(bundle?.anchors[0]).toMatchObject({ status: "included", genesisHash: GENESIS.toLowerCase() });
  });

  it("leaves genesisHash out while the anchor has no transaction, and when no genesis was recorded", async () => {
    const batch = await sealBatch(t.store, ids);
    await t.store.setMeta(genesisMetaKey(EXAMPLE_TARGET), GENESIS);
    expect((await build(ids[0]!))?.anchors[0]).not.toHaveProperty("genesisHash");

    await t.store.putAnchor(EXAMPLE_TARGET, batch.id, { status: "submitted", txHash: TX_HASH, nonce: 1 });
    expect((await build(ids[0]!))?.anchors[0]).toMatchObject({ genesisHash: GENESIS.toLowerCase() });

    const other = await startTestApi();
    try {
      const otherIds = await storeReadings(other, exampleDevice("genesis bundle device"), 1);
      const otherBatch = await sealBatch(other.store, otherIds);
      await other.store.putAnchor(EXAMPLE_TARGET, otherBatch.id, {
        status: "submitted",
        txHash: TX_HASH,
        nonce: 1,
      });
      const bundle = await buildProofBundle(otherIds[0]!, {
        store: other.store,
        anchorTargets: [EXAMPLE_TARGET],
        trees: new BatchTreeCache(),
      });
      expect(bundle?.anchors[0]).not.toHaveProperty("genesisHash");
    } finally {
      await other.close();
    }
  });
});
