export { parseAddressParam } from "./parseAddressParam.ts";
export {
  type DeviceRegistration,
  MAX_LABEL_LENGTH,
  parseDeviceRegistration,
} from "./parseDeviceRegistration.ts";
export { parseMessageIdParam } from "./parseMessageIdParam.ts";
