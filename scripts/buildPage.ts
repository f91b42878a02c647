// Builds the product page's browser code into dist/page/: main.js (the page), worker.js (the Web Worker
// that verifies), signatures.js (its helpers that check signatures on other cores), page.css, and secp256k1.wasm (libsecp256k1 as WebAssembly, tiny-secp256k1's build) for
// the worker's WASM verifier. The API serves these files under /page/assets/ (api/page/servePageAsset.ts);
// nothing is loaded from anywhere else at run time. Reproducible like build:verifier: no time or path in
// the output.
//   npm run build:page            → dist/page/
//   tsx scripts/buildPage.ts DIR  → DIR/
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * The shared code (#protocol's barrel in particular) has modules the page never calls whose imports run
 * code at load (ajv, ethers). Our own sources and the packages have no load-time effects the page relies
 * on, so esbuild may drop any module none of whose exports is used: that keeps ajv and ethers out.
 */
export const noSideEffects: Plugin = {
  name: "no-side-effects",
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === "no-side-effects" || args.kind === "entry-point") return undefined;
      const resolved = await b.resolve(args.path, {
        importer: args.importer,
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: "no-side-effects",
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { ...resolved, sideEffects: false };
    });
  },
};

/**
 * tiny-secp256k1 loads its WebAssembly through `import * as wasm from "./secp256k1.wasm"` (browser) or
 * readFileSync (Node). In the page it is fetched from beside the worker's code instead and instantiated
 * with the same imports, by a top-level await in the (lazily imported) chunk that uses it. Instantiating
 * WebAssembly needs CSP's 'wasm-unsafe-eval', which allows WebAssembly and nothing else (not eval).
 */
export const tinySecpLoader: Plugin = {
  name: "tiny-secp256k1-loader",
  setup(b) {
    b.onResolve({ filter: /^\.\/wasm_loader\.js$/ }, (args) =>
      args.importer.includes("tiny-secp256k1")
        ? { path: "wasm_loader", namespace: "tiny-secp256k1-loader", pluginData: dirname(args.importer) }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "tiny-secp256k1-loader" }, (args) => ({
      resolveDir: args.pluginData as string,
      loader: "js",
      contents: [
        'import * as rand from "./rand.browser.js";',
        'import * as validate_error from "./validate_error.js";',
        'const imports = { "./rand.js": rand, "./validate_error.js": validate_error };',
        'const source = fetch(new URL("secp256k1.wasm", import.meta.url));',
        "const { instance } = await WebAssembly.instantiateStreaming(source, imports);",
        "export default instance.exports;",
      ].join("\n"),
    }));
  },
};

export type PageBuild = { outDir: string; files: { name: string; bytes: number; gzipBytes: number }[] };

/**
 * Bundles api/page/client/ into `outDir` (ES2022 modules, minified) and copies the WASM beside them.
 * @example const { files } = await buildPage(join(REPO_ROOT, "dist/page"))
 */
export async function buildPage(outDir: string): Promise<PageBuild> {
  // Chunk names change with their contents: old ones would linger and be served.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: {
      main: "api/page/client/main.ts",
      worker: "api/page/client/worker.ts",
      signatures: "api/page/client/signatureWorker.ts",
      page: "api/page/client/page.css",
    },
    outdir: outDir,
    bundle: true,
    // The WASM verifier is a chunk of its own, loaded only when chosen (see tinySecpLoader).
    splitting: true,
    chunkNames: "chunk-[hash]",
    platform: "browser",
    format: "esm",
    target: ["chrome109", "firefox115", "safari16"],
    minify: true,
    sourcemap: false,
    legalComments: "eof",
    charset: "utf8",
    preserveSymlinks: true,
    logLevel: "warning",
    // Node's `buffer` and friends must never reach the page: a build that needs one fails here.
    conditions: ["browser"],
    plugins: [tinySecpLoader, noSideEffects],
  });
  // The package exports only ".", which resolves (for Node) to lib/cjs/index.cjs.
  const require = createRequire(import.meta.url);
  const tinySecpLib = dirname(dirname(require.resolve("tiny-secp256k1", { paths: [REPO_ROOT] })));
  copyFileSync(join(tinySecpLib, "secp256k1.wasm"), join(outDir, "secp256k1.wasm"));
  const names = readdirSync(outDir).filter((n) => /\.(js|css|wasm)$/.test(n));
  const files = names.map((name) => {
    const bytes = readFileSync(join(outDir, name));
    return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  writeFileSync(join(outDir, "sizes.json"), `${JSON.stringify(files, null, 2)}\n`);
  return { outDir, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(REPO_ROOT, "dist/page"));
  const { files } = await buildPage(outDir);
  for (const f of files) {
    console.log(`${relative(process.cwd(), join(outDir, f.name))}: ${f.bytes} bytes, ${f.gzipBytes} gzip`);
  }
}
