import type { SensorConditions } from "./sensorModel.ts";

/** Something that happens to one device's cargo at a scheduled moment of the run (run seconds). */
export type SensorEvent =
  | { type: "doorOpening"; atS: number; durationS: number }
  | { type: "compressorFailure"; atS: number; durationS: number }
  | { type: "impact"; atS: number; g: number };

/**
 * The conditions in force during the step that ends at run time `runS` and lasted `stepS`: a door or
 * compressor event counts while `runS` is inside it; an impact counts in the one step it falls into.
 * @example conditionsAt([{ type: "doorOpening", atS: 10, durationS: 5 }], 12, 1).doorOpen // true
 */
export function conditionsAt(events: readonly SensorEvent[], runS: number, stepS: number): SensorConditions {
  let doorOpen = false;
  let compressorFailed = false;
  let impactG: number | undefined;
  for (const e of events) {
    if (e.type === "impact") {
      if (e.atS > runS - stepS && e.atS <= runS) impactG = Math.max(impactG ?? 0, e.g);
    } else if (runS >= e.atS && runS < e.atS + e.durationS) {
      if (e.type === "doorOpening") doorOpen = true;
      else compressorFailed = true;
    }
  }
  return { doorOpen, compressorFailed, impactG };
}
