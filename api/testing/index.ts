// Test support for api/ tests; not exported from api/index.ts.
export {
  EXAMPLE_ADMIN_TOKEN,
  EXAMPLE_TARGET,
  exampleDevice,
  sealBatch,
  startTestApi,
  storeReadings,
  type TestApi,
} from "./apiHarness.ts";
