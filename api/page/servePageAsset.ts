import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";

/** Where `npm run build:page` writes the page's browser code. */
export const DEFAULT_PAGE_ASSETS_DIR = fileURLToPath(new URL("../../dist/page/", import.meta.url));

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  wasm: "application/wasm",
};
/** Names build:page writes (main.js, worker.js, chunk-XYZ.js, page.css, secp256k1.wasm): no path, no dot-file. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*\.(js|css|wasm)$/;

type Loaded = { key: string; bytes: Buffer };

/**
 * `GET /page/assets/:name`: the product page's scripts, style and WebAssembly from dist/page/. 404 for any
 * other name (never a path outside the folder); 503 PAGE_NOT_BUILT when the build has not run. Files are
 * read again only when they change on disk; clients revalidate (short max-age), since names are stable.
 * @example app.get("/page/assets/:name", servePageAsset())
 */
export function servePageAsset(dir: string = DEFAULT_PAGE_ASSETS_DIR): RequestHandler {
  const cache = new Map<string, Loaded>();
  return async (req, res, next) => {
    const name = String(req.params.name);
    const type = ASSET_NAME.exec(name)?.[1];
    if (!type) return next();
    const path = join(dir, name);
    let key: string;
    try {
      const s = await stat(path);
      key = `${s.mtimeMs}:${s.size}`;
    } catch (cause) {
      if ((cause as { code?: unknown }).code !== "ENOENT") throw cause;
      try {
        await stat(join(dir, "main.js"));
      } catch {
        throw new ApiError(
          503,
          ApiErrorCode.PageNotBuilt,
          "the product page is not built (npm run build:page)",
        );
      }
      return next();
    }
    let loaded = cache.get(name);
    if (loaded?.key !== key) {
      loaded = { key, bytes: await readFile(path) };
      cache.set(name, loaded);
    }
    res.set({ "Content-Type": TYPES[type]!, "Cache-Control": "public, max-age=300" });
    res.send(loaded.bytes);
  };
}
