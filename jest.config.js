// Jest runs the TypeScript sources directly (SWC strips types, ESM kept); type checking is `tsc` in lint.
const swc = [
  "@swc/jest",
  {
    jsc: { parser: { syntax: "typescript" }, target: "es2023" },
    module: { type: "es6" },
  },
];

const common = {
  extensionsToTreatAsEsm: [".ts"],
  transform: { "^.+\\.ts$": swc },
  moduleNameMapper: {
    "^#protocol$": "<rootDir>/protocol/index.ts",
    "^#protocol/native$": "<rootDir>/protocol/nativeVerifier.ts",
    "^#gs1$": "<rootDir>/gs1/index.ts",
    "^#gateway$": "<rootDir>/gateway/index.ts",
    "^#api$": "<rootDir>/api/index.ts",
    "^#contracts$": "<rootDir>/contracts/index.ts",
    "^#sim$": "<rootDir>/device-firmware-sim/index.ts",
    "^#cli$": "<rootDir>/cli/index.ts",
    "^#provenance$": "<rootDir>/provenance/index.ts",
    "^#test-support$": "<rootDir>/test/support/index.ts",
    "^#config$": "<rootDir>/config/index.ts",
    "^#evidence$": "<rootDir>/evidence/index.ts",
  },
  // Fails a file that leaves a server, socket, child process, worker or timer behind (no --forceExit).
  testEnvironment: "<rootDir>/test/support/leakCheckingEnvironment.js",
};

// Suites beside the code that start an HTTP server or a chain, or need a database server (the MongoDB
// store's), run with the integration project: the globs it matches and the patterns the unit project
// ignores name the same files.
const integrationBesideCode = {
  globs: [
    "<rootDir>/api/*.test.ts",
    "<rootDir>/cli/verify.chain.test.ts",
    "<rootDir>/gateway/store/mongo/*.test.ts",
  ],
  ignored: [
    "<rootDir>/api/[^/]+\\.test\\.ts$",
    "<rootDir>/cli/verify\\.chain\\.test\\.ts$",
    "<rootDir>/gateway/store/mongo/[^/]+\\.test\\.ts$",
  ],
};

export default {
  // Some suites start gateways, worker pools, child processes and sockets, or sign thousands of readings:
  // Jest's default of 5 s per test and per hook is too short on a loaded 2-vCPU CI machine. A hang
  // detector, not a speed requirement. (A global option: Jest ignores it inside a project.)
  testTimeout: 30_000,
  // Ends a run that a leaked handle would otherwise keep alive (see the file). Global, like testTimeout.
  globalTeardown: "<rootDir>/test/support/exitIfHung.js",
  projects: [
    {
      // Fast and in-process: pure code, and parts run on their own (a SQLite file in a temp folder, a
      // worker thread, an in-memory broker). No server socket, child process or chain.
      ...common,
      displayName: "unit",
      testMatch: [
        "<rootDir>/protocol/**/*.test.ts",
        "<rootDir>/config/**/*.test.ts",
        "<rootDir>/gs1/**/*.test.ts",
        "<rootDir>/provenance/**/*.test.ts",
        "<rootDir>/evidence/**/*.test.ts",
        "<rootDir>/gateway/**/*.test.ts",
        "<rootDir>/api/**/*.test.ts",
        "<rootDir>/cli/**/*.test.ts",
        "<rootDir>/device-firmware-sim/**/*.test.ts",
        "<rootDir>/test/vectors/**/*.test.ts",
      ],
      testPathIgnorePatterns: integrationBesideCode.ignored,
    },
    {
      // Real parts together: gateways on real MQTT sockets, the API over HTTP on a real store, simulated
      // fleets, child processes, a Hardhat chain, the independent verifier and device.
      ...common,
      displayName: "integration",
      testMatch: [
        ...integrationBesideCode.globs,
        "<rootDir>/test/integration/**/*.test.ts",
        "<rootDir>/test/independent/**/*.test.ts",
        "<rootDir>/test/sim/**/*.test.ts",
      ],
    },
    {
      ...common,
      displayName: "e2e",
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts", "<rootDir>/test/anchoring/**/*.test.ts"],
    },
  ],
};
