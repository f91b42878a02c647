import type { Logger } from "pino";
import type { DemoConfig } from "./demoConfig.ts";
import type { Stack } from "./startStack.ts";

export type DemoFleet = { description: string; stop(): Promise<void> };

/** Starts the simulated fleet of the demo (the cold-chain scenario unless another is configured). */
export async function startDemoFleet(
  _stack: Stack,
  _config: DemoConfig,
  _logger: Logger,
): Promise<DemoFleet | undefined> {
  return undefined;
}
