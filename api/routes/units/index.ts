export { postSensorSummaries } from "./postSensorSummaries.ts";
