/** Id of the `<script type="application/json">` block that carries the page's configuration. */
export const PAGE_CONFIG_ELEMENT_ID = "sealtrail-page-config";

/** The item the page is about, as the Digital Link named it. */
export type PageItem = {
  /** The Digital Link path: "/01/09506000134352/21/ABC". */
  path: string;
  gtin?: string;
  serial?: string;
  lot?: string;
  sscc?: string;
};

/**
 * What the server tells the page (a JSON data block, never script): which item, where its evidence
 * package is, and which chain RPC endpoints to read anchors from. Nothing in it is trusted as a result:
 * the page verifies the package itself.
 */
export type PageConfig = {
  format: "sealtrail-page-v1";
  item: PageItem;
  /** Same-origin URL of the item's evidence package (`sealtrail-evidence-v1`). */
  evidenceUrl: string;
  /** Chain JSON-RPC endpoints, the operator's first, then the user's own. */
  rpcEndpoints: string[];
  /** `rpc` values the server did not take (not an http(s) URL without credentials, or past four). */
  refusedRpcEndpoints: string[];
  /** Base URL of the page's scripts, styles and WebAssembly (ends with "/"). */
  assetBase: string;
};

/**
 * Reads and checks the configuration block; throws a plain Error naming what is wrong (the page shows
 * it: without a configuration there is nothing to verify).
 * @example const config = readPageConfig(document)
 */
export function readPageConfig(doc: Document): PageConfig {
  const text = doc.getElementById(PAGE_CONFIG_ELEMENT_ID)?.textContent;
  if (!text) throw new Error("the page has no configuration block");
  const value = JSON.parse(text) as Partial<PageConfig>;
  if (
    value.format !== "sealtrail-page-v1" ||
    typeof value.evidenceUrl !== "string" ||
    !Array.isArray(value.rpcEndpoints) ||
    !Array.isArray(value.refusedRpcEndpoints) ||
    typeof value.item?.path !== "string" ||
    typeof value.assetBase !== "string"
  ) {
    throw new Error("the page's configuration block is not sealtrail-page-v1");
  }
  return value as PageConfig;
}
