// Public API of device-firmware-sim/clients/: two MQTT clients behind one small interface.
export { createDeviceClient, type DeviceClientOptions } from "./createDeviceClient.ts";
export {
  CLIENT_KINDS,
  type ClientKind,
  type ConnectOptions,
  type DeviceClient,
  type DeviceClientEvents,
  parseMqttUrl,
} from "./deviceClient.ts";
export { MqttJsClient } from "./MqttJsClient.ts";
export { RawMqttClient, type RawMqttClientOptions } from "./RawMqttClient.ts";
