import type { ItemLinks } from "./itemLinks.ts";

/** A link target object of an RFC 9264 linkset in JSON (section 4.2.2). */
export type LinkTarget = { href: string; title: string; type: string; hreflang?: string[] };

/** An RFC 9264 `application/linkset+json` document: one context (the item), link types as keys. */
export type Linkset = { linkset: [{ anchor: string } & Record<string, string | LinkTarget[]>] };

/**
 * The item's links as an RFC 9264 linkset, the shape GS1-Conformant resolvers answer `linkType=linkset`
 * with: one context object whose `anchor` is the item's Digital Link, each link type a key (a full URI)
 * holding an array of target objects.
 * @example buildLinkset(itemLinks(item, base)).linkset[0]["https://gs1.org/voc/pip"][0].href
 */
export function buildLinkset(item: ItemLinks): Linkset {
  const context: { anchor: string } & Record<string, string | LinkTarget[]> = { anchor: item.anchor };
  for (const link of item.links) {
    const target: LinkTarget = { href: link.href, title: link.title, type: link.type };
    if (link.hreflang !== undefined) target.hreflang = [...link.hreflang];
    const list = context[link.linkType];
    if (Array.isArray(list)) list.push(target);
    else context[link.linkType] = [target];
  }
  return { linkset: [context] };
}
