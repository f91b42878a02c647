import type { CaptureJobRecord } from "#gateway";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A capture job as GS1's REST binding shows it (`captureID`, `running`, `success`, `captureErrorBehaviour`,
 * `errors`), with what Sealtrail adds: each captured event's eventID and message id (its proof's key).
 */
export function captureJobToJson(job: CaptureJobRecord) {
  const r = job.result as {
    captureErrorBehaviour?: string;
    eventCount?: number;
    captured?: unknown[];
    errors?: unknown[];
  };
  return {
    captureID: job.id,
    createdAt: iso(job.createdAt),
    finishedAt: iso(job.finishedAt),
    running: job.state === "running",
    success: job.state === "success",
    captureErrorBehaviour: r.captureErrorBehaviour ?? "rollback",
    organisation: job.organisation,
    eventCount: r.eventCount ?? 0,
    captured: r.captured ?? [],
    errors: r.errors ?? [],
  };
}
