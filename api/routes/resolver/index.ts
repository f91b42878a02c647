import type { Express } from "express";
import type { ApiDeps } from "../../types.ts";
import { allowAnyOrigin, optionsOrNotAllowed } from "./allowAnyOrigin.ts";
import { getItemQr } from "./getItemQr.ts";
import { getResolverDescription } from "./getResolverDescription.ts";
import { resolveItem } from "./resolveItem.ts";
import { resolverProblems } from "./resolverProblems.ts";

export { RESOLVER_METHODS } from "./allowAnyOrigin.ts";
export { QR_CACHE_CONTROL } from "./getItemQr.ts";
export { getResolverDescription, SUPPORTED_PRIMARY_KEYS } from "./getResolverDescription.ts";
export { PROBLEM_TYPE_BASE } from "./resolverProblems.ts";

/**
 * The item paths the resolver routes, one Express route each (so the OpenAPI document can list each): every
 * combination of a GTIN's qualifiers in the standard's order (22 CPV, 10 lot, 21 serial), an SSCC, a GLN
 * with or without its extension (254), a GIAI. The values are checked by parseDigitalLink, not here.
 */
export const ITEM_PATHS = [
  "/01/:gtin",
  "/01/:gtin/21/:serial",
  "/01/:gtin/10/:lot",
  "/01/:gtin/10/:lot/21/:serial",
  "/01/:gtin/22/:cpv",
  "/01/:gtin/22/:cpv/21/:serial",
  "/01/:gtin/22/:cpv/10/:lot",
  "/01/:gtin/22/:cpv/10/:lot/21/:serial",
  "/00/:sscc",
  "/414/:gln",
  "/414/:gln/254/:extension",
  "/8004/:giai",
] as const;

/** The QR code formats, served at `{item path}/qr.{format}`. */
export const QR_FORMATS = ["svg", "png"] as const;

/** Where the resolver is served and what URL it writes. */
export type ResolverMount = {
  /** Absent: each answer writes links under its own request's scheme and host. */
  publicBaseUrl?: string | undefined;
  /** "" or "/segment…": the path before the primary key. */
  pathPrefix: string;
};

/**
 * Adds the GS1 Digital Link resolver's routes to `app`: each item path under the path prefix (resolveItem)
 * and its QR codes (getItemQr), and `/.well-known/gs1resolver` at the root; CORS, OPTIONS and 405 on each.
 * The routes carry their own error handler (resolverProblems: problem documents), so the resolver needs no
 * router of its own and each route is listed at its real path.
 * @example mountResolver(app, deps, { publicBaseUrl: "https://trace.example.com", pathPrefix: "" })
 */
export function mountResolver(app: Express, deps: Pick<ApiDeps, "store">, mount: ResolverMount): void {
  const options = { publicBaseUrl: mount.publicBaseUrl };
  for (const path of ITEM_PATHS) {
    app
      .route(`${mount.pathPrefix}${path}`)
      .get(allowAnyOrigin, resolveItem(deps, options), resolverProblems)
      .all(allowAnyOrigin, optionsOrNotAllowed, resolverProblems);
    for (const format of QR_FORMATS) {
      app
        .route(`${mount.pathPrefix}${path}/qr.${format}`)
        .get(allowAnyOrigin, getItemQr(format, options), resolverProblems)
        .all(allowAnyOrigin, optionsOrNotAllowed, resolverProblems);
    }
  }
  app
    .route("/.well-known/gs1resolver")
    .get(allowAnyOrigin, getResolverDescription(mount), resolverProblems)
    .all(allowAnyOrigin, optionsOrNotAllowed, resolverProblems);
}
