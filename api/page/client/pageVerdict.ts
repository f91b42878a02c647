import { formatCount, formatTemp } from "./format.ts";
import type { ProductView, VerificationSummary } from "./productView.ts";

export type PageVerdict = {
  /** good: verified and compliant; bad: altered, refused by the chain, or out of range; unsure: anything else. */
  tone: "good" | "bad" | "unsure";
  /** One short sentence a warehouse worker acts on. */
  headline: string;
  /** What it rests on, in a sentence or two. */
  detail: string;
};

/**
 * The page's verdict, from what the browser verified (never the server's word): a record that failed
 * verification is "altered" whatever its temperatures say; a record no endpoint could check against the
 * chain is at best "not confirmed"; only then does the cold-chain verdict speak.
 * @example pageVerdict(view).headline // "Kept cold the whole way"
 */
export function pageVerdict(view: ProductView): PageVerdict {
  const v = view.verification;
  const failed = v.failures.length > 0 || v.anchors.some((a) => a.outcome === "failed");
  if (failed) {
    const what = v.failures[0]
      ? `${v.failures[0].what}: ${v.failures[0].reason}`
      : "the chain does not confirm the record's anchor";
    return {
      tone: "bad",
      headline: "Do not rely on this record: it failed verification",
      detail: `Part of the record was changed or does not match what was sealed (${what}). Ask the sender for the original record before using the product.`,
    };
  }
  if (v.readings.total + v.events.total === 0) {
    return {
      tone: "unsure",
      headline: "No record for this product",
      detail: "There are no signed readings or events for it yet.",
    };
  }
  const cold = view.coldChain;
  const unchecked = v.anchors.length === 0 || v.anchors.some((a) => a.outcome === "unchecked");
  const anchorNote = unchecked
    ? " The signatures are right, but the anchor could not be checked on the chain, so the record is not confirmed yet."
    : "";
  if (!cold || !view.profile) {
    return {
      tone: "unsure",
      headline: "No temperature verdict for this product",
      detail: `No cold-chain profile or temperature readings apply to it.${anchorNote}`,
    };
  }
  const range = `${formatTemp(view.profile.minC)} to ${formatTemp(view.profile.maxC)}`;
  if (cold.verdict === "excursion") {
    return {
      tone: "bad",
      headline: "Temperature went out of range: quarantine, do not use",
      detail: `${cold.summary} The allowed range is ${range}.${anchorNote}`,
    };
  }
  if (cold.verdict === "incomplete") {
    return {
      tone: "unsure",
      headline: "Cannot confirm the temperature: part of the journey has no readings",
      detail: `${cold.summary}${anchorNote}`,
    };
  }
  return unchecked
    ? {
        tone: "unsure",
        headline: "Kept cold, but not yet confirmed on the chain",
        detail: `${cold.summary}${anchorNote}`,
      }
    : { tone: "good", headline: "Kept cold the whole way", detail: cold.summary };
}

/**
 * The line that says what was checked: "2,880 of 2,880 readings and 9 of 9 events verified; anchored on
 * chain 31337, block 42, final". Anchors no endpoint could read say "could not check the anchor".
 * @example verificationLine(view.verification)
 */
export function verificationLine(v: VerificationSummary): string {
  const counts = `${formatCount(v.readings.verified)} of ${formatCount(v.readings.total)} readings and ${formatCount(v.events.verified)} of ${formatCount(v.events.total)} events verified`;
  if (v.anchors.length === 0) return `${counts}; not anchored yet`;
  const parts: string[] = [];
  const byChain = new Map<number, typeof v.anchors>();
  for (const a of v.anchors) byChain.set(a.chainId, [...(byChain.get(a.chainId) ?? []), a]);
  for (const [chainId, anchors] of byChain) {
    if (anchors.some((a) => a.outcome === "failed")) {
      parts.push(`the anchor on chain ${chainId} does not match`);
      continue;
    }
    if (anchors.some((a) => a.outcome === "unchecked")) {
      parts.push(`could not check the anchor on chain ${chainId}`);
      continue;
    }
    const blocks = [
      ...new Set(anchors.map((a) => a.blockNumber).filter((b): b is number => b !== null)),
    ].sort((a, b) => a - b);
    const where =
      blocks.length <= 1
        ? `block ${blocks[0] ?? "?"}`
        : `blocks ${formatCount(blocks[0]!)}–${formatCount(blocks[blocks.length - 1]!)}`;
    const final = anchors.every((a) => a.final) ? "final" : "not final yet";
    parts.push(`anchored on chain ${chainId}, ${where}, ${final}`);
  }
  const pending = v.unanchored > 0 ? ` (${formatCount(v.unanchored)} not anchored yet)` : "";
  return `${counts}; ${parts.join("; ")}${pending}`;
}
