import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "@jest/globals";
import { buildVerifier } from "../../scripts/buildVerifier.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("npm run build:verifier (dist/sealtrail-verify.mjs)", () => {
  const dirs = [
    mkdtempSync(join(tmpdir(), "sealtrail-build-a-")),
    mkdtempSync(join(tmpdir(), "sealtrail-build-b-")),
  ];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("is reproducible: two builds of the same sources give the same bytes, with no machine path inside", async () => {
    const a = await buildVerifier(dirs[0]!);
    const b = await buildVerifier(dirs[1]!);
    expect(b.sha256).toBe(a.sha256);
    const text = readFileSync(a.path, "utf8");
    expect(text).not.toContain(REPO_ROOT);
    expect(text).not.toContain(tmpdir());
    expect(text.startsWith("#!/usr/bin/env node\n// sealtrail-verify.mjs: ")).toBe(true);
    expect(readFileSync(`${a.path}.sha256`, "utf8")).toBe(`${a.sha256}  sealtrail-verify.mjs\n`);
  }, 60_000);

  it("is one self-contained file: it imports nothing but Node's own modules", async () => {
    const { path } = await buildVerifier(dirs[0]!);
    const specifiers = [...readFileSync(path, "utf8").matchAll(/^import .* from "([^"]+)";$/gm)].map(
      (m) => m[1],
    );
    expect(specifiers.length).toBeGreaterThan(0);
    const foreign = specifiers.filter((s) => !builtinModules.includes(s!.replace(/^node:/, "")));
    expect(foreign).toEqual([]);
  }, 60_000);
});
