import { buildDigitalLink, canonicalIdentifier, type ParsedDigitalLink } from "#gs1";

/** GS1's link type namespace, as linksets write it. */
export const GS1_VOC = "https://gs1.org/voc/";
/** Sealtrail's own link types (the evidence package has no GS1 link type). */
export const SEALTRAIL_VOC = "https://sealtrail.dev/voc/";

/** One link the resolver offers for an item. */
export type ItemLink = {
  /** The link type as a full URI: "https://gs1.org/voc/pip". */
  readonly linkType: string;
  readonly href: string;
  readonly title: string;
  /** Media type of the target. */
  readonly type: string;
  readonly hreflang?: readonly string[];
};

/** What the resolver knows how to say about an item. */
export type ItemLinks = {
  /** The item's own Digital Link under this resolver (no query): the linkset's anchor and the pip. */
  readonly anchor: string;
  /** The same item on id.gs1.org, as events name it (gs1/ canonicalIdentifier). */
  readonly canonical: string;
  readonly links: readonly ItemLink[];
};

/** The evidence package's path under /api/v1/evidence, for the keys that have one. */
function evidencePath(item: ParsedDigitalLink): string | undefined {
  const k = item.key;
  const enc = encodeURIComponent;
  if (k.type === "sgtin") return `/01/${k.gtin}/21/${enc(k.serial)}`;
  if (k.type === "lgtin") return `/01/${k.gtin}/10/${enc(k.lot)}`;
  if (k.type === "sscc") return `/00/${k.sscc}`;
  return undefined;
}

/**
 * The links of an item: `gs1:pip` and `gs1:defaultLink` (the product page, served at the item's own URI),
 * `gs1:epcis` (this server's EPCIS query for the events naming it) and, for a serialised item, a lot or an
 * SSCC, `sealtrail:evidence` (its evidence package). `base` is the public base URL of this app.
 * @example itemLinks(parseDigitalLink("https://x.example/01/09506000134352/21/A1"), "https://x.example").links[0].href
 *   // "https://x.example/01/09506000134352/21/A1"
 */
export function itemLinks(item: ParsedDigitalLink, base: string): ItemLinks {
  const options = {
    prefix: item.prefix,
    ...(item.cpv === undefined ? {} : { cpv: item.cpv }),
    ...(item.lot === undefined ? {} : { lot: item.lot }),
  };
  const anchor = buildDigitalLink(item.key, options);
  // canonicalIdentifier accepts what buildDigitalLink writes; undefined would be a gs1/ bug.
  const canonical = canonicalIdentifier(buildDigitalLink(item.key)) ?? buildDigitalLink(item.key);
  const page = { href: anchor, title: "Journey and verification of this item", type: "text/html" };
  const links: ItemLink[] = [
    { linkType: `${GS1_VOC}pip`, ...page, hreflang: ["en"] },
    { linkType: `${GS1_VOC}defaultLink`, ...page, hreflang: ["en"] },
    {
      linkType: `${GS1_VOC}epcis`,
      href: `${base}/epcis/epcs/${encodeURIComponent(canonical)}/events`,
      title: "EPCIS 2.0 events naming this item",
      type: "application/ld+json",
    },
  ];
  const evidence = evidencePath(item);
  if (evidence !== undefined) {
    links.push({
      linkType: `${SEALTRAIL_VOC}evidence`,
      href: `${base}/api/v1/evidence${evidence}`,
      title: "Evidence package (sealtrail-evidence-v1) to verify this item offline",
      type: "application/json",
    });
  }
  return { anchor, canonical, links };
}
