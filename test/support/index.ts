// Helpers shared by the test suites (imported as #test-support).
export { freePort } from "../../cli/demo/freePort.ts";
export { type UntilOptions, until } from "./until.ts";
