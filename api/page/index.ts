// The product page, server side: the HTML shell, its CSP and the built assets (browser code: client/).

export { itemTitle } from "./client/itemTitle.ts";
export { productPageCsp } from "./contentSecurityPolicy.ts";
export { mountProductPage, PAGE_ASSET_BASE } from "./mountProductPage.ts";
export { productPageHtml } from "./productPageHtml.ts";
export { MAX_PAGE_RPC_ENDPOINTS, rpcEndpointsOf } from "./rpcEndpointsOf.ts";
export { sendProductPage } from "./sendProductPage.ts";
export { DEFAULT_PAGE_ASSETS_DIR, servePageAsset } from "./servePageAsset.ts";
