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

const jobFromRow = (row: JobRow): CaptureJobRecord => ({
  id: row.id,
  organisation: row.organisation,
  state: row.state,
  createdAt: row.created_at,
  finishedAt: row.finished_at,
  result: JSON.parse(row.result) as Record<string, unknown>,
});

export function getCaptureJob(db: Database.Database, id: string): CaptureJobRecord | undefined {
  const row = db.prepare("SELECT * FROM capture_jobs WHERE id = ?").get(id) as JobRow | undefined;
  return row && jobFromRow(row);
}

/** The jobs still `running`, oldest first: after a restart, those the crash interrupted. */
export function listRunningCaptureJobs(db: Database.Database): CaptureJobRecord[] {
  const rows = db
    .prepare("SELECT * FROM capture_jobs WHERE state = 'running' ORDER BY created_at")
    .all() as JobRow[];
  return rows.map(jobFromRow);
}

/**
 * The events stored for `organisation` with this record time, in arrival order: a capture job writes all
 * its events in one transaction with its creation time as their record time, so these are what a job of
 * that organisation created at that instant stored (events_record_time finds them).
 */
export function eventsRecordedAt(
  db: Database.Database,
  organisation: string,
  recordTime: number,
): { eventId: string; messageId: string }[] {
  const rows = db
    .prepare(
      "SELECT e.event_id AS eventId, m.id AS id FROM events e JOIN messages m ON m.n = e.n WHERE e.record_time = ? AND e.organisation = ? ORDER BY e.n",
    )
    .all(recordTime, organisation) as { eventId: string; id: Buffer }[];
  return rows.map((r) => ({ eventId: r.eventId, messageId: `0x${r.id.toString("hex")}` }));
}
