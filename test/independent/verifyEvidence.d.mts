// Type declarations for the independent evidence verifier (verifyEvidence.mjs), so TypeScript tests can import it.
export type IndependentEvidenceReport = {
  status: "valid" | "invalid" | "unverified" | "not-anchored";
  readings: { total: number; verified: number; pending: number };
  events: { total: number; verified: number; pending: number; hidden: number };
  batches: { total: number; proven: number; anchored: number };
  anchors: { root: string; chainId: number; result: string; detail: string }[];
  complete: boolean | null;
  sensors: {
    device: string | null;
    from: number;
    to: number;
    complete: boolean;
    gaps: { from: number; to: number; reason: string }[];
  }[];
  failures: { subject: string; check: string; detail: string }[];
};
export const EVIDENCE_FORMAT: string;
export function processMultiProof(
  leaves: Uint8Array[],
  proof: Uint8Array[],
  flags: string,
): Uint8Array | null;
export function verifyEvidence(
  pkg: unknown,
  options?: { rpcUrls?: string[]; fetch?: typeof fetch },
): Promise<IndependentEvidenceReport>;
