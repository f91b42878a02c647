import type { Request, Response } from "express";
import type { ParsedDigitalLink } from "#gs1";

// PLACEHOLDER: the product page (branch `page`) replaces this file at merge, keeping the signature. The
// resolver calls it for a browser's request (Accept prefers text/html, no linkType).

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Names the item in words: "GTIN 09506000134352, serial A1". */
function describe(item: ParsedDigitalLink): string {
  const k = item.key;
  switch (k.type) {
    case "sgtin":
      return `GTIN ${k.gtin}${item.lot === undefined ? "" : `, lot ${item.lot}`}, serial ${k.serial}`;
    case "lgtin":
      return `GTIN ${k.gtin}, lot ${k.lot}`;
    case "gtin":
      return `GTIN ${k.gtin}`;
    case "sscc":
      return `SSCC ${k.sscc}`;
    case "gln":
      return `GLN ${k.gln}${k.extension === undefined ? "" : ` (extension ${k.extension})`}`;
    case "giai":
      return `GIAI ${k.giai}`;
    case "grai":
      return `GRAI ${k.grai}${k.serial ?? ""}`;
  }
}

/**
 * Answers a browser scanning an item's QR code with the product page. This placeholder sends a minimal
 * HTML page naming the item; the real page (journey, chart, in-browser verification) replaces it.
 * @example sendProductPage(req, res, parseDigitalLink("https://x.example/01/09506000134352/21/A1"))
 */
export function sendProductPage(_req: Request, res: Response, item: ParsedDigitalLink): void {
  const name = escapeHtml(describe(item));
  res
    .status(200)
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${name}</title></head><body><h1>${name}</h1><p>The product page is not built into this server yet.</p></body></html>`,
    );
}
