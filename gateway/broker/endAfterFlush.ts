import type { Client } from "aedes";
import { GuardedConnection } from "./guardFrames.ts";

/**
 * Calls `done` once what was written to the client's connection has reached the kernel, and makes the
 * close that follows a graceful one (FIN, then the peer's remaining input drained), so a refusal notice
 * or CONNACK written just before is never cut off. Hooks call back with their refusal in `done`: aedes
 * then closes the connection. A connection that is not ours (an in-memory duplex fed to
 * `aedes.handle` in a test) has nothing to flush: `done` runs on the next turn.
 * @example endAfterFlush(client, () => callback(refusal))
 */
export function endAfterFlush(client: Client, done: () => void): void {
  const conn: unknown = client.conn;
  if (conn instanceof GuardedConnection) conn.endAfterFlush(done);
  else setImmediate(done);
}
