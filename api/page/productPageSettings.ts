import type { Request } from "express";

/** Where the product page's settings live on the Express app (`app.locals`). */
const SETTINGS_KEY = "sealtrailProductPage";

export type ProductPageSettings = {
  /** The operator's chain JSON-RPC endpoints for the page's anchor checks (none: the user adds one). */
  rpcEndpoints: readonly string[];
  /** The API's mount point, for the evidence package's URL. */
  apiPrefix: string;
  /** Where the page's assets are served, ending with "/". */
  assetBase: string;
};

/** Stores the settings on the app, for {@link productPageSettingsOf}. */
export function setProductPageSettings(locals: Record<string, unknown>, settings: ProductPageSettings): void {
  locals[SETTINGS_KEY] = settings;
}

/**
 * The settings mountProductPage stored on the app. sendProductPage's signature is fixed by the resolver
 * (req, res, item), so the settings travel with the app rather than as an argument.
 */
export function productPageSettingsOf(req: Request): ProductPageSettings {
  const settings = (req.app.locals as Record<string, unknown>)[SETTINGS_KEY] as
    | ProductPageSettings
    | undefined;
  return settings ?? { rpcEndpoints: [], apiPrefix: "/api/v1", assetBase: "/page/assets/" };
}
