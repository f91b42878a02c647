// Cold-chain temperature profiles per GTIN (or `default`).
import type { TemperatureProfileRecord } from "../eventTypes.ts";
import type { ClientSession, Collections } from "./documents.ts";

export async function getTemperatureProfile(
  c: Collections,
  gtin: string,
  session?: ClientSession,
): Promise<TemperatureProfileRecord | undefined> {
  const d = await c.profiles.findOne({ _id: gtin }, session ? { session } : {});
  if (!d) return undefined;
  return {
    gtin: d._id,
    name: d.name,
    minC: d.minC,
    maxC: d.maxC,
    maxSingleExcursionMs: d.maxSingleExcursionMs,
    maxCumulativeExcursionMs: d.maxCumulativeExcursionMs,
    updatedAt: d.updatedAt,
  };
}

/** Creates or replaces a profile in the session's transaction; says whether it was new (201 or 200). */
export async function putTemperatureProfile(
  c: Collections,
  session: ClientSession,
  p: TemperatureProfileRecord,
): Promise<{ created: boolean; profile: TemperatureProfileRecord }> {
  const created = (await getTemperatureProfile(c, p.gtin, session)) === undefined;
  await c.profiles.replaceOne(
    { _id: p.gtin },
    {
      name: p.name,
      minC: p.minC,
      maxC: p.maxC,
      maxSingleExcursionMs: p.maxSingleExcursionMs,
      maxCumulativeExcursionMs: p.maxCumulativeExcursionMs,
      updatedAt: p.updatedAt,
    },
    { upsert: true, session },
  );
  return { created, profile: p };
}
