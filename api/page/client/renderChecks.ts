import { el } from "./dom.ts";
import { formatCount } from "./format.ts";
import type { AnchorCheck, EndpointAnswer, ProductView } from "./productView.ts";

const ANSWER: Record<EndpointAnswer["outcome"], string> = {
  confirmed: "confirms the anchor",
  "other-chain": "serves another chain (reset, or another network): could not check the anchor",
  mismatch: "disagrees",
  unreachable: "could not be reached: could not check the anchor",
};

/**
 * What was checked, in detail: failures with their reasons, then each anchor as each RPC endpoint answered
 * (every endpoint separately, so one that lies or is down is seen as such), and a form to add one's own
 * endpoint (a GET of this page with `rpc=`: the server adds it to the page's connect-src).
 * @example main.append(renderChecks(view, config.rpcEndpoints))
 */
export function renderChecks(
  view: ProductView,
  rpcEndpoints: readonly string[],
  refusedRpcEndpoints: readonly string[] = [],
): HTMLElement {
  const v = view.verification;
  const section = el("section", { class: "card checks", "aria-labelledby": "checks-title" });
  section.append(el("h2", { id: "checks-title" }, "What your browser checked"));
  section.append(
    el(
      "ul",
      {},
      el(
        "li",
        {},
        `Signatures and Merkle proofs: ${formatCount(v.readings.verified)} of ${formatCount(v.readings.total)} readings, ${formatCount(v.events.verified)} of ${formatCount(v.events.total)} events`,
      ),
      ...v.failures.slice(0, 20).map((f) => el("li", { class: "failure" }, `${f.what}: ${f.reason}`)),
      v.failures.length > 20
        ? el("li", { class: "failure" }, `…and ${v.failures.length - 20} more failures`)
        : null,
    ),
  );
  if (v.anchors.length > 0) {
    const details = el("details", {}, el("summary", {}, `Anchors (${v.anchors.length})`));
    const list = el("ul", { class: "anchors" });
    for (const a of v.anchors) list.append(anchorItem(a));
    details.append(list);
    section.append(details);
  }
  section.append(rpcForm(rpcEndpoints, refusedRpcEndpoints));
  return section;
}

function anchorItem(a: AnchorCheck): HTMLElement {
  return el(
    "li",
    {},
    el(
      "p",
      {},
      `Root ${a.root.slice(0, 10)}… on chain ${a.chainId}${a.blockNumber === null ? "" : `, block ${a.blockNumber}`}: `,
      a.outcome === "confirmed"
        ? a.final
          ? "confirmed, final"
          : "confirmed, not final yet"
        : a.outcome === "failed"
          ? "does not match"
          : "could not check the anchor",
    ),
    el(
      "ul",
      {},
      ...a.endpoints.map((e) =>
        el(
          "li",
          { class: `endpoint endpoint-${e.outcome}` },
          `${e.endpoint} ${ANSWER[e.outcome]}${e.detail ? ` (${e.detail})` : ""}`,
        ),
      ),
    ),
  );
}

function rpcForm(rpcEndpoints: readonly string[], refused: readonly string[]): HTMLElement {
  const form = el("form", { method: "get", class: "rpc-form" });
  // The operator's endpoints come back from the server on their own; only the user's own are kept here.
  const own = new URL(location.href).searchParams.getAll("rpc").filter((url) => !refused.includes(url));
  for (const url of own) form.append(el("input", { type: "hidden", name: "rpc", value: url }));
  form.append(
    el("label", { for: "rpc-input" }, "Check the anchors with your own chain RPC endpoint as well"),
    el("input", {
      id: "rpc-input",
      name: "rpc",
      type: "url",
      inputmode: "url",
      placeholder: "https://…",
      required: true,
    }),
    el("button", { type: "submit" }, "Add endpoint and check again"),
    el(
      "p",
      { class: "legend" },
      `Endpoints used now: ${rpcEndpoints.length === 0 ? "none" : rpcEndpoints.join(", ")}. Where two are used, both must agree.`,
    ),
  );
  if (refused.length > 0) {
    form.append(
      el(
        "p",
        { class: "failure", role: "status" },
        `Not used (an endpoint must be an http or https URL without a password, four at most): ${refused.join(", ")}`,
      ),
    );
  }
  return form;
}
