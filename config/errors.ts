import { SealtrailError, type SealtrailErrorOptions } from "#protocol";

/** Why a configuration was refused. Each stops the start: nothing runs on a configuration half understood. */
export const ConfigErrorCode = {
  /** A value does not fit its key (type, range, format), or a key is unknown; the message names each. */
  Invalid: "CONFIG_INVALID",
  /** The configuration file could not be read. */
  FileUnreadable: "CONFIG_FILE_UNREADABLE",
  /** The configuration file is not JSON or YAML holding a mapping of sections. */
  FileInvalid: "CONFIG_FILE_INVALID",
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/** A configuration refused at start; `details.problems` lists one line per bad key. */
export class ConfigError extends SealtrailError {
  override name = "ConfigError";
  declare readonly code: ConfigErrorCode;

  constructor(code: ConfigErrorCode, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}

/** True when `error` is a {@link ConfigError}, optionally with the given code. */
export function isConfigError(error: unknown, code?: ConfigErrorCode): error is ConfigError {
  return error instanceof ConfigError && (code === undefined || error.code === code);
}
