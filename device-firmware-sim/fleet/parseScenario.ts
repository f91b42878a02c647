import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { SimError, SimErrorCode } from "../errors.ts";
import { type Scenario, scenarioSchema } from "./scenarioSchema.ts";

/**
 * Validates a scenario object (from YAML or JSON) and fills its defaults; throws INVALID_SCENARIO listing
 * every problem with its path.
 * @example parseScenario({ format: "sealtrail-sim-scenario-v1", name: "x", seed: 1, durationS: 10, devices: [...] })
 */
export function parseScenario(input: unknown, source = "scenario"): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `  ${path}: ${issue.message}`;
  });
  throw new SimError(
    SimErrorCode.InvalidScenario,
    `${source} is not a valid scenario:\n${lines.join("\n")}`,
    {
      details: { source, issues: result.error.issues.length },
    },
  );
}

/**
 * Reads and validates a scenario file, YAML or JSON (YAML is a superset of JSON, so one parser reads both).
 * @example const scenario = await loadScenarioFile("device-firmware-sim/scenarios/cold-chain.yaml")
 */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new SimError(SimErrorCode.InvalidScenario, `cannot read scenario file ${path}`, { cause });
  }
  let input: unknown;
  try {
    input = parseYaml(text, { maxAliasCount: 100 });
  } catch (cause) {
    throw new SimError(
      SimErrorCode.InvalidScenario,
      `${path} is not valid YAML or JSON: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return parseScenario(input, path);
}
