// Capture jobs (EPCIS 2.0 REST binding, GET /capture/{id}) are kept in the store, so a client can ask after
// a restart what became of its document.
import type Database from "better-sqlite3";
import type { CaptureJobRecord, CaptureJobState } from "../../eventTypes.ts";

type JobRow = {
  id: string;
  organisation: string | null;
  state: CaptureJobState;
  created_at: number;
  finished_at: number | null;
  result: string;
};

export function createCaptureJob(db: Database.Database, job: CaptureJobRecord): void {
  db.prepare(
    "INSERT INTO capture_jobs (id, organisation, state, created_at, finished_at, result) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(job.id, job.organisation, job.state, job.createdAt, job.finishedAt, JSON.stringify(job.result));
}

export function finishCaptureJob(
  db: Database.Database,
  id: string,
  update: { state: Exclude<CaptureJobState, "running">; finishedAt: number; result: Record<string, unknown> },
): void {
  db.prepare("UPDATE capture_jobs SET state = ?, finished_at = ?, result = ? WHERE id = ?").run(
    update.state,
    update.finishedAt,
    JSON.stringify(update.result),
    id,
  );
}

export function getCaptureJob(db: Database.Database, id: string): CaptureJobRecord | undefined {
  const row = db.prepare("SELECT * FROM capture_jobs WHERE id = ?").get(id) as JobRow | undefined;
  return (
    row && {
      id: row.id,
      organisation: row.organisation,
      state: row.state,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      result: JSON.parse(row.result) as Record<string, unknown>,
    }
  );
}
