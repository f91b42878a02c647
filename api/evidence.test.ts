import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { base64ToBytes, type EvidencePackage, processMultiProof, verifyEvidencePackage } from "#evidence";
import { canonicalIdentifier } from "#gs1";
import {
  bytesToHex,
  compareBytes,
  type DeviceIdentity,
  GENESIS_PREV,
  hexToBytes,
  keccak256,
  MessageMerkleTree,
  merkleLeafHash,
  messageIdOf,
  nobleVerifier,
  readingToJson,
  signReading,
  splitMessageIds,
} from "#protocol";
import { EXAMPLE_ADMIN_TOKEN, exampleDevice, startTestApi, type TestApi } from "./testing/index.ts";

// Two companies over one store: ACME ships product A1 on pallet 1 watched by reefer A, Globex ships product
// B1 on pallet 2 watched by reefer B; their readings and events share batches. A1's package must verify on
// its own and name nothing of Globex's.
const MIN = 60_000;
const T0 = Date.parse("2026-03-02T08:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const admin = { Authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` };
const json = { "Content-Type": "application/json" };
const productA = "urn:epc:id:sgtin:4012345.011111.A1";
const productB = "urn:epc:id:sgtin:4098765.022222.B1";
const palletA = "urn:epc:id:sscc:4012345.0000000001";
const palletB = "urn:epc:id:sscc:4098765.0000000002";
const GTIN_A = /\/01\/(\d{14})\//.exec(canonicalIdentifier(productA)!)![1]!;

let t: TestApi;
const reeferA: DeviceIdentity = exampleDevice("evidence reefer A");
const reeferB: DeviceIdentity = exampleDevice("evidence reefer B");
const idsOf: Record<string, string[]> = { A: [], B: [] };

async function storeTemperatures(name: "A" | "B", device: DeviceIdentity, count: number) {
  let prev: Uint8Array = GENESIS_PREV;
  for (let seq = 1; seq <= count; seq++) {
    const reading = { v: 1 as const, seq, ts: T0 + (14 + seq) * MIN, prev, m: { temp_c: 5 } };
    const signed = signReading(device, reading);
    prev = keccak256(signed.message);
    idsOf[name]!.push(signed.messageId);
    await t.store.insertMessage({
      messageId: signed.messageId,
      device: device.address,
      seq,
      raw: signed.message,
      deviceTs: reading.ts,
      receivedAt: reading.ts + 100,
      payloadJson: JSON.stringify(readingToJson(reading)),
    });
  }
}

async function capture(organisation: string, events: Record<string, unknown>[], visibility: string) {
  const body = {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: at(0),
    epcisBody: { eventList: events },
  };
  const res = await t.fetch(
    `${t.api.url}/epcis/capture?organisation=${organisation}&visibility=${visibility}`,
    { method: "POST", headers: { ...admin, ...json }, body: JSON.stringify(body) },
  );
  expect(res.status).toBe(202);
  for (;;) {
    const job = (await (
      await t.fetch(`${t.api.url}${res.headers.get("location")}`, { headers: admin })
    ).json()) as { running: boolean; errors: unknown[] };
    if (!job.running) return expect(job.errors).toEqual([]);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const journey = (product: string, pallet: string, sensor: string) => [
  {
    eventTime: at(0),
    eventTimeZoneOffset: "+00:00",
    type: "ObjectEvent",
    action: "ADD",
    epcList: [product],
    bizStep: "commissioning",
  },
  {
    eventTime: at(10),
    eventTimeZoneOffset: "+00:00",
    type: "AggregationEvent",
    action: "ADD",
    parentID: pallet,
    childEPCs: [product],
    bizStep: "packing",
  },
  {
    eventTime: at(20),
    eventTimeZoneOffset: "+00:00",
    type: "AssociationEvent",
    action: "ADD",
    parentID: pallet,
    childEPCs: [sensor],
    bizStep: "assembling",
  },
  {
    eventTime: at(200),
    eventTimeZoneOffset: "+00:00",
    type: "AssociationEvent",
    action: "DELETE",
    parentID: pallet,
    childEPCs: [sensor],
    bizStep: "assembling",
  },
];

/** Seals every unbatched message into one batch, as the batcher would. */
async function sealAll() {
  const summary = await t.store.unbatchedSummary(1_000_000);
  const after = await t.store.lastBatchedN();
  const { ids, count, lastN } = await t.store.readUnbatchedIds(after, summary.lastN, 1_000_000);
  const tree = MessageMerkleTree.build(splitMessageIds(ids, count));
  return t.store.sealBatch({ root: tree.root, sealedAt: T0, lastN, size: count });
}

async function evidence(path: string): Promise<{ status: number; text: string }> {
  const res = await t.fetch(`${t.base}/evidence${path}`);
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  t = await startTestApi({ attester: exampleDevice("evidence attester") });
  for (const [id, name, gln] of [
    ["acme", "ACME Pharma", "4012345000009"],
    ["globex", "Globex Foods", "4098765000003"],
  ]) {
    const org = await t.fetch(`${t.base}/organisations`, {
      method: "POST",
      headers: { ...admin, ...json },
      body: JSON.stringify({ id, name, glns: [gln] }),
    });
    expect(org.status).toBe(201);
  }
  for (const [device, giai] of [
    [reeferA, "4012345REEFERA"],
    [reeferB, "4098765REEFERB"],
  ] as const) {
    const res = await t.fetch(`${t.base}/devices`, {
      method: "POST",
      headers: { ...admin, ...json },
      body: JSON.stringify({ publicKey: bytesToHex(device.publicKey), label: giai, giai }),
    });
    expect(res.status).toBe(201);
  }
  await storeTemperatures("A", reeferA, 100);
  await storeTemperatures("B", reeferB, 100);
  await capture("acme", journey(productA, palletA, "urn:epc:id:giai:4012345.REEFERA"), "public");
  await capture("globex", journey(productB, palletB, "urn:epc:id:giai:4098765.REEFERB"), "public");
  await capture(
    "acme",
    [
      {
        eventTime: at(30),
        eventTimeZoneOffset: "+00:00",
        type: "ObjectEvent",
        action: "OBSERVE",
        epcList: [palletA],
        bizStep: "shipping",
      },
    ],
    "private",
  );
  await sealAll();
});
afterAll(async () => {
  await t.close();
});

describe("GET /api/v1/evidence", () => {
  it("packs an item's readings, events and one multiproof per batch that leads to the batch root", async () => {
    const { status, text } = await evidence(`/01/${GTIN_A}/21/A1`);
    expect(status).toBe(200);
    const pkg = JSON.parse(text) as EvidencePackage;
    expect(pkg.format).toBe("sealtrail-evidence-v1");
    expect(pkg.subject).toEqual({ kind: "item", id: canonicalIdentifier(productA), gtin: GTIN_A });
    expect(pkg.batches).toHaveLength(1);
    const [batch] = pkg.batches;
    // Minutes 20..114 of reefer A (its last reading is at minute 114) plus the one before minute 20.
    expect(batch!.readings.length).toBe(96);
    expect(batch!.events.length).toBe(4);
    expect(batch!.hidden).toHaveLength(1);
    const leaves = [...batch!.readings, ...batch!.events]
      .map((b) => merkleLeafHash(hexToBytes(messageIdOf(base64ToBytes(b)!), 32)))
      .concat(batch!.hidden.map((id) => merkleLeafHash(hexToBytes(id, 32))))
      .sort(compareBytes);
    const root = processMultiProof(
      leaves,
      batch!.proof.map((h) => hexToBytes(h, 32)),
      batch!.flags,
    );
    expect(root && bytesToHex(root)).toBe(batch!.root);
    expect(pkg.keys.devices.map((d) => d.address)).toEqual([reeferA.address]);
    expect(pkg.journey!.sensors).toEqual([
      expect.objectContaining({
        giai: "4012345REEFERA",
        device: reeferA.address,
        from: T0 + 20 * MIN,
        to: T0 + 200 * MIN,
      }),
    ]);
  });

  it("names nothing of another company's product, pallet, sensor, readings or events", async () => {
    const { text } = await evidence(`/01/${GTIN_A}/21/A1`);
    const pkg = JSON.parse(text) as EvidencePackage;
    // The package's own text and every signed message it carries, decoded.
    const messages = [...pkg.batches, pkg.pending].flatMap((b) => [...b.readings, ...b.events]);
    const decoded = messages.map((m) => new TextDecoder().decode(base64ToBytes(m)!));
    const secrets = [
      "globex",
      "4098765",
      "022222.B1",
      reeferB.address.slice(2),
      bytesToHex(reeferB.publicKey).slice(2),
      ...idsOf.B!.map((id) => id.slice(2)),
    ];
    const found = secrets.filter((s) =>
      [text, ...decoded].some((t) => t.toLowerCase().includes(s.toLowerCase())),
    );
    expect(found).toEqual([]);
    // B's readings are not among the messages either (their bytes, not just their ids).
    expect(messages.map((m) => messageIdOf(base64ToBytes(m)!)).filter((id) => idsOf.B!.includes(id))).toEqual(
      [],
    );
  });

  it("verifies offline with #evidence: every signature and proof, the events, and the server's verdict recomputed", async () => {
    const { text } = await evidence(`/01/${GTIN_A}/21/A1`);
    const { report, events } = await verifyEvidencePackage(JSON.parse(text), { verifier: nobleVerifier });
    expect(report.failures).toEqual([]);
    expect(report.readings).toEqual({ total: 96, verified: 96, pending: 0 });
    expect(report.events).toEqual({ total: 4, verified: 4, pending: 0, hidden: 1 });
    // Reefer A stops at minute 114 while attached until 200: incomplete, as the server says.
    expect(report.journey?.coldChain?.verdict).toBe("incomplete");
    expect(report.journey?.sensors[0]?.gaps.map((g) => g.reason)).toEqual(["after-last"]);
    expect(events.map((e) => e.event.bizStep)).toEqual([
      "commissioning",
      "packing",
      "assembling",
      "assembling",
    ]);
    // Its anchor is only `sealed` here: nothing on chain to check, so not valid yet.
    expect(report.status).toBe("not-anchored");
  });

  it("serves a pallet's (SSCC) and a device window's packages, and refuses what it cannot find or parse", async () => {
    const sscc = canonicalIdentifier(palletA)!.split("/00/")[1]!;
    expect((await evidence(`/00/${sscc}`)).status).toBe(200);
    const device = await evidence(`/devices/${reeferA.address}?from=${at(30)}&to=${T0 + 40 * MIN}`);
    expect(device.status).toBe(200);
    const pkg = JSON.parse(device.text) as EvidencePackage;
    expect(pkg.subject).toEqual({
      kind: "device",
      id: reeferA.address,
      from: T0 + 30 * MIN,
      to: T0 + 40 * MIN,
    });
    expect(pkg.batches[0]!.readings).toHaveLength(13); // minutes 30..40 and the one on each side
    expect((await evidence(`/01/${GTIN_A}/21/NOPE`)).status).toBe(404);
    expect((await evidence(`/devices/${reeferA.address}?from=yesterday&to=1`)).status).toBe(400);
    expect((await evidence(`/devices/0x${"12".repeat(20)}?from=0&to=1`)).status).toBe(404);
  });
});
