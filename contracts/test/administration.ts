import { readFileSync } from "node:fs";
import { expect } from "chai";
import type { InterfaceAbi } from "ethers";
import { network } from "hardhat";
import { describe, it } from "mocha";
import {
  type AccessControlMethods,
  ANCHORER_ROLE,
  DEFAULT_ADMIN_ROLE,
  deploySealtrail,
  REGISTRAR_ROLE,
} from "../index.ts";

const { ethers, networkHelpers } = await network.create({ chainType: "op" });

const DELAY = 3600;

async function deployAdministeredFixture() {
  const [deployer, admin, newAdmin, gateway, registrar] = await ethers.getSigners();
  const { anchor, deviceRegistry } = await deploySealtrail(deployer!, {
    admin: admin!.address,
    anchorers: [gateway!.address],
    registrars: [registrar!.address],
    adminDelaySeconds: DELAY,
  });
  return {
    contracts: [
      { name: "SealtrailAnchor", contract: anchor.contract, role: ANCHORER_ROLE, holder: gateway! },
      {
        name: "SealtrailDeviceRegistry",
        contract: deviceRegistry.contract,
        role: REGISTRAR_ROLE,
        holder: registrar!,
      },
    ],
    admin: admin!,
    newAdmin: newAdmin!,
  };
}

/** ERC-165 id of an interface: the XOR of its functions' selectors, taken from the compiled interface's ABI. */
function interfaceIdOf(name: string): string {
  const file = new URL(`../artifacts/contracts/src/interfaces/${name}.sol/${name}.json`, import.meta.url);
  const { abi } = JSON.parse(readFileSync(file, "utf8")) as { abi: InterfaceAbi };
  let id = 0n;
  new ethers.Interface(abi).forEachFunction((fn) => {
    id ^= BigInt(fn.selector);
  });
  return ethers.toBeHex(id, 4);
}

describe("administration of both contracts", () => {
  it("the default admin administers the role, and role constants match the contracts", async () => {
    const { contracts } = await networkHelpers.loadFixture(deployAdministeredFixture);
    for (const { contract, role } of contracts) {
      const c: AccessControlMethods = contract;
      expect(await c.DEFAULT_ADMIN_ROLE()).to.equal(DEFAULT_ADMIN_ROLE);
      expect(await c.getRoleAdmin(role)).to.equal(DEFAULT_ADMIN_ROLE);
    }
  });

  it("report their Sealtrail interface, IAccessControl and IERC165 through supportsInterface", async () => {
    const { contracts } = await networkHelpers.loadFixture(deployAdministeredFixture);
    const [anchor, registry] = contracts;
    expect(await anchor!.contract.supportsInterface(interfaceIdOf("ISealtrailAnchor"))).to.equal(true);
    expect(await registry!.contract.supportsInterface(interfaceIdOf("ISealtrailDeviceRegistry"))).to.equal(
      true,
    );
    expect(await anchor!.contract.supportsInterface(interfaceIdOf("ISealtrailDeviceRegistry"))).to.equal(
      false,
    );
    for (const { contract } of contracts) {
      expect(await contract.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await contract.supportsInterface("0x01ffc9a7")).to.equal(true); // IERC165
    }
  });

  it("When the admin starts a handover, then the new admin can accept only after the delay", async () => {
    const { contracts, admin, newAdmin } = await networkHelpers.loadFixture(deployAdministeredFixture);
    for (const { contract } of contracts) {
      await (await contract.connect(admin).beginDefaultAdminTransfer(newAdmin.address)).wait();
      const [pending, schedule] = await contract.pendingDefaultAdmin();
      expect(pending).to.equal(newAdmin.address);

      await expect(contract.connect(newAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(contract, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      await networkHelpers.time.increaseTo(schedule + 1n);
      await (await contract.connect(newAdmin).acceptDefaultAdminTransfer()).wait();

      expect(await contract.defaultAdmin()).to.equal(newAdmin.address);
      expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(false);
    }
  });

  it("a handover can be cancelled by the current admin, and the default admin role cannot be granted directly", async () => {
    const { contracts, admin, newAdmin } = await networkHelpers.loadFixture(deployAdministeredFixture);
    for (const { contract } of contracts) {
      await (await contract.connect(admin).beginDefaultAdminTransfer(newAdmin.address)).wait();
      await (await contract.connect(admin).cancelDefaultAdminTransfer()).wait();
      const [pending] = await contract.pendingDefaultAdmin();
      expect(pending).to.equal(ethers.ZeroAddress);

      await expect(
        contract.connect(admin).grantRole(DEFAULT_ADMIN_ROLE, newAdmin.address),
      ).to.be.revertedWithCustomError(contract, "AccessControlEnforcedDefaultAdminRules");
    }
  });

  it("a role holder can renounce its own role, for instance a gateway key being decommissioned", async () => {
    const { contracts } = await networkHelpers.loadFixture(deployAdministeredFixture);
    for (const { contract, role, holder } of contracts) {
      await expect(contract.connect(holder).renounceRole(role, holder.address))
        .to.emit(contract, "RoleRevoked")
        .withArgs(role, holder.address, holder.address);
      expect(await contract.hasRole(role, holder.address)).to.equal(false);
    }
  });
});
