import type { TemperatureProfile } from "#provenance";
import { ApiError, ApiErrorCode } from "../errors.ts";

const FIELDS = ["name", "minC", "maxC", "maxSingleExcursionMs", "maxCumulativeExcursionMs"] as const;
/** A week: longer tolerances are typing mistakes (minutes given as ms would be far below it, not above). */
const MAX_TOLERANCE_MS = 7 * 24 * 3_600_000;

const invalid = (message: string) => new ApiError(400, ApiErrorCode.InvalidBody, message);

/**
 * A `PUT /profiles/{gtin}` body: `{ name (1..100), minC < maxC (°C, -273.15..1000), maxSingleExcursionMs,
 * maxCumulativeExcursionMs }` (whole ms, 0..a week, single ≤ cumulative), nothing else. Throws INVALID_BODY.
 * @example parseTemperatureProfile({ name: "2–8 °C", minC: 2, maxC: 8, maxSingleExcursionMs: 1_800_000, maxCumulativeExcursionMs: 3_600_000 })
 */
export function parseTemperatureProfile(body: unknown): TemperatureProfile {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid(`body must be a JSON object { ${FIELDS.join(", ")} }`);
  }
  const unknownKey = Object.keys(body).find((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknownKey !== undefined) throw invalid(`unknown field ${JSON.stringify(unknownKey.slice(0, 40))}`);
  const b = body as Record<string, unknown>;
  const name = b.name;
  if (typeof name !== "string" || name.length < 1 || name.length > 100) {
    throw invalid("name must be 1 to 100 characters");
  }
  const celsius = (key: "minC" | "maxC") => {
    const v = b[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v < -273.15 || v > 1000) {
      throw invalid(`${key} must be a temperature in °C`);
    }
    return v;
  };
  const tolerance = (key: "maxSingleExcursionMs" | "maxCumulativeExcursionMs") => {
    const v = b[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_TOLERANCE_MS) {
      throw invalid(`${key} must be whole milliseconds from 0 to ${MAX_TOLERANCE_MS}`);
    }
    return v;
  };
  const profile = {
    name,
    minC: celsius("minC"),
    maxC: celsius("maxC"),
    maxSingleExcursionMs: tolerance("maxSingleExcursionMs"),
    maxCumulativeExcursionMs: tolerance("maxCumulativeExcursionMs"),
  };
  if (profile.minC >= profile.maxC) throw invalid("minC must be below maxC");
  if (profile.maxSingleExcursionMs > profile.maxCumulativeExcursionMs) {
    throw invalid("maxSingleExcursionMs must not exceed maxCumulativeExcursionMs");
  }
  return profile;
}
