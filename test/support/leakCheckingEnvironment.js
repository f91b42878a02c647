// A Jest test environment that fails a test file which leaves something running: a server, a socket, a
// child process, a worker, a timer. Without it such a leak either hangs Jest after the run or, with
// --forceExit, is silently killed — and the same leak in the product (a gateway that never closes a
// socket) goes unnoticed. At setup it counts the process's active resources by kind; at teardown, after
// every test and hook of the file, it waits a moment for closes in flight to finish, then throws naming
// each kind that is still above its count. The leaked handles are then unref'd, so that the leak fails
// its file instead of hanging Jest (Node's private _getActiveHandles is the only way to reach them).
import { TestEnvironment } from "jest-environment-node";

/** Closing a server or killing a child finishes on a later turn of the event loop: wait this long at most. */
const SETTLE_MS = 2_000;

function countByKind() {
  const counts = new Map();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function leaksSince(before) {
  const leaks = [];
  for (const [kind, count] of countByKind()) {
    const extra = count - (before.get(kind) ?? 0);
    if (extra > 0) leaks.push(`${extra} × ${kind}`);
  }
  return leaks;
}

export default class LeakCheckingEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  /** A failed test often leaves what it opened behind (its cleanup never ran): its own failure says why. */
  handleTestEvent(event) {
    if ((event.name === "test_done" && event.test.errors.length > 0) || event.name === "hook_failure") {
      this.someTestFailed = true;
    }
  }

  async setup() {
    await super.setup();
    this.before = countByKind();
    this.handlesBefore = new Set(process._getActiveHandles());
  }

  async teardown() {
    const deadline = Date.now() + SETTLE_MS;
    let leaks = leaksSince(this.before);
    while (leaks.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 20).unref());
      leaks = leaksSince(this.before);
    }
    await super.teardown();
    if (leaks.length > 0) {
      for (const handle of process._getActiveHandles()) {
        if (!this.handlesBefore.has(handle)) handle.unref?.();
      }
      // Reported as a failure of its own only when every test passed: otherwise it would hide theirs.
      if (this.someTestFailed) return;
      throw new Error(
        `${this.testPath} left running after its last test: ${leaks.join(", ")}. Close what the file opens (servers, sockets, child processes, workers, timers) in afterAll/afterEach.`,
      );
    }
  }
}
