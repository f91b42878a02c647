// The reliability suite (kill -9 under load): `npm run test:reliability`. Same transform as the unit
// project; its own config so that `npm run test:unit` stays fast.
import base from "../../jest.config.js";

const unit = base.projects.find((p) => p.displayName === "unit");

export default {
  ...unit,
  rootDir: "../..",
  displayName: "reliability",
  testTimeout: base.testTimeout,
  globalTeardown: base.globalTeardown,
  testMatch: ["<rootDir>/test/reliability/**/*.test.ts"],
};
