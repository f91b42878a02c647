import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { InterfaceAbi } from "ethers";
import { ContractsError, ContractsErrorCode } from "./errors.ts";

/** The parts of a Hardhat 3 artifact (`hh3-artifact-1`) that deploying and calling a contract need. */
export type ContractArtifact = {
  contractName: string;
  sourceName: string;
  abi: InterfaceAbi;
  bytecode: string;
  deployedBytecode: string;
};

export type LoadArtifactOptions = {
  /** Directory holding Hardhat's artifacts; defaults to contracts/artifacts beside this file. */
  artifactsDir?: string | URL;
};

const ARTIFACT_FORMAT = "hh3-artifact-1";
const DEFAULT_ARTIFACTS_DIR = new URL("./artifacts/", import.meta.url);

/**
 * Reads the compiled SealtrailAnchor artifact (ABI and bytecode) from disk, at call time.
 *
 * @example
 * const { abi, bytecode } = loadAnchorArtifact();
 */
export function loadAnchorArtifact(options: LoadArtifactOptions = {}): ContractArtifact {
  return loadArtifact("SealtrailAnchor", options);
}

/**
 * Reads the compiled SealtrailDeviceRegistry artifact (ABI and bytecode) from disk, at call time.
 *
 * @example
 * const { abi } = loadDeviceRegistryArtifact();
 */
export function loadDeviceRegistryArtifact(options: LoadArtifactOptions = {}): ContractArtifact {
  return loadArtifact("SealtrailDeviceRegistry", options);
}

function loadArtifact(contractName: string, options: LoadArtifactOptions): ContractArtifact {
  const sourceName = `contracts/src/${contractName}.sol`;
  const dir = toDirUrl(options.artifactsDir ?? DEFAULT_ARTIFACTS_DIR);
  const file = fileURLToPath(new URL(`${sourceName}/${contractName}.json`, dir));

  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ContractsError(
      ContractsErrorCode.ArtifactMissing,
      `no compiled artifact for ${contractName}; run \`npm run build:contracts\``,
      { details: { file }, cause },
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ContractsError(ContractsErrorCode.ArtifactInvalid, `artifact of ${contractName} is not JSON`, {
      details: { file },
      cause,
    });
  }
  if (!isArtifactOf(json, contractName, sourceName)) {
    throw new ContractsError(
      ContractsErrorCode.ArtifactInvalid,
      `artifact of ${contractName} is not a ${ARTIFACT_FORMAT} artifact of ${sourceName}`,
      { details: { file } },
    );
  }
  return {
    contractName: json.contractName,
    sourceName: json.sourceName,
    abi: json.abi,
    bytecode: json.bytecode,
    deployedBytecode: json.deployedBytecode,
  };
}

type RawArtifact = {
  _format: string;
  contractName: string;
  sourceName: string;
  abi: InterfaceAbi;
  bytecode: string;
  deployedBytecode: string;
};

function isArtifactOf(json: unknown, contractName: string, sourceName: string): json is RawArtifact {
  if (typeof json !== "object" || json === null) return false;
  const a = json as Record<string, unknown>;
  return (
    a._format === ARTIFACT_FORMAT &&
    a.contractName === contractName &&
    a.sourceName === sourceName &&
    Array.isArray(a.abi) &&
    isBytecode(a.bytecode) &&
    isBytecode(a.deployedBytecode)
  );
}

function isBytecode(value: unknown): value is string {
  return typeof value === "string" && /^0x(?:[0-9a-fA-F]{2})+$/.test(value);
}

// A directory URL needs its trailing slash, or `new URL(relative, dir)` would replace its last segment.
function toDirUrl(dir: string | URL): URL {
  const url = typeof dir === "string" ? pathToFileURL(resolve(dir)) : dir;
  return url.href.endsWith("/") ? url : new URL(`${url.href}/`);
}
