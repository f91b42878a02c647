// Test support for cli/ tests; not exported from cli/index.ts.
export {
  captureIo,
  EXAMPLE_BLOCK,
  EXAMPLE_CONTRACT,
  EXAMPLE_DEVICE,
  EXAMPLE_TIMESTAMP,
  EXAMPLE_TX,
  exampleBundle,
  type FakeChainState,
  fakeChain,
  includedAnchor,
  notOnChainAnchor,
  removeTempBundles,
  writeTempBundle,
} from "./fixtures.ts";
