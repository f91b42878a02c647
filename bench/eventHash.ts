/**
 * CBV 2.0 event hash throughput on one core: how many EPCIS events per second `eventHashId` turns into
 * `ni:///sha-256;…?ver=CBV2.0` IDs (target ≥ 20,000/s), and where the time goes (pre-hash string vs SHA-256).
 *
 * A program, not a test: it prints a table and writes bench/results/event-hash.json with the machine, Node
 * and package versions, the parameters and the median of several timed rounds (after an untimed warm-up
 * round). The events are a deterministic mix shaped like Sealtrail's traffic (see `makeEvents`), each with
 * its own serials, times and values so nothing is cached by accident. The load average and the process's
 * CPU share are recorded: other work on the machine lowers the figures.
 * Run with `bin/dev npm run bench:eventhash` (about 20 seconds).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { eventHashId, eventPrehash } from "#gs1";
import { machineInfo, median, packageVersions, writeReport } from "./lib/report.ts";

const PARAMETERS = {
  /** Distinct events, cycled through by every round. */
  events: 2_000,
  /** Events hashed per timed round. */
  eventsPerRound: 20_000,
  /** Timed rounds (the report gives their median); one untimed warm-up round precedes them. */
  rounds: 7,
} as const;

const NAMESPACES = { st: "https://sealtrail.example/epcis/" };
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * A mix of the events a cold chain produces: shipping ObjectEvents of four SGTINs, packing AggregationEvents
 * (SSCC of twelve SGTINs), sensor_reporting ObjectEvents (three reports from a GIAI-identified device), an
 * AssociationEvent attaching the device to the pallet, a TransformationEvent with lots and ilmd.
 */
function makeEvents(count: number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const time = new Date(Date.UTC(2026, 0, 1) + i * 61_237).toISOString().replace("Z", "+00:00");
    const sgtin = (k: number) => `urn:epc:id:sgtin:4012345.011111.${i * 16 + k}`;
    const sscc = `urn:epc:id:sscc:4012345.0${pad(i, 9)}`;
    const common = {
      eventTime: time,
      eventTimeZoneOffset: "+01:00",
      readPoint: { id: "urn:epc:id:sgln:4012345.00005.0" },
    };
    switch (i % 5) {
      case 0:
        events.push({
          type: "ObjectEvent",
          ...common,
          epcList: [0, 1, 2, 3].map(sgtin),
          action: "OBSERVE",
          bizStep: "shipping",
          disposition: "in_transit",
          bizLocation: { id: "urn:epc:id:sgln:4012345.00001.0" },
          bizTransactionList: [{ type: "desadv", bizTransaction: `urn:epcglobal:cbv:bt:4012345000009:${i}` }],
          sourceList: [{ type: "owning_party", source: "urn:epc:id:pgln:4012345.00000" }],
          destinationList: [{ type: "owning_party", destination: "urn:epc:id:pgln:0614141.00000" }],
        });
        break;
      case 1:
        events.push({
          type: "AggregationEvent",
          ...common,
          parentID: sscc,
          childEPCs: [...Array(12).keys()].map(sgtin),
          action: "ADD",
          bizStep: "packing",
          disposition: "in_progress",
        });
        break;
      case 2:
        events.push({
          type: "ObjectEvent",
          ...common,
          epcList: [`https://id.gs1.org/00/04012345${pad(i, 10)}`],
          action: "OBSERVE",
          bizStep: "sensor_reporting",
          sensorElementList: [
            {
              sensorMetadata: { time, deviceID: `urn:epc:id:giai:4012345.SENSOR-${i % 50}` },
              sensorReport: [
                { type: "Temperature", value: 4 + (i % 7) / 10, uom: "CEL" },
                { type: "RelativeHumidity", value: 60 + (i % 13), uom: "P1" },
                { type: "Acceleration", value: (i % 5) * 0.25, uom: "MTS" },
              ],
            },
          ],
          "st:messageId": `0x${pad(i, 64)}`,
        });
        break;
      case 3:
        events.push({
          type: "AssociationEvent",
          ...common,
          parentID: sscc,
          childEPCs: [`urn:epc:id:giai:4012345.SENSOR-${i % 50}`],
          action: "ADD",
          bizStep: "assembling",
        });
        break;
      default:
        events.push({
          type: "TransformationEvent",
          ...common,
          inputQuantityList: [
            { epcClass: `urn:epc:class:lgtin:4012345.012345.L${i}`, quantity: 12.5, uom: "KGM" },
          ],
          outputEPCList: [0, 1].map(sgtin),
          bizStep: "commissioning",
          ilmd: { "st:bestBefore": "2026-12-31", "st:batch": `B${i}` },
        });
    }
  }
  return events;
}

function cpuShare(): () => number {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  return () => {
    const used = process.cpuUsage(cpu);
    const wall = Number(process.hrtime.bigint() - start) / 1e3;
    return Math.round(((used.user + used.system) / wall) * 100) / 100;
  };
}

/** Runs `run(n)` for n = 0..ops-1 once untimed, then `rounds` times timed; median operations per second. */
function throughput(run: (n: number) => void) {
  const ops = PARAMETERS.eventsPerRound;
  const round = () => {
    const start = process.hrtime.bigint();
    for (let n = 0; n < ops; n++) run(n);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  round();
  const share = cpuShare();
  const perSecond: number[] = [];
  for (let r = 0; r < PARAMETERS.rounds; r++) perSecond.push(ops / round());
  const m = median(perSecond);
  return {
    eventsPerSecond: Math.round(m),
    microsPerEvent: Math.round((1e6 / m) * 100) / 100,
    min: Math.round(Math.min(...perSecond)),
    max: Math.round(Math.max(...perSecond)),
    cpuShare: share(),
  };
}

const events = makeEvents(PARAMETERS.events);
const prehashes = events.map((e) => eventPrehash(e, { namespaces: NAMESPACES }));
const at = (n: number) => n % events.length;
let sink = 0;

const results = {
  eventHashId: throughput((n) => {
    sink += eventHashId(events[at(n)]!, { namespaces: NAMESPACES }).length;
  }),
  prehashOnly: throughput((n) => {
    sink += eventPrehash(events[at(n)]!, { namespaces: NAMESPACES }).length;
  }),
  sha256Only: throughput((n) => {
    sink += sha256(utf8ToBytes(prehashes[at(n)]!))[0]!;
  }),
};
const meanPrehashBytes = Math.round(
  prehashes.reduce((s, p) => s + utf8ToBytes(p).length, 0) / prehashes.length,
);

const report = {
  benchmark: "event-hash",
  description: "CBV 2.0 event hash IDs per second on one core (eventHashId = pre-hash string + SHA-256)",
  date: new Date().toISOString(),
  machine: machineInfo(),
  packages: packageVersions(["@noble/hashes"]),
  parameters: { ...PARAMETERS, meanPrehashBytes },
  targetEventsPerSecond: 20_000,
  median: results.eventHashId.eventsPerSecond,
  results,
};

console.log(
  `event hash on ${report.machine.cpuModel}, Node ${process.version} (load ${report.machine.loadAverage.join(" ")})`,
);
console.log(
  `  ${PARAMETERS.events} distinct events, mean pre-hash ${meanPrehashBytes} bytes, median of ${PARAMETERS.rounds} rounds`,
);
for (const [name, r] of Object.entries(results)) {
  console.log(
    `  ${name.padEnd(12)} ${String(r.eventsPerSecond).padStart(8)}/s  ${String(r.microsPerEvent).padStart(7)} µs/event  (min ${r.min}, max ${r.max}, CPU share ${r.cpuShare})`,
  );
}
console.log(`  target 20,000/s: ${results.eventHashId.eventsPerSecond >= 20_000 ? "met" : "NOT met"}`);
if (sink === 0.5) console.log("");
writeReport(new URL("./results/event-hash.json", import.meta.url).pathname, report);
console.log("  wrote bench/results/event-hash.json");
