import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { ApiDeps } from "../types.ts";

/** The file's name, in URLs and in the `.sha256` line. */
export const VERIFIER_TOOL_NAME = "sealtrail-verify.mjs";
/** Where `npm run build:verifier` writes it. */
export const DEFAULT_VERIFIER_TOOL_PATH = fileURLToPath(
  new URL(`../../dist/${VERIFIER_TOOL_NAME}`, import.meta.url),
);

type Loaded = { key: string; bytes: Buffer; sha256: string; base64: string };

/**
 * `GET /tools/sealtrail-verify.mjs` (the standalone verifier, for `node sealtrail-verify.mjs bundle.json
 * --rpc …` on Node >= 20) and `GET /tools/sealtrail-verify.mjs.sha256` (its hash, `sha256sum -c` format).
 * The file carries its SHA-256 in `Content-Digest` (RFC 9530) and `X-Sealtrail-SHA256`; the build is
 * reproducible, so an auditor can rebuild it from the sources and compare. 503 VERIFIER_NOT_BUILT when the
 * server's checkout has not run the build. The file is read again only when it changes on disk.
 * @example router.get("/tools/sealtrail-verify.mjs", getVerifierTool(deps, "file"))
 */
export function getVerifierTool(
  deps: Pick<ApiDeps, "verifierToolPath">,
  serve: "file" | "sha256",
): RequestHandler {
  const path = deps.verifierToolPath ?? DEFAULT_VERIFIER_TOOL_PATH;
  let cached: Loaded | undefined;
  const load = async (): Promise<Loaded> => {
    let key: string;
    try {
      const s = await stat(path);
      key = `${s.mtimeMs}:${s.size}`;
    } catch (cause) {
      if ((cause as { code?: unknown }).code !== "ENOENT") throw cause;
      throw new ApiError(
        503,
        ApiErrorCode.VerifierNotBuilt,
        `${VERIFIER_TOOL_NAME} is not built on this server (npm run build:verifier)`,
      );
    }
    if (cached?.key !== key) {
      const bytes = await readFile(path);
      const digest = createHash("sha256").update(bytes).digest();
      cached = { key, bytes, sha256: digest.toString("hex"), base64: digest.toString("base64") };
    }
    return cached;
  };
  return async (_req, res) => {
    const tool = await load();
    res.set("X-Sealtrail-SHA256", tool.sha256);
    if (serve === "sha256") {
      res.type("text/plain").send(`${tool.sha256}  ${VERIFIER_TOOL_NAME}\n`);
      return;
    }
    res.set({
      "Content-Digest": `sha-256=:${tool.base64}:`,
      "Content-Disposition": `attachment; filename="${VERIFIER_TOOL_NAME}"`,
    });
    res.type("text/javascript").send(tool.bytes);
  };
}
