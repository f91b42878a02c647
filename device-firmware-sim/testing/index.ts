// Test support of device-firmware-sim/ (not part of "#sim"): a scriptable MQTT broker for device-side unit tests.
export { FakeBroker, type ReceivedPublish } from "./FakeBroker.ts";
