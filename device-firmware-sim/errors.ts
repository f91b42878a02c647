import { SealtrailError, type SealtrailErrorOptions } from "#protocol";

/** Why the simulator failed. Stable: tests and the CLI key on these strings. */
export const SimErrorCode = {
  /** The broker answered CONNECT with a non-zero CONNACK return code (details.returnCode). */
  ConnectRefused: "CONNECT_REFUSED",
  /** The connection closed (or was never open) before the awaited packet arrived. */
  ConnectionClosed: "CONNECTION_CLOSED",
  /** No answer within the configured time. */
  Timeout: "TIMEOUT",
  /** The broker sent something MQTT 3.1.1 does not allow at that point. */
  ProtocolViolation: "MQTT_PROTOCOL_VIOLATION",
  /** The broker refused a subscription (SUBACK 0x80). */
  SubscribeRefused: "SUBSCRIBE_REFUSED",
  /** A scenario file does not follow the schema. */
  InvalidScenario: "INVALID_SCENARIO",
  /** The registration endpoint did not accept a device. */
  RegistrationFailed: "REGISTRATION_FAILED",
  /** A device's key file or state file is unreadable or malformed. */
  CorruptDeviceFile: "CORRUPT_DEVICE_FILE",
  /** No device could connect to the broker (unreachable, refused, wrong URL): details.reason says why. */
  NoConnection: "NO_CONNECTION",
  /** Wrong command-line arguments. */
  Usage: "USAGE",
} as const;
export type SimErrorCode = (typeof SimErrorCode)[keyof typeof SimErrorCode];

/** An error the simulator raises on purpose; `code` says which. */
export class SimError extends SealtrailError {
  override name = "SimError";
  declare readonly code: SimErrorCode;

  constructor(code: SimErrorCode, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}

/** True when `error` is a {@link SimError}, optionally with the given code. */
export function isSimError(error: unknown, code?: SimErrorCode): error is SimError {
  return error instanceof SimError && (code === undefined || error.code === code);
}
