import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

// Hardhat cannot download compilers on our machines: compile with the soljson.js of the pinned `solc`
// npm package. Its version must equal `version` below (package.json pins it exactly).
const SOLC_VERSION = "0.8.28";

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: "cancun" },
  },
  // Public OP-stack testnets. URLs and the deployer key come from the Hardhat keystore or environment
  // variables of the same names (docs/contracts.md); nothing secret is ever written here.
  networks: {
    opSepolia: {
      type: "http",
      chainType: "op",
      url: configVariable("OP_SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEALTRAIL_DEPLOYER_KEY")],
    },
    baseSepolia: {
      type: "http",
      chainType: "op",
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEALTRAIL_DEPLOYER_KEY")],
    },
  },
  paths: {
    sources: "./contracts/src",
    tests: { mocha: "./contracts/test", solidity: "./contracts/test" },
    ignition: "./contracts/ignition",
    artifacts: "./contracts/artifacts",
    cache: "./contracts/cache",
  },
  typechain: { dontOverrideCompile: true },
});
