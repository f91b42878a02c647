import type { ClientKind, DeviceClient } from "./deviceClient.ts";
import { MqttJsClient } from "./MqttJsClient.ts";
import { RawMqttClient } from "./RawMqttClient.ts";

export type DeviceClientOptions = {
  /** For the raw client: most PUBLISHes awaiting PUBACK at once (MQTT.js does not limit; the device does). */
  maxInflight?: number;
};

/**
 * A device client of the given kind: `mqttjs` (MQTT.js) or `raw` (the constrained-device client on
 * mqtt-packet). Both pass the same interoperability suite against the gateway.
 * @example const client = createDeviceClient("raw", { maxInflight: 8 })
 */
export function createDeviceClient(kind: ClientKind, options: DeviceClientOptions = {}): DeviceClient {
  if (kind === "mqttjs") return new MqttJsClient();
  return new RawMqttClient(options.maxInflight === undefined ? {} : { maxInflight: options.maxInflight });
}
