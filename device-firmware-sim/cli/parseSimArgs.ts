import { parseArgs } from "node:util";
import { CLIENT_KINDS, type ClientKind } from "../clients/deviceClient.ts";
import { SimError, SimErrorCode } from "../errors.ts";

export const SIM_HELP = `usage: sealtrail sim <scenario.yaml> --mqtt <url> --api <url> --admin-token <token> --data-dir <dir>
                     [--seed N] [--client mqttjs|raw] [--duration s] [--drain-timeout s]
                     [--connect-timeout s] [--verbose]

Runs a fleet of simulated devices from a scenario file (YAML or JSON) against a running gateway: registers
each device through the API (admin token), then publishes signed readings until the duration is over,
showing what was sent, acknowledged, buffered and refused. Exit status: 0 done, 1 failed (a device could
not be registered, or no device could connect to the broker), 2 usage error.

  --mqtt           gateway MQTT URL, e.g. mqtt://127.0.0.1:1883 (the simulator's clients speak MQTT over
                   plain TCP: mqtt:// or tcp://; mqtts://, ws:// and wss:// are refused for now)
  --api            API base URL for registering devices, e.g. http://127.0.0.1:8080
  --admin-token    API admin token (or SEALTRAIL_ADMIN_TOKEN)
  --data-dir       where device keys, state and outboxes live (default data/sim); a rerun continues them
  --seed           overrides the scenario's seed (same seed, same readings)
  --client         MQTT client: mqttjs or raw (the constrained-device client); overrides the scenario
  --duration       run length in seconds; overrides the scenario
  --drain-timeout  after the run, wait this long for buffered readings to be acknowledged (default 10)
  --connect-timeout  give up (exit 1, saying why) when no device has connected within this many seconds
                   (default 15)
  --verbose        device logs (JSON lines) on stderr
`;

export type SimArgs = {
  scenarioPath: string;
  mqttUrl: string;
  apiUrl: string;
  adminToken: string;
  dataDir: string;
  seed: number | undefined;
  client: ClientKind | undefined;
  durationS: number | undefined;
  drainTimeoutS: number;
  connectTimeoutS: number;
  verbose: boolean;
};

/** URL schemes an MQTT broker is reached by (what MQTT.js and most tools accept). */
export const MQTT_URL_SCHEMES = ["mqtt:", "mqtts:", "ws:", "wss:", "tcp:"] as const;
/** Those the simulator's clients speak today: MQTT over plain TCP. */
const SIM_CLIENT_SCHEMES: readonly string[] = ["mqtt:", "tcp:"];

/**
 * Parses `sealtrail sim` arguments; `"help"` when --help was asked; throws SimError USAGE otherwise.
 * @example parseSimArgs(["cold-chain.yaml", "--mqtt", "mqtt://127.0.0.1:1883", ...], process.env)
 */
export function parseSimArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SimArgs | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    throw new SimError(SimErrorCode.Usage, (cause as Error).message, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 1) throw new SimError(SimErrorCode.Usage, "expected exactly one scenario file");
  const required = (name: string, value: string | undefined): string => {
    if (value === undefined || value === "") throw new SimError(SimErrorCode.Usage, `--${name} is required`);
    return value;
  };
  const number = (
    name: string,
    value: string | undefined,
    check: (n: number) => boolean,
  ): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || !check(n))
      throw new SimError(SimErrorCode.Usage, `--${name} ${JSON.stringify(value)} is out of range`);
    return n;
  };
  const client = values.client;
  if (client !== undefined && !(CLIENT_KINDS as readonly string[]).includes(client)) {
    throw new SimError(SimErrorCode.Usage, `--client must be one of ${CLIENT_KINDS.join(", ")}`);
  }
  return {
    scenarioPath: positionals[0]!,
    mqttUrl: mqttUrl(required("mqtt", values.mqtt)),
    apiUrl: required("api", values.api),
    adminToken: required("admin-token", values["admin-token"] ?? env.SEALTRAIL_ADMIN_TOKEN),
    dataDir: values["data-dir"] ?? "data/sim",
    seed: number("seed", values.seed, (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff),
    client: client as ClientKind | undefined,
    durationS: number("duration", values.duration, (n) => n > 0),
    drainTimeoutS: number("drain-timeout", values["drain-timeout"], (n) => n >= 0) ?? 10,
    connectTimeoutS: number("connect-timeout", values["connect-timeout"], (n) => n > 0) ?? 15,
    verbose: values.verbose ?? false,
  };
}

/** A broker URL, refused early: `http://…` or a typo would otherwise only show as devices never online. */
function mqttUrl(url: string): string {
  const shown = JSON.stringify(url.slice(0, 100));
  const scheme = URL.canParse(url) ? new URL(url).protocol : undefined;
  if (scheme === undefined || !(MQTT_URL_SCHEMES as readonly string[]).includes(scheme)) {
    throw new SimError(
      SimErrorCode.Usage,
      `--mqtt must be a broker URL (${MQTT_URL_SCHEMES.map((s) => `${s}//`).join(", ")}), not ${shown}`,
    );
  }
  if (!SIM_CLIENT_SCHEMES.includes(scheme)) {
    throw new SimError(
      SimErrorCode.Usage,
      `--mqtt ${shown}: the simulator's clients speak MQTT over plain TCP only (mqtt://, tcp://)`,
    );
  }
  return url;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      mqtt: { type: "string" },
      api: { type: "string" },
      "admin-token": { type: "string" },
      "data-dir": { type: "string" },
      seed: { type: "string" },
      client: { type: "string" },
      duration: { type: "string" },
      "drain-timeout": { type: "string" },
      "connect-timeout": { type: "string" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
