import type { EvidencePackage, EvidenceVerification } from "#evidence";
import { describeEvent } from "./describeEvent.ts";
import type { AnchorCheck, EndpointAnswer, JourneyStep, ProductView } from "./productView.ts";

type Report = EvidenceVerification["report"];

const ENDPOINT_OUTCOMES: Record<string, EndpointAnswer["outcome"]> = {
  verified: "confirmed",
  mismatch: "mismatch",
  "rpc-error": "unreachable",
  "other-chain": "other-chain",
};

/**
 * The page's view of a verified package: readings and events exactly as their verified signed bytes say
 * (the package's other fields only say which sensor watched when), the cold-chain verdict the verifier
 * recomputed from verified readings, and what was checked, anchor by anchor and endpoint by endpoint.
 * Nothing the server claims (`claimed`, anchor statuses it did not prove) becomes a result.
 * @example const view = buildProductView(pkg, await verifyEvidencePackage(pkg, options), item)
 */
export function buildProductView(
  pkg: Pick<EvidencePackage, "journey" | "profile">,
  verification: EvidenceVerification,
  item: ProductView["item"],
): ProductView {
  const { report } = verification;
  const stretches = report.journey?.sensors ?? pkg.journey?.sensors ?? [];
  const watched = (device: string, ts: number) =>
    stretches.some(
      (s) => s.device !== null && s.device.toLowerCase() === device && ts >= s.from && ts <= s.to,
    );
  const temperatures: ProductView["temperatures"] = [];
  const route: ProductView["route"] = [];
  for (const r of verification.readings) {
    const ts = r.reading.ts;
    if (!watched(r.device.toLowerCase(), ts)) continue;
    const { temp_c, lat_deg, lon_deg } = r.reading.m;
    if (typeof temp_c === "number") temperatures.push({ ts, tempC: temp_c });
    if (typeof lat_deg === "number" && typeof lon_deg === "number")
      route.push({ ts, lat: lat_deg, lon: lon_deg });
  }
  temperatures.sort((a, b) => a.ts - b.ts);
  route.sort((a, b) => a.ts - b.ts);

  const steps: JourneyStep[] = [];
  for (const e of verification.events) {
    const who = e.organisation ?? e.organisationOfKey;
    const organisation = e.signedBy === "attester" ? `${who} (attested by the operator)` : who;
    const step = describeEvent(e.event, organisation);
    if (step) steps.push(step);
  }
  steps.sort((a, b) => a.time - b.time);

  return {
    item,
    steps,
    temperatures,
    route,
    profile: pkg.profile
      ? {
          name: pkg.profile.name,
          minC: pkg.profile.minC,
          maxC: pkg.profile.maxC,
          maxSingleExcursionMs: pkg.profile.maxSingleExcursionMs,
          maxCumulativeExcursionMs: pkg.profile.maxCumulativeExcursionMs,
        }
      : null,
    coldChain: report.journey?.coldChain ?? null,
    verification: {
      readings: { verified: report.readings.verified, total: report.readings.total },
      events: { verified: report.events.verified, total: report.events.total },
      unanchored: report.readings.pending + report.events.pending,
      failures: report.failures.map((f) => ({ what: f.subject, reason: `${f.check}: ${f.detail}` })),
      anchors: anchorChecks(report),
    },
  };
}

function anchorChecks(report: Report): AnchorCheck[] {
  const out: AnchorCheck[] = [];
  for (const a of report.anchors) {
    if (a.result === "not-anchored") continue;
    out.push({
      chainId: a.anchor.chainId,
      contract: a.anchor.contract,
      root: a.root,
      blockNumber: a.result === "verified" ? a.anchor.blockNumber : null,
      outcome: a.result === "verified" ? "confirmed" : a.result === "failed" ? "failed" : "unchecked",
      // The package's "final" is the server's word: it counts only with confirmations the browser read itself.
      final: a.result === "verified" && a.anchor.status === "final" && (a.confirmations ?? 0) > 0,
      confirmations: a.confirmations,
      endpoints: a.endpoints.map((e) => ({
        endpoint: e.label,
        outcome: ENDPOINT_OUTCOMES[e.outcome] ?? "unreachable",
        blockNumber: a.result === "verified" ? a.anchor.blockNumber : null,
        detail: e.checks.find((c) => !c.ok)?.detail ?? null,
      })),
    });
  }
  return out;
}
