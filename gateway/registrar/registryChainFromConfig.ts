import { JsonRpcProvider, Wallet } from "ethers";
import { EthersRegistryChain } from "./EthersRegistryChain.ts";

/** The `registry` section of the configuration, as far as the chain adapter needs it. */
export type RegistryChainConfig = {
  rpcUrl?: string | undefined;
  chainId?: number | undefined;
  contract?: string | undefined;
  fromBlock?: number | undefined;
  registrarKey?: string | undefined;
};

/**
 * The registry chain the configuration describes, or undefined when a piece is missing (the registrar then
 * keeps key changes pending and says which piece). `close` ends its provider.
 * @example const registry = registryChainFromConfig(config.registry); new Gateway({ …, registryChain: registry?.chain })
 */
export function registryChainFromConfig(
  config: RegistryChainConfig,
): { chain: EthersRegistryChain; close: () => void } | undefined {
  const { rpcUrl, chainId, contract, registrarKey } = config;
  if (rpcUrl === undefined || chainId === undefined || contract === undefined || registrarKey === undefined)
    return undefined;
  const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, cacheTimeout: -1 });
  const chain = new EthersRegistryChain({
    provider,
    wallet: new Wallet(registrarKey),
    chainId,
    contract,
    ...(config.fromBlock === undefined ? {} : { fromBlock: config.fromBlock }),
  });
  return { chain, close: () => provider.destroy() };
}
