import { fileURLToPath } from "node:url";

/** The repository root (where hardhat.config.ts lives), whatever the working directory. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Hardhat's CLI entry, run with the current Node. */
export const HARDHAT_CLI = fileURLToPath(
  new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url),
);
