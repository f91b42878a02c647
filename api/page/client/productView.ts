import type { ColdChainAssessment, TemperatureProfile } from "#provenance";

/**
 * What the page draws, built in the worker from what verified and nothing else. The server's own
 * statements (its verdict, its anchor status) never appear here.
 */
export type ProductView = {
  item: {
    title: string;
    gtin: string | null;
    serial: string | null;
    lot: string | null;
    sscc: string | null;
  };
  /** Journey steps from verified events, oldest first. */
  steps: JourneyStep[];
  /** Verified temperature readings of the sensors watching the item, oldest first. */
  temperatures: { ts: number; tempC: number }[];
  /** Verified GPS fixes, oldest first. */
  route: { ts: number; lat: number; lon: number }[];
  profile: TemperatureProfile | null;
  /** Computed in the browser from verified readings only; null when nothing could be assessed. */
  coldChain: ColdChainAssessment | null;
  verification: VerificationSummary;
};

export type JourneyStep = {
  time: number;
  /** The business step in words ("Shipped"). */
  step: string;
  /** GLN of the place (read point or business location), when the event names one. */
  place: string | null;
  /** The organisation whose key signed the event (or the operator, attesting). */
  organisation: string | null;
  eventType: string;
};

/** One endpoint's answer about one anchor, reported separately as OpenTimestamps does per calendar. */
export type EndpointAnswer = {
  endpoint: string;
  outcome: "confirmed" | "other-chain" | "mismatch" | "unreachable";
  /** Block the endpoint saw the root anchored in, when it did. */
  blockNumber: number | null;
  detail: string | null;
};

export type AnchorCheck = {
  chainId: number;
  contract: string;
  root: string;
  blockNumber: number | null;
  /** confirmed: every endpoint agrees it is anchored; failed: one says it is not, or they disagree. */
  outcome: "confirmed" | "failed" | "unchecked";
  /** Claimed final by the package and confirmed by blocks the endpoints showed after the anchor's. */
  final: boolean;
  /** Blocks after the anchor's, as the endpoints showed them (null when not read). */
  confirmations: number | null;
  endpoints: EndpointAnswer[];
};

export type VerificationFailure = { what: string; reason: string };

export type VerificationSummary = {
  readings: { verified: number; total: number };
  events: { verified: number; total: number };
  /** Messages whose signature and Merkle proof verified but that no anchor vouches for yet. */
  unanchored: number;
  failures: VerificationFailure[];
  anchors: AnchorCheck[];
};
