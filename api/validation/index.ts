export { parseAddressParam } from "./parseAddressParam.ts";
export {
  type DeviceRegistration,
  MAX_LABEL_LENGTH,
  parseDeviceRegistration,
  parseLabelField,
  parsePublicKeyField,
} from "./parseDeviceRegistration.ts";
export { type KeyRotation, parseKeyRotation } from "./parseKeyRotation.ts";
export { parseMessageIdParam } from "./parseMessageIdParam.ts";
export {
  DEFAULT_READINGS_LIMIT,
  MAX_READINGS_LIMIT,
  parseReadingsQuery,
  type ReadingsParam,
  type ReadingsQuery,
} from "./parseReadingsQuery.ts";
