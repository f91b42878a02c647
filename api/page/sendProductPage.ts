import type { Request, Response } from "express";
import { buildDigitalLink, type ParsedDigitalLink } from "#gs1";
import type { PageConfig, PageItem } from "./client/pageConfig.ts";
import { productPageCsp } from "./contentSecurityPolicy.ts";
import { productPageHtml } from "./productPageHtml.ts";
import { productPageSettingsOf } from "./productPageSettings.ts";
import { rpcEndpointsOf } from "./rpcEndpointsOf.ts";

/** A placeholder origin: buildDigitalLink writes absolute URIs, the page needs their paths. */
const DIGITAL_LINK_ORIGIN = "https://resolver.invalid";

function pageItem(item: ParsedDigitalLink): PageItem {
  const path = buildDigitalLink(item.key, {
    prefix: DIGITAL_LINK_ORIGIN,
    ...(item.lot !== undefined && item.key.type === "sgtin" ? { lot: item.lot } : {}),
  }).slice(DIGITAL_LINK_ORIGIN.length);
  const key = item.key;
  switch (key.type) {
    case "sgtin":
      return {
        path,
        gtin: key.gtin,
        serial: key.serial,
        ...(item.lot !== undefined ? { lot: item.lot } : {}),
      };
    case "lgtin":
      return { path, gtin: key.gtin, lot: key.lot };
    case "sscc":
      return { path, sscc: key.sscc };
    default:
      return { path };
  }
}

/**
 * Answers a browser's request for an item's Digital Link with the product page: an HTML shell whose
 * script fetches the item's evidence package, verifies it in a Web Worker (signatures, Merkle proofs,
 * anchors read from the chain RPC endpoints) and draws only what verified. The resolver calls it for a
 * request that prefers text/html. Strict CSP; `?rpc=URL` (repeatable) adds the user's own endpoint (one
 * that is not an http(s) URL is shown as refused, never an error: a scan always gets its page).
 * @example if (prefersHtml(req)) return sendProductPage(req, res, parseDigitalLink(url))
 */
export function sendProductPage(req: Request, res: Response, item: ParsedDigitalLink): void {
  const settings = productPageSettingsOf(req);
  const { endpoints: rpcEndpoints, refused } = rpcEndpointsOf(req.query.rpc, settings.rpcEndpoints);
  const pageItemValue = pageItem(item);
  // The package is the key's (a lot written next to a serial is not part of an SGTIN).
  const evidencePath = buildDigitalLink(item.key, { prefix: DIGITAL_LINK_ORIGIN }).slice(
    DIGITAL_LINK_ORIGIN.length,
  );
  const config: PageConfig = {
    format: "sealtrail-page-v1",
    item: pageItemValue,
    evidenceUrl: `${settings.apiPrefix}/evidence${evidencePath}`,
    rpcEndpoints,
    refusedRpcEndpoints: refused,
    assetBase: settings.assetBase,
  };
  res.set({
    "Content-Security-Policy": productPageCsp(rpcEndpoints),
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
  });
  // Added to, not replaced: the resolver's CORS may vary by Origin already.
  res.vary("Accept");
  res.status(200).type("html").send(productPageHtml(config));
}
