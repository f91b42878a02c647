import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { describe, it } from "mocha";
import SealtrailModule from "../ignition/modules/Sealtrail.ts";
import {
  ANCHORER_ROLE,
  attachAnchor,
  attachDeviceRegistry,
  ContractsError,
  ContractsErrorCode,
  DEFAULT_ADMIN_DELAY_SECONDS,
  DEFAULT_ADMIN_ROLE,
  deploySealtrail,
  loadAnchorArtifact,
  loadDeviceRegistryArtifact,
  REGISTRAR_ROLE,
} from "../index.ts";

const { ethers, ignition } = await network.create({ chainType: "op" });

function codeOf(error: unknown): string | undefined {
  return error instanceof ContractsError ? error.code : undefined;
}

describe("contracts module", () => {
  describe("loadAnchorArtifact / loadDeviceRegistryArtifact", () => {
    it("read the ABI and creation bytecode of the compiled contracts", () => {
      const anchor = loadAnchorArtifact();
      const registry = loadDeviceRegistryArtifact();
      expect(anchor.contractName).to.equal("SealtrailAnchor");
      expect(registry.contractName).to.equal("SealtrailDeviceRegistry");
      expect(new ethers.Interface(anchor.abi).getFunction("verifyInclusion")).to.not.equal(null);
      expect(new ethers.Interface(registry.abi).getFunction("isActiveAt")).to.not.equal(null);
      expect(anchor.bytecode).to.match(/^0x[0-9a-f]+$/);
    });

    it("When the contracts are not built, then they fail with CONTRACT_ARTIFACT_MISSING naming the build command", () => {
      const empty = mkdtempSync(join(tmpdir(), "sealtrail-artifacts-"));
      try {
        let caught: unknown;
        try {
          loadAnchorArtifact({ artifactsDir: empty });
        } catch (error) {
          caught = error;
        }
        expect(codeOf(caught)).to.equal(ContractsErrorCode.ArtifactMissing);
        expect((caught as Error).message).to.contain("npm run build:contracts");
      } finally {
        rmSync(empty, { recursive: true });
      }
    });
  });

  describe("deploySealtrail", () => {
    it("deploys both contracts with the roles granted in the constructors, so the admin need not be the deployer", async () => {
      const [deployer, admin, gatewayA, gatewayB, registrar] = await ethers.getSigners();
      const deployment = await deploySealtrail(deployer!, {
        admin: admin!.address,
        anchorers: [gatewayA!.address, gatewayB!.address],
        registrars: [registrar!.address],
      });
      const { anchor, deviceRegistry } = deployment;

      expect(deployment.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(anchor.address).to.equal(await anchor.contract.getAddress());
      expect((await ethers.provider.getTransactionReceipt(anchor.txHash))!.blockNumber).to.equal(
        anchor.blockNumber,
      );
      expect(deviceRegistry.blockNumber).to.be.greaterThan(anchor.blockNumber);

      for (const { contract } of [anchor, deviceRegistry]) {
        expect(await contract.defaultAdmin()).to.equal(admin!.address);
        expect(await contract.defaultAdminDelay()).to.equal(BigInt(DEFAULT_ADMIN_DELAY_SECONDS));
        expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, deployer!.address)).to.equal(false);
      }
      expect(await anchor.contract.ANCHORER_ROLE()).to.equal(ANCHORER_ROLE);
      expect(await deviceRegistry.contract.REGISTRAR_ROLE()).to.equal(REGISTRAR_ROLE);
      expect(await anchor.contract.hasRole(ANCHORER_ROLE, gatewayA!.address)).to.equal(true);
      expect(await anchor.contract.hasRole(ANCHORER_ROLE, gatewayB!.address)).to.equal(true);
      expect(await deviceRegistry.contract.hasRole(REGISTRAR_ROLE, registrar!.address)).to.equal(true);
      expect(await deviceRegistry.contract.hasRole(REGISTRAR_ROLE, gatewayA!.address)).to.equal(false);
    });

    it("deploys exactly the bytecode of the artifacts, so a deployment can be checked against a build", async () => {
      const [deployer] = await ethers.getSigners();
      const { anchor, deviceRegistry } = await deploySealtrail(deployer!, {
        admin: deployer!.address,
        anchorers: [],
        registrars: [],
        adminDelaySeconds: 0,
      });
      expect(await ethers.provider.getCode(anchor.address)).to.equal(loadAnchorArtifact().deployedBytecode);
      expect(await ethers.provider.getCode(deviceRegistry.address)).to.equal(
        loadDeviceRegistryArtifact().deployedBytecode,
      );
    });

    it("deploys over JSON-RPC from a plain ethers Wallet, as the demo does on `hardhat node --chain-type op`", async () => {
      const server = await network.createServer({ chainType: "op" }, "127.0.0.1", 0);
      const { address, port } = await server.listen();
      // No request cache: a nonce read right after the deployments would otherwise be stale (as in the demo).
      const provider = new ethers.JsonRpcProvider(`http://${address}:${port}`, undefined, {
        cacheTimeout: -1,
      });
      try {
        // Hardhat's first default account, funded on every simulated network.
        const deployer = new ethers.Wallet(
          "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
          provider,
        );
        const { anchor, deviceRegistry } = await deploySealtrail(deployer, {
          admin: deployer.address,
          anchorers: [deployer.address],
          registrars: [deployer.address],
        });
        expect(await provider.getCode(deviceRegistry.address)).to.equal(
          loadDeviceRegistryArtifact().deployedBytecode,
        );
        const root = ethers.id("over json-rpc");
        await (await anchor.contract.anchor(root)).wait();
        expect(await anchor.contract.anchoredAt(root)).to.not.equal(0n);
      } finally {
        provider.destroy();
        await server.close();
      }
    });

    it("refuses a zero or malformed address and an out-of-range delay with INVALID_DEPLOY_OPTIONS", async () => {
      const [deployer] = await ethers.getSigners();
      const valid = { admin: deployer!.address, anchorers: [], registrars: [] };
      for (const options of [
        { ...valid, admin: ethers.ZeroAddress },
        { ...valid, anchorers: ["0x1234"] },
        { ...valid, registrars: [ethers.ZeroAddress] },
        { ...valid, adminDelaySeconds: -1 },
        { ...valid, adminDelaySeconds: 2 ** 48 },
      ]) {
        let caught: unknown;
        try {
          await deploySealtrail(deployer!, options);
        } catch (error) {
          caught = error;
        }
        expect(codeOf(caught), JSON.stringify(options)).to.equal(ContractsErrorCode.InvalidDeployOptions);
      }
    });
  });

  describe("attachAnchor / attachDeviceRegistry", () => {
    it("give typed handles on deployed contracts that read and write", async () => {
      const [deployer, gateway] = await ethers.getSigners();
      const deployment = await deploySealtrail(deployer!, {
        admin: deployer!.address,
        anchorers: [gateway!.address],
        registrars: [deployer!.address],
      });
      const anchor = attachAnchor(deployment.anchor.address, gateway!);
      const registry = attachDeviceRegistry(deployment.deviceRegistry.address, ethers.provider);
      const root = ethers.id("attached");

      await (await anchor.anchor(root)).wait();
      expect(await anchor.anchoredAt(root)).to.not.equal(0n);
      expect(await registry.isActive(gateway!.address)).to.equal(false);
    });
  });

  describe("Ignition module Sealtrail", () => {
    it("deploys both contracts and grants the roles to the parameter addresses", async () => {
      const [, admin, gateway, registrar] = await ethers.getSigners();
      const { anchor, deviceRegistry } = await ignition.deploy(SealtrailModule, {
        parameters: {
          Sealtrail: {
            admin: admin!.address,
            anchorers: [gateway!.address],
            registrars: [registrar!.address],
            adminDelaySeconds: 3600,
          },
        },
      });
      const typedAnchor = attachAnchor(await anchor.getAddress(), ethers.provider);
      const typedRegistry = attachDeviceRegistry(await deviceRegistry.getAddress(), ethers.provider);

      expect(await typedAnchor.defaultAdmin()).to.equal(admin!.address);
      expect(await typedRegistry.defaultAdmin()).to.equal(admin!.address);
      expect(await typedAnchor.defaultAdminDelay()).to.equal(3600n);
      expect(await typedAnchor.hasRole(ANCHORER_ROLE, gateway!.address)).to.equal(true);
      expect(await typedRegistry.hasRole(REGISTRAR_ROLE, registrar!.address)).to.equal(true);
      expect(await typedRegistry.hasRole(REGISTRAR_ROLE, gateway!.address)).to.equal(false);
    });

    it("When the admin parameter is missing, then the deployment fails instead of defaulting to the deployer", async () => {
      let caught: unknown;
      try {
        await ignition.deploy(SealtrailModule, { parameters: { Sealtrail: { anchorers: [] } } });
      } catch (error) {
        caught = error;
      }
      expect(String(caught)).to.contain("Module parameter 'admin' requires a value");
    });
  });
});
