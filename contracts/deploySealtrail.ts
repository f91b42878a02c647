import { ContractFactory, getAddress, isAddress, type Signer, ZeroAddress } from "ethers";
import { invariant } from "#protocol";
import { ContractsError, ContractsErrorCode } from "./errors.ts";
import {
  type ContractArtifact,
  type LoadArtifactOptions,
  loadAnchorArtifact,
  loadDeviceRegistryArtifact,
} from "./loadArtifact.ts";
import { DEFAULT_ADMIN_DELAY_SECONDS } from "./roles.ts";
import type { SealtrailAnchorContract, SealtrailDeviceRegistryContract } from "./types.ts";

export type DeploySealtrailOptions = LoadArtifactOptions & {
  /** Default admin of both contracts: grants and revokes the anchorer and registrar roles. */
  admin: string;
  /** Accounts given the anchorer role (one per gateway key). */
  anchorers: readonly string[];
  /** Accounts given the registrar role (device provisioning). */
  registrars: readonly string[];
  /** Delay of a default-admin handover, in seconds; defaults to {@link DEFAULT_ADMIN_DELAY_SECONDS}. */
  adminDelaySeconds?: number;
};

/** One deployed contract: a typed handle plus where its deployment landed. */
export type DeployedContract<C> = {
  contract: C;
  address: string;
  txHash: string;
  blockNumber: number;
};

export type SealtrailDeployment = {
  chainId: bigint;
  anchor: DeployedContract<SealtrailAnchorContract>;
  deviceRegistry: DeployedContract<SealtrailDeviceRegistryContract>;
};

const MAX_UINT48 = 2 ** 48 - 1;

/**
 * Deploys SealtrailAnchor and SealtrailDeviceRegistry from `signer`, with their roles granted in the
 * constructors (so `admin` need not be the deployer), one after the other, each awaited until mined.
 * Used by the demo on a fresh `hardhat node --chain-type op`; real networks use the Ignition module.
 *
 * @example
 * const { anchor, deviceRegistry } = await deploySealtrail(deployer, {
 *   admin: deployer.address,
 *   anchorers: [gatewayKey.address],
 *   registrars: [deployer.address],
 * });
 * console.log(anchor.address, deviceRegistry.blockNumber);
 */
export async function deploySealtrail(
  signer: Signer,
  options: DeploySealtrailOptions,
): Promise<SealtrailDeployment> {
  const admin = checkedAddress(options.admin, "admin");
  const anchorers = options.anchorers.map((a, i) => checkedAddress(a, `anchorers[${i}]`));
  const registrars = options.registrars.map((a, i) => checkedAddress(a, `registrars[${i}]`));
  const delay = options.adminDelaySeconds ?? DEFAULT_ADMIN_DELAY_SECONDS;
  if (!Number.isSafeInteger(delay) || delay < 0 || delay > MAX_UINT48) {
    throw new ContractsError(ContractsErrorCode.InvalidDeployOptions, "adminDelaySeconds must be a uint48", {
      details: { adminDelaySeconds: delay },
    });
  }
  const provider = signer.provider;
  if (provider === null) {
    throw new ContractsError(ContractsErrorCode.InvalidDeployOptions, "the signer has no provider");
  }
  const artifactOptions = options.artifactsDir === undefined ? {} : { artifactsDir: options.artifactsDir };

  const { chainId } = await provider.getNetwork();
  // Explicit nonces: ethers briefly caches identical RPC reads, so asking the node for the nonce again right
  // after the first deployment can return the stale value ("nonce too low" on a JSON-RPC node).
  const nonce = await signer.getNonce("pending");
  const anchor = await deploy<SealtrailAnchorContract>(loadAnchorArtifact(artifactOptions), signer, nonce, [
    delay,
    admin,
    anchorers,
  ]);
  const deviceRegistry = await deploy<SealtrailDeviceRegistryContract>(
    loadDeviceRegistryArtifact(artifactOptions),
    signer,
    nonce + 1,
    [delay, admin, registrars],
  );
  return { chainId, anchor, deviceRegistry };
}

async function deploy<C>(
  artifact: ContractArtifact,
  signer: Signer,
  nonce: number,
  args: unknown[],
): Promise<DeployedContract<C>> {
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, signer);
  const contract = await factory.deploy(...args, { nonce });
  const tx = contract.deploymentTransaction();
  invariant(tx !== null, `${artifact.contractName}: a fresh deployment has its transaction`);
  const receipt = await tx.wait();
  invariant(receipt !== null, `${artifact.contractName}: wait() with one confirmation returns a receipt`);
  return {
    contract: contract as unknown as C,
    address: await contract.getAddress(),
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
  };
}

function checkedAddress(value: string, name: string): string {
  if (!isAddress(value) || getAddress(value) === ZeroAddress) {
    throw new ContractsError(ContractsErrorCode.InvalidDeployOptions, `${name} must be a non-zero address`, {
      details: { [name]: value },
    });
  }
  return getAddress(value);
}
