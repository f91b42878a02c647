import type { Express } from "express";
import type { ApiDeps } from "../types.ts";
import { setProductPageSettings } from "./productPageSettings.ts";
import { servePageAsset } from "./servePageAsset.ts";

/** Where the page's scripts, style and WebAssembly are served. */
export const PAGE_ASSET_BASE = "/page/assets/";

/**
 * Serves the product page's assets and stores its settings on the app (sendProductPage reads them).
 * @example mountProductPage(app, deps, API_PREFIX)
 */
export function mountProductPage(app: Express, deps: Pick<ApiDeps, "productPage">, apiPrefix: string): void {
  setProductPageSettings(app.locals, {
    rpcEndpoints: deps.productPage?.rpcEndpoints ?? [],
    apiPrefix,
    assetBase: PAGE_ASSET_BASE,
  });
  app.get(`${PAGE_ASSET_BASE}:name`, servePageAsset(deps.productPage?.assetsDir));
}
