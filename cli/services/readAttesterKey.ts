import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet } from "ethers";
import { type DeviceIdentity, deviceIdentityFromPrivateKey, hexToBytes } from "#protocol";
import { readOrCreateSecret } from "../demo/secrets.ts";

/** The operator's attester key in the data dir, shared by the API (it signs with it) and the gateway. */
export const ATTESTER_KEY_FILE = "attester.key";

/**
 * The operator's attester identity from `<dataDir>/attester.key`, created (mode 0600) when absent. The API
 * signs the events it captures itself with it and the gateway's registrar puts it on the registry; on one
 * volume both services start at once, so the loser of the exclusive create reads the winner's key.
 * @example const attester = readAttesterKey("/data")
 */
export function readAttesterKey(dataDir: string): DeviceIdentity {
  const path = join(dataDir, ATTESTER_KEY_FILE);
  let key: string;
  try {
    key = readOrCreateSecret(path, () => Wallet.createRandom().privateKey).value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    key = readFileSync(path, "utf8").trim();
  }
  return deviceIdentityFromPrivateKey(hexToBytes(key));
}
