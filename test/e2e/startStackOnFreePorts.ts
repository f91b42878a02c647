import { freePort } from "../../cli/demo/freePort.ts";
import { type Stack, type StackOptions, startStack } from "../../cli/demo/startStack.ts";

export type StackPorts = { httpPort: number; mqttPort: number; rpcPort: number };

/**
 * startStack on ports that are free when picked. The stack binds them only later (the chain's in a child
 * process), so another process may take one meanwhile: then it fails with EADDRINUSE, cleans up, and this
 * tries again on other ports.
 */
export async function startStackOnFreePorts(
  options: Omit<StackOptions, keyof StackPorts>,
): Promise<{ stack: Stack; ports: StackPorts }> {
  for (let attempt = 1; ; attempt++) {
    const ports = { httpPort: await freePort(), mqttPort: await freePort(), rpcPort: await freePort() };
    try {
      return { stack: await startStack({ ...options, ...ports }), ports };
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}
