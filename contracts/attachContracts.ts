import { type Addressable, Contract, type ContractRunner } from "ethers";
import { type LoadArtifactOptions, loadAnchorArtifact, loadDeviceRegistryArtifact } from "./loadArtifact.ts";
import type { SealtrailAnchorContract, SealtrailDeviceRegistryContract } from "./types.ts";

/**
 * A typed handle on an already deployed SealtrailAnchor (the ABI is read from the compiled artifact).
 *
 * @example
 * const anchor = attachAnchor(config.anchorAddress, gatewayWallet);
 * await (await anchor.anchorBatch([root])).wait();
 */
export function attachAnchor(
  address: string | Addressable,
  runner: ContractRunner | null,
  options: LoadArtifactOptions = {},
): SealtrailAnchorContract {
  const { abi } = loadAnchorArtifact(options);
  return new Contract(address, abi, runner) as unknown as SealtrailAnchorContract;
}

/**
 * A typed handle on an already deployed SealtrailDeviceRegistry (the ABI is read from the compiled artifact).
 *
 * @example
 * const registry = attachDeviceRegistry(config.registryAddress, provider);
 * const valid = await registry.isActiveAt(device, readingSeconds);
 */
export function attachDeviceRegistry(
  address: string | Addressable,
  runner: ContractRunner | null,
  options: LoadArtifactOptions = {},
): SealtrailDeviceRegistryContract {
  const { abi } = loadDeviceRegistryArtifact(options);
  return new Contract(address, abi, runner) as unknown as SealtrailDeviceRegistryContract;
}
