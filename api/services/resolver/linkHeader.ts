import type { ItemLinks } from "./itemLinks.ts";

/** GS1's JSON-LD context for linksets: a client may read the linkset as linked data with it. */
export const GS1_LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context";

/** Characters that would end a URI reference inside `<…>` of a Link header; never in our own URIs. */
const UNSAFE = /[<>"\s]/g;
const quoteUri = (uri: string) => uri.replace(UNSAFE, encodeURIComponent);

/**
 * The RFC 8288 `Link` header of a resolver answer: the linkset (`rel="linkset"`, RFC 9264 section 6), each
 * offered link by its link type, and the item's canonical id.gs1.org URI as `owl:sameAs` (as GS1-Conformant
 * resolvers expose it).
 * @example linkHeader(links) // '<https://x.example/01/…?linkType=linkset>; rel="linkset"; type="application/linkset+json", …'
 */
export function linkHeader(item: ItemLinks): string {
  const parts = [
    `<${quoteUri(item.anchor)}?linkType=linkset>; rel="linkset"; type="application/linkset+json"`,
    ...item.links.map(
      (l) => `<${quoteUri(l.href)}>; rel="${l.linkType}"; type="${l.type}"; title="${l.title}"`,
    ),
    `<${quoteUri(item.canonical)}>; rel="owl:sameAs"`,
  ];
  return parts.join(", ");
}
