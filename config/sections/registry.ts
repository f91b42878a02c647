import { z } from "zod";
import { setting } from "../setting.ts";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

/**
 * The registrar: the SealtrailDeviceRegistry that device, organisation and attester keys are registered,
 * rotated and revoked on, and the key that signs those transactions (docs/operations.md, "Key registry").
 * Without a key, key changes wait in the store's outbox and /status says so; ingest is never held up.
 */
export const registrySection = z.strictObject({
  rpcUrl: setting(
    z.url({ protocol: /^(https?|wss?)$/ }).optional(),
    "JSON-RPC endpoint of the registry's chain (printed without path, query and user info); the demo uses its local chain",
    { env: "SEALTRAIL_REGISTRY_RPC_URL", secret: "url" },
  ),
  chainId: setting(z.coerce.number().int().min(1).optional(), "Chain id the registry endpoint must serve", {
    env: "SEALTRAIL_REGISTRY_CHAIN_ID",
  }),
  contract: setting(address.optional(), "Address of the SealtrailDeviceRegistry contract", {
    env: "SEALTRAIL_REGISTRY_CONTRACT",
  }),
  fromBlock: setting(
    z.coerce.number().int().min(0).default(0),
    "Block the registry was deployed in: its lifecycle events are searched from there (public endpoints cap log ranges)",
    { env: "SEALTRAIL_REGISTRY_FROM_BLOCK" },
  ),
  registrarKey: setting(
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte private key")
      .optional(),
    "Private key of the registrar account (needs REGISTRAR_ROLE on the registry and funds); without it key changes stay pending. The demo generates one and keeps it in <dataDir>/registrar.key when unset",
    { env: "SEALTRAIL_REGISTRAR_KEY", secret: "value" },
  ),
  intervalMs: setting(
    z.coerce.number().int().min(50).default(1000),
    "How often the registrar looks at the outbox and at the receipt of its transaction, ms",
    { env: "SEALTRAIL_REGISTRAR_INTERVAL_MS", demo: 250 },
  ),
  backoffMs: setting(
    z.coerce.number().int().min(0).default(1000),
    "First retry delay after an RPC error, ms; it doubles with each failed attempt",
    { env: "SEALTRAIL_REGISTRAR_BACKOFF_MS" },
  ),
  maxBackoffMs: setting(
    z.coerce.number().int().min(0).default(60_000),
    "Longest retry delay after RPC errors, ms",
    { env: "SEALTRAIL_REGISTRAR_MAX_BACKOFF_MS" },
  ),
});

export type RegistrySection = z.infer<typeof registrySection>;
