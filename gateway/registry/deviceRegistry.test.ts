import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "@jest/globals";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { deviceIdentityFromPrivateKey, keccak256 } from "#protocol";

it("creates a key registered by several concurrent calls exactly once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-registry-"));
  const store = SqliteStore.open(join(dir, "store.db"));
  const registry = new DeviceRegistry(store);
  const id = deviceIdentityFromPrivateKey(
    keccak256(new TextEncoder().encode("EXAMPLE key concurrent registration")),
  );
  const results = await Promise.all([1, 2, 3, 4].map((n) => registry.register(id.publicKey, `try ${n}`)));
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(new Set(results.map((r) => r.device.address))).toEqual(new Set([id.address]));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
