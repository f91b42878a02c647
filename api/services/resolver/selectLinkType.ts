import { ApiError, ApiErrorCode } from "../../errors.ts";
import { GS1_VOC, type ItemLink, type ItemLinks, SEALTRAIL_VOC } from "./itemLinks.ts";

// The GS1 Web Vocabulary answers to several spellings of its namespace; all name the same link type.
const NAMESPACES: readonly [string, string][] = [
  ["gs1:", GS1_VOC],
  ["http://gs1.org/voc/", GS1_VOC],
  ["https://www.gs1.org/voc/", GS1_VOC],
  ["https://ref.gs1.org/voc/", GS1_VOC],
  ["sealtrail:", SEALTRAIL_VOC],
];

/** The longest linkType value read; link type URIs are far shorter. */
const MAX_LINK_TYPE_LENGTH = 200;

/**
 * What a `linkType` query value asks for: `"linkset"` (also GS1 1.0's `all`), or one of the item's links,
 * named as a CURIE (`gs1:pip`, `sealtrail:evidence`) or a full URI in any spelling of GS1's namespace.
 * Throws LINK_TYPE_NOT_FOUND (404) for a link type the item does not have, BAD_REQUEST for a repeated one.
 * @example selectLinkType("gs1:epcis", links) // { linkType: "https://gs1.org/voc/epcis", href: … }
 */
export function selectLinkType(value: unknown, item: ItemLinks): "linkset" | ItemLink {
  if (typeof value !== "string" || value.length > MAX_LINK_TYPE_LENGTH) {
    throw new ApiError(400, ApiErrorCode.BadRequest, "linkType is given once, as a CURIE or a URI");
  }
  if (value === "linkset" || value === "all") return "linkset";
  let uri = value;
  for (const [prefix, namespace] of NAMESPACES) {
    if (value.startsWith(prefix)) {
      uri = namespace + value.slice(prefix.length);
      break;
    }
  }
  const link = item.links.find((l) => l.linkType === uri);
  if (link === undefined) {
    throw new ApiError(404, ApiErrorCode.LinkTypeNotFound, `no link of type ${value} for this item`, {
      details: { linkTypes: item.links.map((l) => l.linkType) },
    });
  }
  return link;
}
