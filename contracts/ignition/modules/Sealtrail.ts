// Deploys SealtrailAnchor and SealtrailDeviceRegistry, with every role granted in the constructors so that the
// deployer needs no privilege afterwards (the admin may be a multisig that never signs during deployment).
//
// Parameters (module "Sealtrail"), e.g. in contracts/ignition/parameters/<network>.json:
//   admin              required: default admin of both contracts (grants and revokes the roles below)
//   anchorers          gateway keys that may anchor roots                     (default: none)
//   registrars         provisioning keys that may register/revoke/rotate devices (default: none)
//   adminDelaySeconds  delay of a default-admin handover                      (default: 2 days)
//
//   npx hardhat ignition deploy contracts/ignition/modules/Sealtrail.ts \
//     --network opSepolia --parameters contracts/ignition/parameters/opSepolia.json
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { DEFAULT_ADMIN_DELAY_SECONDS } from "../../roles.ts";

export default buildModule("Sealtrail", (m) => {
  // No default: leaving the deployer's hot key as admin by accident is worse than a failed deployment.
  const admin = m.getParameter<string>("admin");
  const anchorers = m.getParameter<string[]>("anchorers", []);
  const registrars = m.getParameter<string[]>("registrars", []);
  const adminDelaySeconds = m.getParameter<number>("adminDelaySeconds", DEFAULT_ADMIN_DELAY_SECONDS);

  const anchor = m.contract("SealtrailAnchor", [adminDelaySeconds, admin, anchorers]);
  const deviceRegistry = m.contract("SealtrailDeviceRegistry", [adminDelaySeconds, admin, registrars]);

  return { anchor, deviceRegistry };
});
