import { itemTitle } from "./client/itemTitle.ts";
import { PAGE_CONFIG_ELEMENT_ID, type PageConfig } from "./client/pageConfig.ts";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
/** JSON inside a script data block: `<` escaped so no value can close the block. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/**
 * The product page's HTML: a shell with the item's identifiers (shown at once, from the URL alone), the
 * configuration as a JSON data block and the page's module script. Everything else is drawn by the script
 * from what the browser verified. No inline script or style (the CSP forbids both).
 * @example res.type("html").send(productPageHtml(config))
 */
export function productPageHtml(config: PageConfig): string {
  const asset = (name: string) => escapeHtml(`${config.assetBase}${name}`);
  const title = itemTitle(config.item);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Sealtrail</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset("page.css")}">
<script type="module" src="${asset("main.js")}"></script>
<script type="application/json" id="${PAGE_CONFIG_ELEMENT_ID}">${scriptJson(config)}</script>
</head>
<body>
<a class="skip" href="#verdict">Skip to the verdict</a>
<header class="masthead"><p class="brand">Sealtrail</p><h1 id="item-title">${escapeHtml(title)}</h1></header>
<main id="app" aria-busy="true">
<section id="verdict" class="verdict verdict-pending" aria-live="polite" tabindex="-1"><h2>Checking the record</h2><p>Your browser is checking this product's record. This needs JavaScript.</p></section>
</main>
<noscript><p class="noscript">This page checks the product's record in your browser and needs JavaScript. Auditors can verify the evidence package with the <code>sealtrail audit</code> command instead.</p></noscript>
</body>
</html>
`;
}
