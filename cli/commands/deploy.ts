import { parseArgs } from "node:util";
import { JsonRpcProvider, Wallet } from "ethers";
import { isConfigError, loadConfig, redactUrl, type SealtrailConfig } from "#config";
import { deploySealtrail } from "#contracts";
import { CliError, CliErrorCode } from "../errors.ts";
import { type CliIo, ExitCode } from "../io.ts";

const HELP = `usage: sealtrail deploy [--config <file>]

Deploys SealtrailAnchor and SealtrailDeviceRegistry to the chain at SEALTRAIL_DEPLOY_RPC_URL, signed by
SEALTRAIL_DEPLOYER_KEY (a funded account; the key is read from the environment and never printed), with
the anchorer role for SEALTRAIL_DEPLOY_ANCHORERS (default: the address of SEALTRAIL_ANCHORER_KEY) and the
registrar role for SEALTRAIL_DEPLOY_REGISTRARS (default: the deployer). Waits until both are mined.

Prints one JSON object: the chain id, each contract's address, transaction and block, and the anchor
target to put into SEALTRAIL_ANCHOR_TARGETS (add its rpcUrl). Exit status: 0 deployed, 1 failed, 2 usage.
`;

/** `sealtrail deploy`: the contracts to a given chain, through the deployment code the demo uses. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, config: { type: "string" } },
      strict: true,
    });
    if (values.help) {
      io.stdout.write(HELP);
      return ExitCode.Ok;
    }
    file = values.config;
  } catch (error) {
    io.stderr.write(`sealtrail deploy: ${(error as Error).message}\n\n${HELP}`);
    return ExitCode.Usage;
  }
  let config: SealtrailConfig;
  try {
    config = loadConfig({ env: process.env, file }).config;
  } catch (error) {
    if (!isConfigError(error)) throw error;
    io.stderr.write(`sealtrail deploy: ${error.message}\n`);
    return ExitCode.Failed;
  }
  const { rpcUrl, deployerKey } = config.deploy;
  if (rpcUrl === undefined)
    throw new CliError(CliErrorCode.ServiceConfig, "no chain: set SEALTRAIL_DEPLOY_RPC_URL");
  if (deployerKey === undefined)
    throw new CliError(CliErrorCode.ServiceConfig, "no deployer key: set SEALTRAIL_DEPLOYER_KEY");
  const provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1 });
  try {
    const deployer = new Wallet(deployerKey, provider);
    const { anchorerKey } = config.anchoring;
    const anchorers =
      config.deploy.anchorers.length > 0
        ? config.deploy.anchorers
        : anchorerKey
          ? [new Wallet(anchorerKey).address]
          : [];
    if (anchorers.length === 0)
      throw new CliError(
        CliErrorCode.ServiceConfig,
        "nobody would be allowed to anchor: set SEALTRAIL_DEPLOY_ANCHORERS or SEALTRAIL_ANCHORER_KEY",
      );
    const registrars = config.deploy.registrars.length > 0 ? config.deploy.registrars : [deployer.address];
    const d = await deploySealtrail(deployer, {
      admin: config.deploy.admin ?? deployer.address,
      anchorers,
      registrars,
    });
    const contract = (c: typeof d.anchor | typeof d.deviceRegistry) => ({
      address: c.address,
      txHash: c.txHash,
      blockNumber: c.blockNumber,
    });
    io.stdout.write(
      `${JSON.stringify(
        {
          rpc: redactUrl(rpcUrl),
          chainId: Number(d.chainId),
          deployer: deployer.address,
          anchorers,
          registrars,
          anchor: contract(d.anchor),
          deviceRegistry: contract(d.deviceRegistry),
          anchorTarget: {
            chainId: Number(d.chainId),
            contract: d.anchor.address,
            fromBlock: d.anchor.blockNumber,
          },
        },
        null,
        2,
      )}\n`,
    );
    return ExitCode.Ok;
  } finally {
    provider.destroy();
  }
}
