// Builds the standalone proof-bundle verifier, dist/sealtrail-verify.mjs, and its SHA-256 beside it
// (dist/sealtrail-verify.mjs.sha256, `sha256sum -c` format). Reproducible: the same sources and the same
// esbuild give the same bytes (no time, no absolute path, no git state in the output), so an auditor who
// rebuilds from a clone can compare the hash with the one the API serves.
//   npm run build:verifier            → dist/
//   tsx scripts/buildVerifier.ts DIR  → DIR/
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, version as esbuildVersion, type Plugin } from "esbuild";

export const VERIFIER_FILE_NAME = "sealtrail-verify.mjs";

/**
 * cbor-x tries to load its optional native addon (cbor-extract) and falls back to JavaScript; in a single
 * file that addon could only be found next to wherever the auditor saved it. The file stays pure
 * JavaScript: the addon's module is replaced by an empty one, so the fallback is always taken.
 */
const noNativeAddons: Plugin = {
  name: "no-native-addons",
  setup(b) {
    b.onResolve({ filter: /^cbor-extract$/ }, (args) => ({ path: args.path, namespace: "no-native-addon" }));
    b.onLoad({ filter: /.*/, namespace: "no-native-addon" }, () => ({
      contents: "module.exports = null;",
      loader: "js",
    }));
  },
};
const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * Bundles cli/verify/standalone.ts into `outDir`/sealtrail-verify.mjs (ESM, Node 20 target, not minified
 * so that it can be read) and writes its hash; returns the file's path and SHA-256 (hex).
 * @example const { sha256 } = await buildVerifier(join(REPO_ROOT, "dist"))
 */
export async function buildVerifier(
  outDir: string,
): Promise<{ path: string; sha256: string; bytes: number }> {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, VERIFIER_FILE_NAME);
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ["cli/verify/standalone.ts"],
    outfile: path,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: false,
    sourcemap: false,
    legalComments: "eof",
    charset: "utf8",
    // Paths in the output (module comments) stay relative to the repository even where node_modules is a link.
    preserveSymlinks: true,
    logLevel: "warning",
    plugins: [noNativeAddons],
    banner: {
      js: [
        "#!/usr/bin/env node",
        `// sealtrail-verify.mjs: the Sealtrail proof-bundle verifier (sealtrail ${pkg.version}) as one file for Node >= 20.`,
        "//   node sealtrail-verify.mjs bundle.json --rpc <url>    (--help for the options)",
        `// Built by \`npm run build:verifier\` (esbuild ${esbuildVersion}) from cli/verify/standalone.ts; rebuilding the same`,
        "// sources gives the same bytes. Licences of the bundled packages are at the end of the file.",
        // Bundled CommonJS packages (ajv) may require Node built-ins; ESM has no `require` of its own.
        'import { createRequire as __sealtrailCreateRequire } from "node:module";',
        "const require = __sealtrailCreateRequire(import.meta.url);",
      ].join("\n"),
    },
  });
  const bytes = readFileSync(path);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  writeFileSync(`${path}.sha256`, `${sha256}  ${VERIFIER_FILE_NAME}\n`);
  return { path, sha256, bytes: bytes.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(REPO_ROOT, "dist"));
  const { path, sha256, bytes } = await buildVerifier(outDir);
  console.log(`wrote ${relative(process.cwd(), path) || path} (${bytes} bytes, sha256 ${sha256})`);
}
