import type { RequestHandler } from "express";
import { buildDigitalLink } from "#gs1";
import { parseItemRequest } from "../../services/resolver/parseItemRequest.ts";
import { publicBaseOf } from "../../services/resolver/publicBaseOf.ts";
import { parseQrOptions, type QrFormat, renderQr } from "../../services/resolver/renderQr.ts";

/** A QR code never changes for one URL and configuration; the ETag catches a changed public base URL. */
export const QR_CACHE_CONTROL = "public, max-age=31536000";

/**
 * RFC 9110 section 13.1.2: If-None-Match holds `*` or our ETag (weak comparison). Done here rather than by
 * Express's `req.fresh`, which ignores the header whenever the request says `Cache-Control: no-cache` (as
 * fetch() does on every conditional request): that directive is for caches, and a 304 is still right.
 */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/**
 * `GET {item path}/qr.svg` and `/qr.png`: a QR code of the item's GS1 Digital Link under the public base
 * URL (and path prefix), written the standard way (numeric AIs, GTIN-14, data attributes of the query
 * string kept), for any syntactically valid item, known to the store or not: labels are printed before
 * the item is commissioned. `ecl`, `size` and `margin` are bounded (renderQr). Cacheable: ETag and a long
 * max-age; If-None-Match answers 304.
 * @example router.get("/01/:gtin/21/:serial/qr.svg", getItemQr("svg", { publicBaseUrl }))
 */
export function getItemQr(format: QrFormat, options: { publicBaseUrl?: string | undefined }): RequestHandler {
  return async (req, res) => {
    const base = publicBaseOf(req, options.publicBaseUrl);
    const item = parseItemRequest(req, base, `/qr.${format}`);
    const qrOptions = parseQrOptions(req.query as Record<string, unknown>);
    const uri = buildDigitalLink(item.key, {
      prefix: item.prefix,
      ...(item.cpv === undefined ? {} : { cpv: item.cpv }),
      ...(item.lot === undefined ? {} : { lot: item.lot }),
      attributes: item.attributes,
    });
    const qr = await renderQr(uri, format, qrOptions);
    res.set({ "Cache-Control": QR_CACHE_CONTROL, ETag: qr.etag, "Content-Type": qr.mediaType });
    if (matchesIfNoneMatch(req.get("if-none-match"), qr.etag)) {
      res.status(304).end();
      return;
    }
    res.send(qr.body);
  };
}
