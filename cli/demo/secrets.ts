import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Reads a secret kept in a file of the data dir, or creates it (mode 0600) with `make()`.
 * Returns whether it was created now, so the caller can show a new secret once.
 */
export function readOrCreateSecret(
  path: string,
  make: () => string = () => randomBytes(32).toString("base64url"),
): { value: string; created: boolean } {
  if (existsSync(path)) return { value: readFileSync(path, "utf8").trim(), created: false };
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: "wx" });
  return { value, created: true };
}
