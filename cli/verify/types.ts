import type { AnchorStatus, Hex, RegistryKeyRecord, RegistryReference } from "#protocol";

/** Version of the machine-readable report (`--json`). */
export const VERIFY_REPORT_FORMAT = "sealtrail-verify-report-v1";

/** One line of the report. */
export type Check = { name: string; ok: boolean; detail: string };

/** The lowest anchoring tier the caller accepts as proof. */
export type MinStatus = Extract<AnchorStatus, "included" | "final">;

/**
 * What became of one anchor of the bundle:
 * - `verified`: every on-chain check passed;
 * - `failed`: the chain contradicts the bundle;
 * - `unchecked`: could not be checked (no RPC for its chain, RPC down or erroring, offline checks failed);
 * - `not-anchored`: status pending/sealed/submitted, nothing on chain to check yet.
 */
export type AnchorResult = "verified" | "failed" | "unchecked" | "not-anchored";

export type AnchorVerification = {
  index: number;
  chainId: number;
  contract: Hex;
  status: AnchorStatus;
  txHash: Hex | null;
  blockNumber: number | null;
  blockTimestamp: number | null;
  result: AnchorResult;
  /** latest block - anchor block + 1, when the chain was read. */
  confirmations: number | null;
  checks: Check[];
};

/**
 * The signing key's state in the registry at the message's anchor time:
 * - `verified`: registered (as the bundle's kind, with its key) and not revoked by then;
 * - `failed`: never registered, registered as something else, or revoked at or before the anchoring;
 * - `unchecked`: could not be read (no RPC for the registry's chain, RPC error, nothing anchored yet);
 * - `absent`: the bundle names no registry (older bundles): the key state was not checked.
 */
export type KeyVerification = {
  result: "verified" | "failed" | "unchecked" | "absent";
  registry: RegistryReference | null;
  /** The key's registry entry as read from the chain. */
  record: RegistryKeyRecord | null;
  detail: string;
};

/** The answer: only `valid` exits 0. */
export type VerdictStatus = "valid" | "invalid" | "not-anchored" | "unverified";
export type Verdict = { status: VerdictStatus; summary: string };

/** The reading as the message bytes say it (never the bundle's informative copy). */
export type SignedReadingView = {
  device: Hex;
  messageId: Hex;
  payload: { v: number; seq: number; ts: number; prev: Hex; m: Record<string, number> };
  /** `payload.ts` as an ISO 8601 time. */
  time: string;
};

/** An event as its message bytes say it (never the bundle's informative copy). */
export type SignedEventView = {
  signer: Hex;
  signedBy: "organisation" | "attester";
  /** The attested organisation; null when the organisation signed (its key says who). */
  organisation: string | null;
  messageId: Hex;
  type: string;
  eventTime: string | null;
  /** The CBV 2.0 event hash ID computed from the signed event. */
  eventHashId: string | null;
};

export type VerifyReport = {
  format: typeof VERIFY_REPORT_FORMAT;
  /** Where the bundle came from (file path or "-"). */
  source: string;
  valid: boolean;
  verdict: Verdict;
  minStatus: MinStatus;
  /** Known once the bundle parses. */
  messageId: Hex | null;
  device: Hex | null;
  /** Decoded from the message bytes; null when the bundle does not parse or the message does not decode. */
  signed: SignedReadingView | null;
  /** For a `sealtrail-event-proof-v1` bundle: the event decoded from the message bytes. */
  signedEvent?: SignedEventView;
  /** Bundle-level checks: JSON, format, then the offline checks of protocol/. */
  checks: Check[];
  anchors: AnchorVerification[];
  /** The signing key's registry state; absent when the bundle did not parse. */
  signingKey?: KeyVerification;
};
