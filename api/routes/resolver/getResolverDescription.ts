import type { RequestHandler } from "express";
import { GS1_VOC, SEALTRAIL_VOC } from "../../services/resolver/itemLinks.ts";
import { publicBaseOf } from "../../services/resolver/publicBaseOf.ts";

/** The primary keys the resolver routes (see ITEM_PATHS). */
export const SUPPORTED_PRIMARY_KEYS = ["01", "00", "414", "8004"] as const;

/**
 * `GET /.well-known/gs1resolver`: the resolver description file a GS1-Conformant resolver publishes (GS1's
 * description-file schema): its root (public base URL plus path prefix), the primary keys and link type
 * namespaces it knows, and what it does not do (no default-to-linkset option, no language variants).
 * @example app.get("/.well-known/gs1resolver", getResolverDescription({ publicBaseUrl, pathPrefix: "" }))
 */
export function getResolverDescription(options: {
  publicBaseUrl?: string | undefined;
  pathPrefix: string;
}): RequestHandler {
  return (req, res) => {
    const base = publicBaseOf(req, options.publicBaseUrl);
    res.json({
      name: "Sealtrail GS1 Digital Link resolver",
      resolverRoot: `${base}${options.pathPrefix}`,
      supportedPrimaryKeys: [...SUPPORTED_PRIMARY_KEYS],
      supportedLinkType: [
        { namespace: GS1_VOC, prefix: "gs1:" },
        { namespace: SEALTRAIL_VOC, prefix: "sealtrail:" },
      ],
      linkTypeDefaultCanBeLinkset: false,
      supportsSemanticInterpretation: false,
      // parseDigitalLink checks which qualifiers go with which key, and their order.
      validatesAIcombinations: true,
      supportsLanguageVariants: false,
    });
  };
}
