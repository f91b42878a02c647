// Jest's globalTeardown. Without --forceExit, Jest waits after the run for the event loop to drain. A handle
// that a test leaked and that the leak check could not release (a timer, say; leakCheckingEnvironment.js
// fails the file that left it) would then keep CI waiting for its whole time limit: give the process 10 s
// to exit on its own, then end it with a failure that says why.
export default async function exitIfHung() {
  setTimeout(() => {
    process.stderr.write(
      "\nJest was still running 10 s after the last test: something a test opened was never closed (see the leak reports above). Failing the run.\n",
    );
    process.exit(1);
  }, 10_000).unref();
}
