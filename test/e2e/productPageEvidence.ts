// The evidence package as the product page's tests handle it: waiting until the stack has anchored it,
// and altering it the way an attacker between server and browser would.
import {
  assembleCoseSign1,
  decodeCoseSign1,
  decodeReadingPayload,
  encodeReadingPayload,
  type ReadingPayload,
} from "#protocol";

type PackageJson = {
  batches: { readings: string[]; anchors: { status: string }[] }[];
  pending: { readings: string[]; events: string[]; hidden: string[] };
};

/**
 * Polls an evidence package URL until it has no pending message and every batch is anchored final.
 * @example await waitForAnchoredPackage(`${apiUrl}/api/v1/evidence/01/…/21/…`, 120_000)
 */
export async function waitForAnchoredPackage(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const res = await fetch(url);
    last = `${res.status}`;
    if (res.status === 200) {
      const p = (await res.json()) as PackageJson;
      const pending = p.pending.readings.length + p.pending.events.length + p.pending.hidden.length;
      const notFinal = p.batches.filter((b) => !b.anchors.some((a) => a.status === "final")).length;
      last = `${pending} pending, ${notFinal} of ${p.batches.length} batches not final`;
      if (pending === 0 && notFinal === 0 && p.batches.length > 0) return;
    }
    if (Date.now() > deadline) throw new Error(`evidence package not anchored in time (${last}): ${url}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** How many readings a package holds, sealed or pending. */
export function countReadings(packageText: string): number {
  const p = JSON.parse(packageText) as PackageJson;
  return p.batches.reduce((n, b) => n + b.readings.length, 0) + p.pending.readings.length;
}

/**
 * The package with one reading's temperature changed to `tempC` and its signature kept: the signed
 * payload is re-encoded, as a tamperer would, so the bytes no longer match the signature (nor the leaf).
 * Picks a reading in the middle of the first batch that has one.
 * @example await route.fulfill({ response, body: alterOneTemperature(await response.text(), 31.5) })
 */
export function alterOneTemperature(packageText: string, tempC: number): string {
  const p = JSON.parse(packageText) as PackageJson;
  const batch = p.batches.find((b) => b.readings.length > 0);
  if (!batch) throw new Error("the package has no sealed reading to alter");
  const index = Math.floor(batch.readings.length / 2);
  const raw = new Uint8Array(Buffer.from(batch.readings[index]!, "base64"));
  const cose = decodeCoseSign1(raw);
  const reading: ReadingPayload = decodeReadingPayload(cose.payload);
  const altered = encodeReadingPayload({ ...reading, m: { ...reading.m, temp_c: tempC } });
  batch.readings[index] = Buffer.from(
    assembleCoseSign1(cose.protectedBytes, altered, cose.signature),
  ).toString("base64");
  return JSON.stringify(p);
}
