import type { Logger } from "pino";
import { demoConfigFromEnv } from "../../cli/demo/demoConfig.ts";
import { freePort } from "../../cli/demo/freePort.ts";
import { type Stack, startStack } from "../../cli/demo/startStack.ts";

export type StackPorts = { httpPort: number; mqttPort: number; rpcPort: number };

/** The demo's environment for these ports: what `sealtrail demo` would read. */
export function portEnv(ports: StackPorts): Record<string, string> {
  return {
    SEALTRAIL_HTTP_PORT: String(ports.httpPort),
    SEALTRAIL_MQTT_PORT: String(ports.mqttPort),
    SEALTRAIL_RPC_PORT: String(ports.rpcPort),
  };
}

/**
 * startStack as `sealtrail demo` starts it (its configuration read from `env` with the demo profile) on
 * ports that are free when picked. The stack binds them only later (the chain's in a child process), so
 * another process may take one meanwhile: then it fails with EADDRINUSE, cleans up, and this tries again on
 * other ports.
 */
export async function startStackOnFreePorts(
  env: Record<string, string>,
  options: { logger?: Logger } = {},
): Promise<{ stack: Stack; ports: StackPorts }> {
  for (let attempt = 1; ; attempt++) {
    const ports = { httpPort: await freePort(), mqttPort: await freePort(), rpcPort: await freePort() };
    const { config } = demoConfigFromEnv({ ...env, ...portEnv(ports) });
    try {
      return { stack: await startStack({ config, ...options }), ports };
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}
