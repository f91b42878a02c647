// Test support for api/ tests; not exported from api/index.ts.
export {
  checkedFetch,
  EXAMPLE_ADMIN_TOKEN,
  EXAMPLE_TARGET,
  exampleDevice,
  openApiValidator,
  sealBatch,
  startTestApi,
  storeReadings,
  type TestApi,
} from "./apiHarness.ts";
export {
  type ObservedResponse,
  OpenApiDriftError,
  OpenApiResponseValidator,
} from "./openApiResponseValidator.ts";
export { expectedQrModules, qrModulesOfSvg } from "./qrModulesOfSvg.ts";
