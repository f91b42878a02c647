export { decideRegistryStep, type RegistryStep } from "./decideRegistryStep.ts";
export { EthersRegistryChain, REGISTRY_ABI } from "./EthersRegistryChain.ts";
export { type ChainChange, type KeyChainState, keyChainState } from "./keyChainState.ts";
export { Registrar, type RegistrarOptions, type RegistrarStatus } from "./Registrar.ts";
export type { RegistryChain, RegistryInclusion, RegistryReceipt } from "./registryChain.ts";
export { type RegistryChainConfig, registryChainFromConfig } from "./registryChainFromConfig.ts";
