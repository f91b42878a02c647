import type { Request, Response } from "express";

/**
 * The URL of the next page (this request's path and query with `cursor` replaced), also sent as an RFC 8288
 * `Link: <…>; rel="next"` header; null, and no header, on the last page. The URL is relative to the host, so
 * it stays right behind a proxy that rewrites the host but not the path.
 * @example res.json({ readings, next: nextPageLink(req, res, nextCursor), nextCursor })
 */
export function nextPageLink(req: Request, res: Response, nextCursor: string | null): string | null {
  if (nextCursor === null) return null;
  const url = new URL(req.originalUrl, "http://localhost");
  url.searchParams.set("cursor", nextCursor);
  const href = `${url.pathname}${url.search}`;
  res.append("Link", `<${href}>; rel="next"`);
  return href;
}
