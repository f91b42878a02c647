import { z } from "zod";
import { setting } from "../setting.ts";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

/** `sealtrail deploy`: where the contracts go and who gets which role. */
export const deploySection = z.strictObject({
  rpcUrl: setting(
    z.url({ protocol: /^(https?|wss?)$/ }).optional(),
    "JSON-RPC endpoint of the chain to deploy to (printed without path, query and user info)",
    { env: "SEALTRAIL_DEPLOY_RPC_URL", secret: "url" },
  ),
  deployerKey: setting(
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte private key")
      .optional(),
    "Private key of the funded account that deploys and pays; read from the environment only, never printed",
    { env: "SEALTRAIL_DEPLOYER_KEY", secret: "value" },
  ),
  admin: setting(
    address.optional(),
    "Default admin of both contracts (grants and revokes roles, after a delay for its own handover); unset: the deployer",
    { env: "SEALTRAIL_DEPLOY_ADMIN", defaultText: "the deployer" },
  ),
  anchorers: setting(
    z.array(address).default([]),
    "Accounts given the anchorer role, a JSON list of addresses; empty: the address of SEALTRAIL_ANCHORER_KEY when set",
    { env: "SEALTRAIL_DEPLOY_ANCHORERS", format: "json" },
  ),
  registrars: setting(
    z.array(address).default([]),
    "Accounts given the registrar role of the device registry, a JSON list; empty: the deployer",
    { env: "SEALTRAIL_DEPLOY_REGISTRARS", format: "json" },
  ),
});

export type DeploySection = z.infer<typeof deploySection>;
