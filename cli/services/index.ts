// The long-running services of `sealtrail gateway` and `sealtrail api`, and what they share with the demo.
export { apiHttpOptions } from "./apiHttpOptions.ts";
export { type ConnectedTargets, connectAnchorTargets } from "./connectAnchorTargets.ts";
export { openServiceStore, STORE_FILE } from "./openServiceStore.ts";
export { type RunningService, stopAll } from "./runningService.ts";
export { runService } from "./runService.ts";
export { startApiService } from "./startApiService.ts";
export { startGatewayService } from "./startGatewayService.ts";
export { type HealthServer, startHealthServer } from "./startHealthServer.ts";
