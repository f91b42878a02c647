import { afterAll, describe, expect, it } from "@jest/globals";
import { main } from "./main.ts";
import {
  captureIo,
  exampleBundle,
  notOnChainAnchor,
  removeTempBundles,
  writeTempBundle,
} from "./testing/index.ts";

async function sealtrail(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("sealtrail (command dispatch)", () => {
  afterAll(removeTempBundles);

  it("lists every command with --help and exits 0", async () => {
    const { code, out } = await sealtrail("--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: sealtrail <command>/);
    expect(out).toMatch(/^ {2}verify /m);
    expect(out).toMatch(/^ {2}demo /m);
  });

  it("prints the usage to stderr and exits 2 without a command, with an unknown command or option", async () => {
    for (const argv of [[], ["frobnicate"], ["--frobnicate"]]) {
      const { code, out, err } = await sealtrail(...argv);
      expect(code).toBe(2);
      expect(out).toBe("");
      expect(err).toMatch(/usage: sealtrail <command>/);
    }
  });

  it("does not treat inherited object keys as commands", async () => {
    expect((await sealtrail("constructor")).code).toBe(2);
    expect((await sealtrail("__proto__")).code).toBe(2);
  });

  it("loads the verify command lazily and passes it the remaining arguments and its exit code back", async () => {
    const file = writeTempBundle(exampleBundle([notOnChainAnchor("sealed")]));
    const { code, out } = await sealtrail("verify", file);
    expect(code).toBe(1);
    expect(out).toMatch(/NOT ANCHORED YET/);
    expect((await sealtrail("verify", "--help")).code).toBe(0);
    expect((await sealtrail("--help", "verify")).out).toMatch(/^usage: sealtrail verify/);
  });
});
