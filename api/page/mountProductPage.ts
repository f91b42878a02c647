import type { Express } from "express";
import { isGs1Error, parseDigitalLink } from "#gs1";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { ApiDeps } from "../types.ts";
import { setProductPageSettings } from "./productPageSettings.ts";
import { sendProductPage } from "./sendProductPage.ts";
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

/**
 * The item Digital Links a browser opens (`/01/{gtin}/21/{serial}`, `/01/{gtin}/10/{lot}`, `/00/{sscc}`),
 * answered with the product page when the request accepts HTML; anything else falls through. A stand-in
 * for the resolver (branch `resolver`), whose routes call sendProductPage the same way and replace these.
 */
export function mountProductPageRoutes(app: Express): void {
  for (const path of ["/01/:gtin/21/:serial", "/01/:gtin/10/:lot", "/00/:sscc"]) {
    app.get(path, (req, res, next) => {
      if (req.accepts(["json", "html"]) !== "html") return next();
      let item: ReturnType<typeof parseDigitalLink>;
      try {
        item = parseDigitalLink(`https://resolver.invalid${req.path}`);
      } catch (cause) {
        if (!isGs1Error(cause)) throw cause;
        throw new ApiError(400, ApiErrorCode.InvalidItem, cause.shortMessage, { cause });
      }
      sendProductPage(req, res, item);
    });
  }
}
