import type { EventStore } from "#gateway";
import type { ApiLogger } from "../../types.ts";
import type { CaptureError } from "./captureEvents.ts";

/** The code of the error a capture job gets when the server stopped while it ran. */
export const CAPTURE_INTERRUPTED = "CAPTURE_INTERRUPTED";

/**
 * Finishes, as failed, every capture job a previous run left `running`: a job runs in-process after its
 * 202, so a crash or a kill leaves it so forever and its client would poll without end. What the job
 * stored is read from the store, not assumed: its events were written in ONE transaction with the job's
 * creation time as their record time, so either all of that write is there or none of it — "all or
 * nothing" can have committed just before the crash as well as not at all, and `proceed` stored the
 * accepted ones or none. The job lists them in `captured` (index null: the document is gone) and says so in
 * its one error. Call once at start, before serving, while no job of this process runs.
 * @example await recoverCaptureJobs(store, logger, Date.now())
 */
export async function recoverCaptureJobs(
  store: Pick<EventStore, "listRunningCaptureJobs" | "eventsRecordedAt" | "finishCaptureJob">,
  logger: ApiLogger,
  now: number,
): Promise<number> {
  const jobs = await store.listRunningCaptureJobs();
  for (const job of jobs) {
    const stored =
      job.organisation === null ? [] : await store.eventsRecordedAt(job.organisation, job.createdAt);
    const behaviour = (job.result.captureErrorBehaviour as string | undefined) ?? "rollback";
    const what =
      stored.length === 0
        ? "none of its events were stored"
        : `${stored.length} of its events were stored before it stopped (listed in captured)`;
    const error: CaptureError = {
      index: null,
      code: CAPTURE_INTERRUPTED,
      type: "epcisException:ImplementationException",
      pointer: "",
      detail: `the server stopped while this capture ran; ${what}. Capture the document again: events stored already are refused as duplicates (EPCIS_DUPLICATE_EVENT), the rest are captured`,
    };
    await store.finishCaptureJob(job.id, {
      state: "failed",
      finishedAt: now,
      result: {
        captureErrorBehaviour: behaviour,
        captured: stored.map((e) => ({ index: null, eventID: e.eventId, messageId: e.messageId })),
        errors: [error],
      },
    });
    logger.warn(
      { capture: job.id, organisation: job.organisation, stored: stored.length },
      "capture job interrupted by a restart, finished as failed",
    );
  }
  return jobs.length;
}
