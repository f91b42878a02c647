import { gs1CheckDigit, keyToEpcUrn } from "#gs1";
import type { FleetDeviceInfo } from "#sim";
import { CliError, CliErrorCode } from "../errors.ts";

/** GS1's example company prefix, as the standard's own examples use it: the demo's keys are examples. */
const PREFIX = "4012345";
/** The demo's product: one GTIN, serialised per run. */
export const DEMO_GTIN = `0${PREFIX}22222${gs1CheckDigit(`0${PREFIX}22222`)}`;
const gln = (location: string) => `${PREFIX}${location}${gs1CheckDigit(`${PREFIX}${location}`)}`;
/** The three organisations of the story and their one location each. */
const ORGANISATIONS = [
  { id: "demo-pharma", name: "Demo Pharma (manufacturer)", gln: gln("00001") },
  { id: "demo-reefer-lines", name: "Demo Reefer Lines (carrier)", gln: gln("00002") },
  { id: "demo-distribution", name: "Demo Distribution (distributor)", gln: gln("00003") },
] as const;
type OrganisationId = (typeof ORGANISATIONS)[number]["id"];

/** The GIAI the demo gives a simulated reefer sensor at registration (reefer-2 → 4012345REEFER2). */
export function demoGiai(label: string): string {
  return `${PREFIX}${label.toUpperCase().replace(/[^A-Z0-9]/g, "")}`;
}

/**
 * The scenario's 180 s stand for three hours (its physics runs 60× faster than the wall clock, and the
 * readings carry wall-clock times), so the demo GTIN's profile is 2–8 °C with the usual 30 min at once and
 * 60 min in all, divided by 60 like the physics: reefer-2's hour without its compressor (55 s here) is an
 * excursion, reefer-1's three-minute door opening (3 s) is not.
 */
export const DEMO_PROFILE = {
  name: "2–8 °C, demo time (×60)",
  minC: 2,
  maxC: 8,
  maxSingleExcursionMs: 30_000,
  maxCumulativeExcursionMs: 60_000,
} as const;

export type ColdChainStory = {
  /** Provenance URLs of a product on reefer-1's pallet (compliant) and on reefer-2's (excursion). */
  compliantUrl: string;
  excursionUrl: string;
  /** The end of the journey (receiving, sensors removed, unpacking), once the fleet nears its end. */
  finished: Promise<void>;
  stop(): void;
};

/**
 * Tells the cold-chain story in EPCIS, through the demo's own API as its operator (admin token; the
 * operator's attester key signs each event): Demo Pharma commissions six serialised products and packs two
 * on each of three pallets (SSCC); Demo Reefer Lines attaches reefer-N's sensor (its GIAI) to pallet N and
 * ships; shortly before the fleet's run ends, Demo Distribution receives the pallets, the sensors come off
 * (each pallet's sensor interval summed up as a sensor_reporting event) and the products are unpacked. reefer-2's compressor failure puts its pallet's products out of range.
 * Each run has its own serials and pallets, so a second run on the same data dir is a new journey.
 * @example const story = await startColdChainStory({ apiUrl, adminToken, devices: fleet.devices, endsAt })
 */
export async function startColdChainStory(o: {
  apiUrl: string;
  adminToken: string;
  devices: readonly FleetDeviceInfo[];
  /** Wall-clock ms when the fleet stops reporting. */
  endsAt: number;
  now?: number;
}): Promise<ColdChainStory> {
  const call = apiCaller(o.apiUrl, o.adminToken);
  const reefers = [1, 2, 3].map((n) => o.devices.find((d) => d.label === `reefer-${n}`));
  if (reefers.some((d) => d === undefined)) {
    throw new CliError(CliErrorCode.DemoStoryFailed, "the story needs the cold-chain scenario's reefer-1..3");
  }
  for (const org of ORGANISATIONS) {
    const res = await call("POST", "/api/v1/organisations", { id: org.id, name: org.name, glns: [org.gln] });
    if (res.status !== 201 && res.status !== 409) await fail(res, `create organisation ${org.id}`);
  }
  const profile = await call("PUT", `/api/v1/profiles/${DEMO_GTIN}`, DEMO_PROFILE);
  if (profile.status !== 201 && profile.status !== 200) await fail(profile, "set the demo profile");

  const now = o.now ?? Date.now();
  const run = Math.floor(now / 1000) % 1_000_000_000; // a serial space of its own per run
  const products = [1, 2, 3, 4, 5, 6].map((n) =>
    keyToEpcUrn({ type: "sgtin", gtin: DEMO_GTIN, serial: `R${run}-${n}` }, PREFIX.length),
  );
  const pallets = [1, 2, 3].map((n) => {
    const body = `0${PREFIX}${String((run * 10 + n) % 1_000_000_000).padStart(9, "0")}`;
    return keyToEpcUrn({ type: "sscc", sscc: `${body}${gs1CheckDigit(body)}` }, PREFIX.length);
  });
  const giais = reefers.map((d) => keyToEpcUrn({ type: "giai", giai: demoGiai(d!.label) }, PREFIX.length));
  const capture = captureAs(call);
  const on = (org: OrganisationId, at: number, fields: Record<string, unknown>) => ({
    eventTime: new Date(at).toISOString(),
    eventTimeZoneOffset: "+00:00",
    readPoint: { id: sgln(ORGANISATIONS.find((x) => x.id === org)!.gln) },
    ...fields,
  });
  await capture("demo-pharma", [
    on("demo-pharma", now - 120_000, {
      type: "ObjectEvent",
      action: "ADD",
      epcList: products,
      bizStep: "commissioning",
      disposition: "active",
    }),
    ...pallets.map((pallet, i) =>
      on("demo-pharma", now - 60_000, {
        type: "AggregationEvent",
        action: "ADD",
        parentID: pallet,
        childEPCs: products.slice(2 * i, 2 * i + 2),
        bizStep: "packing",
      }),
    ),
  ]);
  await capture("demo-reefer-lines", [
    ...pallets.map((pallet, i) =>
      on("demo-reefer-lines", now, {
        type: "AssociationEvent",
        action: "ADD",
        parentID: pallet,
        childEPCs: [giais[i]!],
        bizStep: "assembling",
      }),
    ),
    on("demo-reefer-lines", now + 1, {
      type: "ObjectEvent",
      action: "OBSERVE",
      epcList: pallets,
      bizStep: "shipping",
      disposition: "in_transit",
    }),
  ]);

  // The journey ends a few seconds before the fleet stops, so each sensor has a reading after it.
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () => {
        const at = Date.now();
        capture("demo-distribution", [
          on("demo-distribution", at, {
            type: "ObjectEvent",
            action: "OBSERVE",
            epcList: pallets,
            bizStep: "receiving",
            disposition: "in_progress",
          }),
        ])
          .then(() =>
            capture(
              "demo-reefer-lines",
              pallets.map((pallet, i) =>
                on("demo-reefer-lines", at + 1, {
                  type: "AssociationEvent",
                  action: "DELETE",
                  parentID: pallet,
                  childEPCs: [giais[i]!],
                  bizStep: "removing",
                }),
              ),
            ),
          )
          .then(() => summariseSensors(call, pallets))
          .then(() =>
            capture(
              "demo-distribution",
              pallets.map((pallet, i) =>
                on("demo-distribution", at + 2, {
                  type: "AggregationEvent",
                  action: "DELETE",
                  parentID: pallet,
                  childEPCs: products.slice(2 * i, 2 * i + 2),
                  bizStep: "unpacking",
                }),
              ),
            ),
          )
          .then(resolve, reject);
      },
      Math.max(0, o.endsAt - 5_000 - Date.now()),
    );
  });
  const url = (urn: string) => {
    const serial = urn.slice(urn.lastIndexOf(".") + 1);
    // The product's GS1 Digital Link URI on the API host: what its QR code holds, the page a phone opens.
    return `${o.apiUrl}/01/${DEMO_GTIN}/21/${encodeURIComponent(serial)}`;
  };
  return {
    compliantUrl: url(products[0]!),
    excursionUrl: url(products[2]!),
    finished,
    stop: () => clearTimeout(timer),
  };
}

const sgln = (gln13: string) => `urn:epc:id:sgln:${PREFIX}.${gln13.slice(PREFIX.length, 12)}.0`;

type Call = (method: string, path: string, body?: unknown) => Promise<Response>;

function apiCaller(apiUrl: string, adminToken: string): Call {
  return (method, path, body) =>
    fetch(`${apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
}

async function fail(res: Response, what: string): Promise<never> {
  throw new CliError(
    CliErrorCode.DemoStoryFailed,
    `${what}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`,
  );
}

/**
 * Has the API sum up each pallet's sensor interval, now closed, as an EPCIS sensor_reporting event (min,
 * max, mean, ALARM_CONDITION on reefer-2's pallet), captured for the carrier that attached the sensor.
 */
async function summariseSensors(call: Call, pallets: readonly string[]): Promise<void> {
  for (const pallet of pallets) {
    const res = await call("POST", `/api/v1/units/${encodeURIComponent(pallet)}/sensor-summaries`);
    if (res.status !== 201 && res.status !== 200) await fail(res, `summarise the sensors of ${pallet}`);
  }
}

/** Captures events for an organisation (public) and waits for the capture job: all or nothing. */
function captureAs(call: Call) {
  return async (organisation: OrganisationId, events: Record<string, unknown>[]): Promise<void> => {
    const res = await call("POST", `/epcis/capture?organisation=${organisation}&visibility=public`, {
      "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: new Date().toISOString(),
      epcisBody: { eventList: events },
    });
    if (res.status !== 202) await fail(res, `capture for ${organisation}`);
    const location = res.headers.get("location") ?? "";
    for (;;) {
      const job = (await (await call("GET", location)).json()) as { running: boolean; errors?: unknown[] };
      if (!job.running) {
        if (job.errors && job.errors.length > 0) {
          throw new CliError(
            CliErrorCode.DemoStoryFailed,
            `capture for ${organisation} refused: ${JSON.stringify(job.errors).slice(0, 300)}`,
          );
        }
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
}
