import type { Client } from "aedes";

type HookCallback = (error?: Error | null) => void;

type Connection = {
  /** Answers still to be written: a PUBACK for each reading taken, a notice for each refusal. */
  pending: number;
  /** open → waiting (a close was asked for) → flushing (written bytes leaving) → closed (hooks failed). */
  phase: "open" | "waiting" | "flushing" | "closed";
  /** Why the connection closes: the first refusal (or stop) that asked for it. */
  reason: Error | null;
  /** Hooks to fail once the connection may close; the first failure makes aedes close it. */
  hooks: { callback: HookCallback; error: Error }[];
  timer: NodeJS.Timeout | null;
};

export type PendingAnswersOptions = {
  /** Longest wait for the answers still owed before the connection is closed anyway, ms. */
  timeoutMs: number;
  /** Makes the coming close graceful and calls `done` once what was written has left (endAfterFlush). */
  flush: (client: Client, done: () => void) => void;
  /** Called when the wait ran out with answers still owed (they are stored, but never acknowledged). */
  onTimeout?: (client: Client, pending: number) => void;
};

/**
 * What each device connection is still owed an answer for, so that closing it costs the device nothing it
 * was allowed. aedes hands every PUBLISH of one socket read to the publish hook at once and closes the
 * connection as soon as one hook fails; a refusal failing its hook right away would cut off the readings of
 * the same read that were taken before it and are still being verified and committed: they are stored,
 * but their PUBACKs never leave, and how many depends only on how busy the CPU is. So a hook that must
 * close the connection waits here until every reading taken from it has been answered (its PUBACK or its
 * notice written), at most `timeoutMs`; then what was written is flushed and the hooks fail. From the
 * moment a close is asked for, the connection takes no further reading: the wait has an end, and what is
 * refused or not taken is exactly what is not stored.
 * @example answers.add(client); ingest(...).then(() => { callback(null); answers.done(client) })
 */
export class PendingAnswers {
  private readonly connections = new WeakMap<Client, Connection>();
  private readonly options: PendingAnswersOptions;

  constructor(options: PendingAnswersOptions) {
    this.options = options;
  }

  /** True once a close was asked for: the connection's further readings are not taken. */
  isClosing(client: Client): boolean {
    return (this.connections.get(client)?.phase ?? "open") !== "open";
  }

  /** An answer is now owed to `client` (a reading was taken, or a notice is being published). */
  add(client: Client): void {
    this.connection(client).pending++;
  }

  /**
   * The answer is written. Call it after the PUBACK's `callback(null)` (aedes writes the PUBACK within
   * that call) or once the notice is published, so the close that may follow comes after those bytes.
   */
  done(client: Client): void {
    const connection = this.connections.get(client);
    if (!connection || connection.pending === 0) return;
    connection.pending--;
    if (connection.pending === 0 && connection.phase === "waiting") this.flush(client, connection);
  }

  /**
   * Fails the hook `callback` with `error` once every answer owed to `client` is written (or `timeoutMs`
   * has passed) and flushed; the first such failure makes aedes close the connection. Several refusals of
   * one connection share that one close.
   */
  closeWhenAnswered(client: Client, error: Error, callback: HookCallback): void {
    const connection = this.connection(client);
    connection.reason ??= error;
    if (connection.phase === "closed") {
      callback(error);
      return;
    }
    connection.hooks.push({ callback, error });
    if (connection.phase !== "open") return;
    connection.phase = "waiting";
    if (connection.pending === 0) {
      this.flush(client, connection);
      return;
    }
    connection.timer = setTimeout(() => {
      this.options.onTimeout?.(client, connection.pending);
      this.flush(client, connection);
    }, this.options.timeoutMs);
    connection.timer.unref();
  }

  /**
   * Fails the hook of a PUBLISH that was not taken because the connection is closing, with the close's
   * own reason, at the close: it gets neither PUBACK nor notice (the device resends it after reconnecting).
   */
  join(client: Client, callback: HookCallback): void {
    const reason = this.connections.get(client)?.reason ?? new Error("connection is closing");
    this.closeWhenAnswered(client, reason, callback);
  }

  private flush(client: Client, connection: Connection): void {
    if (connection.phase !== "waiting") return;
    connection.phase = "flushing";
    if (connection.timer) clearTimeout(connection.timer);
    connection.timer = null;
    this.options.flush(client, () => {
      connection.phase = "closed";
      const hooks = connection.hooks;
      connection.hooks = [];
      for (const { callback, error } of hooks) callback(error);
    });
  }

  private connection(client: Client): Connection {
    let connection = this.connections.get(client);
    if (!connection) {
      connection = { pending: 0, phase: "open", reason: null, hooks: [], timer: null };
      this.connections.set(client, connection);
    }
    return connection;
  }
}
