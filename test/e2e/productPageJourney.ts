// A cold-chain journey for the product page's tests and benchmark, put into a running stack through its
// own API (organisations, devices, EPCIS capture) and its store (signed readings, as the gateway stores
// them): two pallets, each watched by a reefer sensor that reports temperature and GPS once a minute
// along a Hamburg → Munich route; pallet 2's reefer spends an hour at 12 °C. Products P1 (pallet 1) and
// P2 (pallet 2) are the compliant and the excursion product.
import { gs1CheckDigit, keyToEpcUrn } from "#gs1";
import {
  bytesToHex,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  keccak256,
  readingToJson,
  signReading,
} from "#protocol";

const PREFIX = "4012345";
const MIN = 60_000;
/** Page tests' product: GS1's example company prefix, as the demo uses it. */
export const JOURNEY_GTIN = `0${PREFIX}33333${gs1CheckDigit(`0${PREFIX}33333`)}`;
const gln = (location: string) => `${PREFIX}${location}${gs1CheckDigit(`${PREFIX}${location}`)}`;
const ORGANISATIONS = [
  { id: "page-pharma", name: "Page Pharma (manufacturer)", gln: gln("00011") },
  { id: "page-reefer", name: "Page Reefer Lines (carrier)", gln: gln("00012") },
  { id: "page-distribution", name: "Page Distribution (distributor)", gln: gln("00013") },
] as const;
type OrganisationId = (typeof ORGANISATIONS)[number]["id"];
const sgln = (gln13: string) => `urn:epc:id:sgln:${PREFIX}.${gln13.slice(PREFIX.length, 12)}.0`;

export type JourneyStore = {
  insertMessage(m: {
    messageId: `0x${string}`;
    device: `0x${string}`;
    seq: number;
    raw: Uint8Array;
    deviceTs: number;
    receivedAt: number;
    payloadJson: string;
  }): Promise<unknown>;
};

export type Journey = {
  /** Digital Link paths: "/01/{gtin}/21/{serial}". */
  compliantPath: string;
  excursionPath: string;
  /** A well-formed serial no event names. */
  unknownPath: string;
  readingsPerSensor: number;
  /** Events that name the compliant product or a unit that held it. */
  eventsPerProduct: number;
};

/** Temperature of pallet `n`'s reefer at minute `i`: 5 °C ± 1, pallet 2 at 12 °C for minutes 60–119. */
const temperatureAt = (n: number, i: number) =>
  n === 2 && i >= 60 && i < 120 ? 12 : Math.round((5 + Math.sin(i / 37)) * 100) / 100;

/** Hamburg → Munich with a wiggle, for fix `i` of `count`. */
function positionAt(i: number, count: number): { lat: number; lon: number } {
  const f = count <= 1 ? 0 : i / (count - 1);
  return {
    lat: Math.round((53.55 + (48.14 - 53.55) * f + 0.15 * Math.sin(f * 9)) * 1e5) / 1e5,
    lon: Math.round((9.99 + (11.58 - 9.99) * f + 0.3 * Math.sin(f * 5)) * 1e5) / 1e5,
  };
}

/**
 * Sets the journey up and returns its products' paths. `runId` keeps serials, pallets and keys apart
 * when several journeys share a store.
 * @example const journey = await seedJourney({ apiUrl, adminToken, store, readingsPerSensor: 240 })
 */
export async function seedJourney(o: {
  apiUrl: string;
  adminToken: string;
  store: JourneyStore;
  readingsPerSensor: number;
  runId?: string;
  now?: number;
}): Promise<Journey> {
  const run = o.runId ?? "A";
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${o.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${o.adminToken}`, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const ok = async (res: Response, what: string, allowed = [200, 201, 202]) => {
    if (!allowed.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
    return res;
  };
  for (const org of ORGANISATIONS) {
    await ok(
      await call("POST", "/api/v1/organisations", { id: org.id, name: org.name, glns: [org.gln] }),
      org.id,
      [201, 409],
    );
  }
  await ok(
    await call("PUT", `/api/v1/profiles/${JOURNEY_GTIN}`, {
      name: "2–8 °C pharma",
      minC: 2,
      maxC: 8,
      maxSingleExcursionMs: 30 * MIN,
      maxCumulativeExcursionMs: 60 * MIN,
    }),
    "profile",
  );

  const n = o.readingsPerSensor;
  const t0 = Math.floor(((o.now ?? Date.now()) - (n + 5) * MIN) / MIN) * MIN;
  const products = [1, 2].map((p) =>
    keyToEpcUrn({ type: "sgtin", gtin: JOURNEY_GTIN, serial: `${run}-P${p}` }, 7),
  );
  const pallets = [1, 2].map((p) => {
    const body = `0${PREFIX}${String(Number.parseInt(run, 36) * 10 + p).padStart(9, "0")}`.slice(0, 17);
    return keyToEpcUrn({ type: "sscc", sscc: `${body}${gs1CheckDigit(body)}` }, 7);
  });
  const reefers: DeviceIdentity[] = [1, 2].map((p) =>
    deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE page reefer ${run}-${p}`))),
  );
  const giais = [1, 2].map((p) => `${PREFIX}PAGE${run}R${p}`.toUpperCase());
  for (const [i, reefer] of reefers.entries()) {
    await ok(
      await call("POST", "/api/v1/devices", {
        publicKey: bytesToHex(reefer.publicKey),
        label: `page reefer ${run}-${i + 1}`,
        giai: giais[i],
      }),
      "device",
      [201, 409],
    );
  }

  // Readings first, as a reefer reports before and after the journey's events.
  for (const [p, reefer] of reefers.entries()) {
    let prev: Uint8Array = GENESIS_PREV;
    for (let i = 0; i < n; i++) {
      const { lat, lon } = positionAt(i, n);
      const reading = {
        v: 1 as const,
        seq: i + 1,
        ts: t0 + i * MIN,
        prev,
        m: { temp_c: temperatureAt(p + 1, i), lat_deg: lat, lon_deg: lon },
      };
      const signed = signReading(reefer, reading);
      prev = keccak256(signed.message);
      await o.store.insertMessage({
        messageId: signed.messageId,
        device: reefer.address,
        seq: reading.seq,
        raw: signed.message,
        deviceTs: reading.ts,
        receivedAt: reading.ts + 150,
        payloadJson: JSON.stringify(readingToJson(reading)),
      });
    }
  }

  const at = (minute: number) => new Date(t0 + minute * MIN).toISOString();
  const on = (org: OrganisationId, minute: number, fields: Record<string, unknown>) => {
    const g = ORGANISATIONS.find((x) => x.id === org)!.gln;
    return {
      eventTime: at(minute),
      eventTimeZoneOffset: "+00:00",
      readPoint: { id: sgln(g) },
      bizLocation: { id: sgln(g) },
      ...fields,
    };
  };
  const capture = async (organisation: OrganisationId, events: Record<string, unknown>[]) => {
    const res = await ok(
      await call("POST", `/epcis/capture?organisation=${organisation}&visibility=public`, {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: new Date().toISOString(),
        epcisBody: { eventList: events },
      }),
      `capture ${organisation}`,
    );
    for (;;) {
      const job = (await (await call("GET", res.headers.get("location") ?? "")).json()) as {
        running: boolean;
        errors?: unknown[];
      };
      if (!job.running) {
        if (job.errors?.length) throw new Error(`capture ${organisation}: ${JSON.stringify(job.errors)}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await capture("page-pharma", [
    on("page-pharma", -20, {
      type: "ObjectEvent",
      action: "ADD",
      epcList: products,
      bizStep: "commissioning",
    }),
    ...pallets.map((pallet, i) =>
      on("page-pharma", -10, {
        type: "AggregationEvent",
        action: "ADD",
        parentID: pallet,
        childEPCs: [products[i]],
        bizStep: "packing",
      }),
    ),
  ]);
  const sensor = (i: number) => keyToEpcUrn({ type: "giai", giai: giais[i]! }, 7);
  await capture("page-reefer", [
    ...pallets.map((pallet, i) =>
      on("page-reefer", 1, {
        type: "AssociationEvent",
        action: "ADD",
        parentID: pallet,
        childEPCs: [sensor(i)],
        bizStep: "assembling",
      }),
    ),
    on("page-reefer", 2, { type: "ObjectEvent", action: "OBSERVE", epcList: pallets, bizStep: "shipping" }),
  ]);
  await capture("page-distribution", [
    on("page-distribution", n - 4, {
      type: "ObjectEvent",
      action: "OBSERVE",
      epcList: pallets,
      bizStep: "receiving",
    }),
  ]);
  await capture(
    "page-reefer",
    pallets.map((pallet, i) =>
      on("page-reefer", n - 3, {
        type: "AssociationEvent",
        action: "DELETE",
        parentID: pallet,
        childEPCs: [sensor(i)],
        bizStep: "removing",
      }),
    ),
  );
  await capture(
    "page-distribution",
    pallets.map((pallet, i) =>
      on("page-distribution", n - 2, {
        type: "AggregationEvent",
        action: "DELETE",
        parentID: pallet,
        childEPCs: [products[i]],
        bizStep: "unpacking",
      }),
    ),
  );
  const path = (p: number) => `/01/${JOURNEY_GTIN}/21/${run}-P${p}`;
  return {
    compliantPath: path(1),
    excursionPath: path(2),
    unknownPath: `/01/${JOURNEY_GTIN}/21/${run}-NOSUCH`,
    readingsPerSensor: n,
    eventsPerProduct: 7,
  };
}
