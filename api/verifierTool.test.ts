import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { API_PREFIX } from "./createApp.ts";
import { type RunningApi, startApi } from "./startApi.ts";
import { EXAMPLE_ADMIN_TOKEN, checkedFetch as fetch } from "./testing/index.ts";

// The route serves whatever file it is pointed at: here a small stand-in written by the test, so this
// suite needs no build. (cli/verify.chain.test.ts runs the real built file on Node 20.)
describe("GET /api/v1/tools/sealtrail-verify.mjs", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-tool-"));
  const toolPath = join(dir, "sealtrail-verify.mjs");
  let store: SqliteStore;
  let api: RunningApi;
  let base: string;

  beforeAll(async () => {
    store = SqliteStore.open(join(dir, "store.db"));
    const registry = new DeviceRegistry(store);
    await registry.load();
    api = await startApi({
      store,
      registry,
      adminToken: EXAMPLE_ADMIN_TOKEN,
      anchorTargets: () => [],
      isReady: () => true,
      verifierToolPath: toolPath,
      port: 0,
    });
    base = `${api.url}${API_PREFIX}/tools`;
  });

  afterAll(async () => {
    await api.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 503 VERIFIER_NOT_BUILT, for the file and its hash, while the verifier is not built", async () => {
    for (const path of ["sealtrail-verify.mjs", "sealtrail-verify.mjs.sha256"]) {
      const res = await fetch(`${base}/${path}`);
      expect(res.status).toBe(503);
      expect((await res.json()).error).toEqual({
        code: "VERIFIER_NOT_BUILT",
        message: "sealtrail-verify.mjs is not built on this server (npm run build:verifier)",
      });
    }
  });

  it("serves the file as JavaScript with its SHA-256 in Content-Digest and X-Sealtrail-SHA256, and the same hash at .sha256", async () => {
    const content = "// EXAMPLE stand-in for the built verifier\nconsole.log('ok');\n";
    writeFileSync(toolPath, content);
    const digest = createHash("sha256").update(content).digest();
    const res = await fetch(`${base}/sealtrail-verify.mjs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="sealtrail-verify.mjs"');
    expect(res.headers.get("content-digest")).toBe(`sha-256=:${digest.toString("base64")}:`);
    expect(res.headers.get("x-sealtrail-sha256")).toBe(digest.toString("hex"));
    expect(await res.text()).toBe(content);

    const sum = await fetch(`${base}/sealtrail-verify.mjs.sha256`);
    expect(sum.status).toBe(200);
    expect(await sum.text()).toBe(`${digest.toString("hex")}  sealtrail-verify.mjs\n`);
  });

  it("serves the new bytes and hash after the file is rebuilt", async () => {
    writeFileSync(toolPath, "// EXAMPLE rebuilt, a different length\n");
    const res = await fetch(`${base}/sealtrail-verify.mjs`);
    expect(await res.text()).toBe("// EXAMPLE rebuilt, a different length\n");
    expect(res.headers.get("x-sealtrail-sha256")).toBe(
      createHash("sha256").update("// EXAMPLE rebuilt, a different length\n").digest("hex"),
    );
  });

  it("refuses other methods with 405", async () => {
    const res = await fetch(`${base}/sealtrail-verify.mjs`, { method: "POST" });
    expect(res.status).toBe(405);
  });
});
