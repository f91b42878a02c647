import type { RequestHandler, Response } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import { sendProductPage } from "../../page/sendProductPage.ts";
import { buildLinkset } from "../../services/resolver/buildLinkset.ts";
import { isItemKnown } from "../../services/resolver/isItemKnown.ts";
import { type ItemLinks, itemLinks } from "../../services/resolver/itemLinks.ts";
import { GS1_LINKSET_CONTEXT, linkHeader } from "../../services/resolver/linkHeader.ts";
import { parseItemRequest } from "../../services/resolver/parseItemRequest.ts";
import { publicBaseOf } from "../../services/resolver/publicBaseOf.ts";
import { selectLinkType } from "../../services/resolver/selectLinkType.ts";
import type { ApiDeps } from "../../types.ts";

/** The media types a resolver answer can take, in the order that breaks ties (`*\/*` gets the page). */
const OFFERED = ["text/html", "application/linkset+json", "application/json"];

function sendLinkset(res: Response, links: ItemLinks, mediaType: string): void {
  res
    .set(
      "Link",
      `${linkHeader(links)}, <${GS1_LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`,
    )
    .type(mediaType)
    .send(JSON.stringify(buildLinkset(links)));
}

/**
 * `GET {prefix}/01/{gtin}[/22/…][/10/…][/21/…]`, `/00/{sscc}`, `/414/{gln}[/254/…]`, `/8004/{giai}`: the GS1
 * Digital Link resolver. Without `linkType`, a client that prefers HTML (a phone's browser after a scan)
 * gets the product page, whether or not the item is known (the page says so itself); one that asks for
 * `application/linkset+json` (or JSON) gets the linkset. `linkType=linkset` gets the linkset, any other
 * link type a 307 to that link. Those answers need an item some stored event names: 404 ITEM_NOT_FOUND
 * otherwise. Refusals are problem documents (resolverProblems).
 * @example router.get("/01/:gtin/21/:serial", resolveItem(deps, { publicBaseUrl }))
 */
export function resolveItem(
  deps: Pick<ApiDeps, "store">,
  options: { publicBaseUrl?: string | undefined },
): RequestHandler {
  return async (req, res) => {
    const base = publicBaseOf(req, options.publicBaseUrl);
    const item = parseItemRequest(req, base);
    const links = itemLinks(item, base);
    res.set("Vary", "Accept");
    const linkType = req.query.linkType;
    // The link type is checked before the store: a misspelt one is refused without a query.
    const selected = linkType === undefined ? undefined : selectLinkType(linkType, links);
    const known = await isItemKnown(deps.store, links.canonical);
    if (selected === undefined) {
      const wanted = req.accepts(OFFERED);
      if (wanted === false) {
        throw new ApiError(406, ApiErrorCode.NotAcceptable, `this resolver answers ${OFFERED.join(", ")}`);
      }
      if (wanted === "text/html") {
        if (known) res.set("Link", linkHeader(links));
        sendProductPage(req, res, item);
        return;
      }
      if (!known) throw itemNotFound(links);
      sendLinkset(res, links, wanted);
      return;
    }
    if (!known) throw itemNotFound(links);
    if (selected === "linkset") {
      sendLinkset(res, links, "application/linkset+json");
      return;
    }
    res
      .status(307)
      .set({ Location: selected.href, Link: linkHeader(links) })
      .end();
  };
}

const itemNotFound = (links: ItemLinks) =>
  new ApiError(404, ApiErrorCode.ItemNotFound, `no event names ${links.canonical}`);
