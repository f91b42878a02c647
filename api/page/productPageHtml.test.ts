import { describe, expect, it } from "@jest/globals";
import type { PageConfig } from "./client/pageConfig.ts";
import { productPageCsp } from "./contentSecurityPolicy.ts";
import { productPageHtml } from "./productPageHtml.ts";
import { rpcEndpointsOf } from "./rpcEndpointsOf.ts";

const config: PageConfig = {
  format: "sealtrail-page-v1",
  item: { path: "/01/04012345222227/21/R1", gtin: "04012345222227", serial: "R1" },
  evidenceUrl: "/api/v1/evidence/01/04012345222227/21/R1",
  rpcEndpoints: ["http://127.0.0.1:8545/"],
  refusedRpcEndpoints: [],
  assetBase: "/page/assets/",
};

describe("productPageHtml", () => {
  it("has no inline script or style: only the module script by URL and a JSON data block", () => {
    const html = productPageHtml(config);
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => m[1]!.trim())).toEqual([
      'type="module" src="/page/assets/main.js"',
      'type="application/json" id="sealtrail-page-config"',
    ]);
    expect(scripts[0]![2]).toBe("");
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it("keeps a serial that looks like markup inert, in the title and in the data block", () => {
    const serial = "</script><script>alert(1)</script>";
    const html = productPageHtml({ ...config, item: { ...config.item, serial } });
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;/script&gt;");
    const block = /<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect((JSON.parse(block) as PageConfig).item.serial).toBe(serial);
  });
});

describe("productPageCsp", () => {
  it("allows WebAssembly but not eval, and no source but this origin and the RPC endpoints", () => {
    const csp = productPageCsp([
      "https://rpc.example/v1?key=x",
      "https://rpc.example/other",
      "http://127.0.0.1:8545/",
    ]);
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).not.toMatch(/'unsafe-eval'|'unsafe-inline'|\*/);
    expect(csp).toContain("connect-src 'self' https://rpc.example http://127.0.0.1:8545;");
    expect(csp).toContain("default-src 'none'");
  });
});

describe("rpcEndpointsOf", () => {
  it("adds the user's own endpoints after the operator's, once each", () => {
    expect(
      rpcEndpointsOf(["https://mine.example/rpc", "https://mine.example/rpc"], ["https://op.example/"]),
    ).toEqual({
      endpoints: ["https://op.example/", "https://mine.example/rpc"],
      refused: [],
    });
  });

  it.each([["javascript:alert(1)"], ["https://user:pw@rpc.example/"], ["not a url"]])(
    "refuses %p, for the page to say so, and never throws (a scan always gets its page)",
    (value) => {
      expect(rpcEndpointsOf(value, ["https://op.example/"])).toEqual({
        endpoints: ["https://op.example/"],
        refused: [value],
      });
    },
  );

  it("takes four endpoints at most and refuses the rest", () => {
    const many = [1, 2, 3, 4, 5].map((n) => `https://rpc${n}.example/`);
    expect(rpcEndpointsOf(many, [])).toEqual({ endpoints: many.slice(0, 4), refused: [many[4]] });
  });
});
