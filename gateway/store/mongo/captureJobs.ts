// Capture jobs (EPCIS 2.0 REST binding, GET /capture/{id}), kept so a client can ask after a restart.
import type { CaptureJobRecord, CaptureJobState } from "../eventTypes.ts";
import type { Collections } from "./documents.ts";

type JobDoc = Parameters<Collections["captureJobs"]["insertOne"]>[0];

const jobFromDoc = (d: JobDoc): CaptureJobRecord => ({
  id: d._id,
  organisation: d.organisation ?? null,
  state: d.state,
  createdAt: d.createdAt,
  finishedAt: d.finishedAt ?? null,
  result: JSON.parse(d.result) as Record<string, unknown>,
});

export async function createCaptureJob(c: Collections, job: CaptureJobRecord): Promise<void> {
  await c.captureJobs.insertOne({
    _id: job.id,
    organisation: job.organisation,
    state: job.state,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    result: JSON.stringify(job.result),
  });
}

export async function finishCaptureJob(
  c: Collections,
  id: string,
  update: { state: Exclude<CaptureJobState, "running">; finishedAt: number; result: Record<string, unknown> },
): Promise<void> {
  await c.captureJobs.updateOne(
    { _id: id },
    { $set: { state: update.state, finishedAt: update.finishedAt, result: JSON.stringify(update.result) } },
  );
}

export async function getCaptureJob(c: Collections, id: string): Promise<CaptureJobRecord | undefined> {
  const doc = await c.captureJobs.findOne({ _id: id });
  return doc ? jobFromDoc(doc) : undefined;
}

/** Jobs still `running`, oldest first: after a restart, those a crash interrupted. */
export async function listRunningCaptureJobs(c: Collections): Promise<CaptureJobRecord[]> {
  const docs = await c.captureJobs.find({ state: "running" }, { sort: { createdAt: 1, _id: 1 } }).toArray();
  return docs.map(jobFromDoc);
}
