import { EvidenceError, EvidenceErrorCode } from "./errors.ts";
import { EVIDENCE_FORMAT, type EvidencePackage } from "./evidencePackage.ts";

/*
 * The shape check of evidenceSchema.ts, by hand: the verifier runs under a Content-Security-Policy without
 * 'unsafe-eval', where ajv (which compiles schemas to functions) cannot. It checks what the verifier reads
 * (types, hex and base64 encodings, bounds); evidenceSchema.test.ts holds it and the schema to the same
 * samples.
 */

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const PUBLIC_KEY = /^0x0[23][0-9a-fA-F]{64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const FLAGS = /^[01]*$/;

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new EvidenceError(EvidenceErrorCode.InvalidPackage, `${path || "/"} ${what}`);
}
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) fail(path, "must be an object");
  return v;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, "must be an array");
  return v;
}
function str(v: unknown, path: string, re?: RegExp): string {
  if (typeof v !== "string" || (re && !re.test(v)))
    fail(path, re ? `must match ${re.source}` : "must be a string");
  return v;
}
function num(v: unknown, path: string, integer = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isSafeInteger(v)))
    fail(path, integer ? "must be an integer" : "must be a number");
  return v;
}
const nullOr = <T>(v: unknown, check: (v: unknown) => T): T | null => (v === null ? null : check(v));
const strings = (v: unknown, path: string, re?: RegExp): void => {
  for (const [i, s] of arr(v, path).entries()) str(s, `${path}/${i}`, re);
};

/**
 * Checks that a parsed JSON value is a `sealtrail-evidence-v1` package (shape and encodings only, no
 * cryptography). Throws EvidenceError UNSUPPORTED_FORMAT for another format, INVALID_PACKAGE naming the
 * first path that is wrong.
 * @example parseEvidencePackage(JSON.parse(text)).batches.length
 */
export function parseEvidencePackage(value: unknown): EvidencePackage {
  const p = obj(value, "");
  if (p.format !== EVIDENCE_FORMAT) {
    throw new EvidenceError(
      EvidenceErrorCode.UnsupportedFormat,
      `unsupported format ${JSON.stringify(p.format)}, expected ${EVIDENCE_FORMAT}`,
    );
  }
  const subject = obj(p.subject, "/subject");
  if (subject.kind === "device") {
    str(subject.id, "/subject/id", ADDRESS);
    num(subject.from, "/subject/from", true);
    num(subject.to, "/subject/to", true);
  } else if (subject.kind === "item" || subject.kind === "lot" || subject.kind === "shipment") {
    str(subject.id, "/subject/id");
    nullOr(subject.gtin, (g) => str(g, "/subject/gtin", /^\d{14}$/));
  } else fail("/subject/kind", "must be item, lot, shipment or device");
  num(p.generatedAt, "/generatedAt", true);
  if (p.leafEncoding !== "oz-standard-v1:bytes32") fail("/leafEncoding", "must be oz-standard-v1:bytes32");
  nullOr(p.profile, (v) => {
    const profile = obj(v, "/profile");
    str(profile.name, "/profile/name");
    for (const k of ["minC", "maxC"]) num(profile[k], `/profile/${k}`);
    for (const k of ["maxSingleExcursionMs", "maxCumulativeExcursionMs"])
      num(profile[k], `/profile/${k}`, true);
  });
  num(p.maxSilenceMs, "/maxSilenceMs", true);
  nullOr(p.journey, (v) => {
    const journey = obj(v, "/journey");
    arr(journey.events, "/journey/events").forEach((e, i) => {
      const event = obj(e, `/journey/events/${i}`);
      str(event.messageId, `/journey/events/${i}/messageId`, HEX32);
      str(event.hashId, `/journey/events/${i}/hashId`);
      if (typeof event.visible !== "boolean") fail(`/journey/events/${i}/visible`, "must be a boolean");
    });
    arr(journey.units, "/journey/units").forEach((u, i) => {
      const unit = obj(u, `/journey/units/${i}`);
      str(unit.unit, `/journey/units/${i}/unit`);
      num(unit.from, `/journey/units/${i}/from`);
      nullOr(unit.to, (t) => num(t, `/journey/units/${i}/to`));
      strings(unit.via, `/journey/units/${i}/via`);
    });
    arr(journey.sensors, "/journey/sensors").forEach((s, i) => {
      const sensor = obj(s, `/journey/sensors/${i}`);
      nullOr(sensor.giai, (g) => str(g, `/journey/sensors/${i}/giai`));
      nullOr(sensor.device, (d) => str(d, `/journey/sensors/${i}/device`, ADDRESS));
      str(sensor.unit, `/journey/sensors/${i}/unit`);
      strings(sensor.via, `/journey/sensors/${i}/via`);
      num(sensor.from, `/journey/sensors/${i}/from`);
      num(sensor.to, `/journey/sensors/${i}/to`);
    });
  });
  const keys = obj(p.keys, "/keys");
  arr(keys.devices, "/keys/devices").forEach((k, i) => {
    const key = obj(k, `/keys/devices/${i}`);
    str(key.address, `/keys/devices/${i}/address`, ADDRESS);
    str(key.publicKey, `/keys/devices/${i}/publicKey`, PUBLIC_KEY);
    num(key.registeredAt, `/keys/devices/${i}/registeredAt`, true);
    nullOr(key.revokedAt, (t) => num(t, `/keys/devices/${i}/revokedAt`, true));
  });
  arr(keys.organisations, "/keys/organisations").forEach((k, i) => {
    const key = obj(k, `/keys/organisations/${i}`);
    str(key.address, `/keys/organisations/${i}/address`, ADDRESS);
    str(key.publicKey, `/keys/organisations/${i}/publicKey`, PUBLIC_KEY);
    str(key.organisation, `/keys/organisations/${i}/organisation`);
    if (key.role !== "organisation" && key.role !== "attester")
      fail(`/keys/organisations/${i}/role`, "must be organisation or attester");
  });
  const messages = (section: Obj, path: string) => {
    strings(section.readings, `${path}/readings`, BASE64);
    strings(section.events, `${path}/events`, BASE64);
    strings(section.hidden, `${path}/hidden`, HEX32);
  };
  arr(p.batches, "/batches").forEach((b, i) => {
    const batch = obj(b, `/batches/${i}`);
    str(batch.root, `/batches/${i}/root`, HEX32);
    messages(batch, `/batches/${i}`);
    strings(batch.proof, `/batches/${i}/proof`, HEX32);
    str(batch.flags, `/batches/${i}/flags`, FLAGS);
    arr(batch.anchors, `/batches/${i}/anchors`).forEach((a, j) => {
      const anchor = obj(a, `/batches/${i}/anchors/${j}`);
      const at = `/batches/${i}/anchors/${j}`;
      num(anchor.chainId, `${at}/chainId`, true);
      str(anchor.contract, `${at}/contract`, ADDRESS);
      nullOr(anchor.txHash, (t) => str(t, `${at}/txHash`, HEX32));
      nullOr(anchor.blockNumber, (n) => num(n, `${at}/blockNumber`, true));
      nullOr(anchor.blockTimestamp, (n) => num(n, `${at}/blockTimestamp`, true));
      if (!["pending", "sealed", "submitted", "included", "final"].includes(anchor.status as string))
        fail(`${at}/status`, "must be an anchor status");
      if (anchor.genesisHash !== undefined) str(anchor.genesisHash, `${at}/genesisHash`, HEX32);
    });
  });
  messages(obj(p.pending, "/pending"), "/pending");
  const claimed = obj(p.claimed, "/claimed");
  arr(claimed.gaps, "/claimed/gaps");
  return value as EvidencePackage;
}
