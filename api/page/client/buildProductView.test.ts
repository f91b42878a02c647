import { describe, expect, it } from "@jest/globals";
import type { EvidenceVerification } from "#evidence";
import {
  type DeviceIdentity,
  decodeReading,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  keccak256,
  signReading,
} from "#protocol";
import { buildProductView } from "./buildProductView.ts";
import { placeOf } from "./describeEvent.ts";

const MIN = 60_000;
const T0 = Date.parse("2026-01-05T08:00:00Z");
const device: DeviceIdentity = deviceIdentityFromPrivateKey(
  keccak256(new TextEncoder().encode("EXAMPLE view reefer")),
);

/** Verified readings as the verifier hands them over: decoded from signed bytes. */
function readings(values: { minute: number; tempC: number; lat?: number; lon?: number }[]) {
  return values.map((v, i) => {
    const m: Record<string, number> = { temp_c: v.tempC };
    if (v.lat !== undefined && v.lon !== undefined) Object.assign(m, { lat_deg: v.lat, lon_deg: v.lon });
    const signed = signReading(device, { v: 1, seq: i + 1, ts: T0 + v.minute * MIN, prev: GENESIS_PREV, m });
    return { ...decodeReading(signed.message), root: null };
  });
}

function verification(
  verified: ReturnType<typeof readings>,
  sensorFrom: number,
  sensorTo: number,
): EvidenceVerification {
  return {
    readings: verified,
    events: [],
    report: {
      format: "sealtrail-evidence-report-v1",
      subject: { kind: "item", id: "https://id.gs1.org/01/04012345333336/21/X", gtin: "04012345333336" },
      status: "valid",
      summary: "",
      readings: { total: verified.length, verified: verified.length, pending: 0 },
      events: { total: 0, verified: 0, pending: 0, hidden: 0 },
      batches: { total: 0, proven: 0, anchored: 0 },
      anchors: [],
      journey: {
        complete: true,
        coldChain: null,
        sensors: [
          {
            giai: "4012345R1",
            device: device.address,
            unit: "https://id.gs1.org/00/040123450000000017",
            via: [],
            from: T0 + sensorFrom * MIN,
            to: T0 + sensorTo * MIN,
            readings: verified.length,
            complete: true,
            gaps: [],
          },
        ],
      },
      failures: [],
    },
  } as unknown as EvidenceVerification;
}

const item = { title: "Product", gtin: null, serial: null, lot: null, sscc: null };

describe("buildProductView", () => {
  it("draws only readings of the sensor's stretch: the neighbours a package carries for completeness are left out", () => {
    const verified = readings([
      { minute: 0, tempC: 20 },
      { minute: 1, tempC: 5, lat: 53.5, lon: 10 },
      { minute: 2, tempC: 6, lat: 53.4, lon: 10.1 },
      { minute: 3, tempC: 25 },
    ]);
    const view = buildProductView({ journey: null, profile: null }, verification(verified, 1, 2), item);
    expect(view.temperatures.map((t) => t.tempC)).toEqual([5, 6]);
    expect(view.route).toEqual([
      { ts: T0 + MIN, lat: 53.5, lon: 10 },
      { ts: T0 + 2 * MIN, lat: 53.4, lon: 10.1 },
    ]);
  });

  it("reports the verifier's counts, never the package's claims", () => {
    const verified = readings([{ minute: 1, tempC: 5 }]);
    const v = verification(verified, 0, 5);
    v.report.readings = { total: 3, verified: 1, pending: 0 };
    v.report.failures = [{ subject: "reading 0xab", check: "signature", detail: "does not verify" }];
    const view = buildProductView({ journey: null, profile: null }, v, item);
    expect(view.verification.readings).toEqual({ verified: 1, total: 3 });
    expect(view.verification.failures).toEqual([
      { what: "reading 0xab", reason: "signature: does not verify" },
    ]);
  });
});

describe("placeOf", () => {
  it("writes an SGLN as its GLN with the check digit", () => {
    expect(placeOf("urn:epc:id:sgln:4012345.00011.0")).toBe("4012345000115");
    expect(placeOf("urn:epc:id:sgln:4012345.00011.dock-2")).toBe("4012345000115 (dock-2)");
    expect(placeOf("https://example.com/place")).toBe("https://example.com/place");
  });
});
