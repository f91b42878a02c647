import type { AnchorRecord, Hex } from "#protocol";
import type { ChainGap, Enclosure } from "#provenance";

/** The format tag of an evidence package. A verifier refuses any other value. */
export const EVIDENCE_FORMAT = "sealtrail-evidence-v1";

/** What a package is the evidence of. */
export type EvidenceSubject =
  /** One serialised item (SGTIN), one lot (LGTIN) or one logistic unit (SSCC), by its canonical Digital Link. */
  | { kind: "item" | "lot" | "shipment"; id: string; gtin: string | null }
  /** One device's readings with from <= ts <= to (device clock, ms). */
  | { kind: "device"; id: Hex; from: number; to: number };

/** The cold-chain profile the verdict is computed under, and where the server took it from. */
export type EvidenceProfile = {
  name: string;
  minC: number;
  maxC: number;
  maxSingleExcursionMs: number;
  maxCumulativeExcursionMs: number;
  source: "gtin" | "default" | "configured";
};

/** One event of the journey, in journey order. Its signed bytes (when visible) are in a batch or `pending`. */
export type JourneyEvent = {
  messageId: Hex;
  /** CBV 2.0 event hash ID. */
  hashId: string;
  /** False for a private event: only its message id (a Merkle leaf) and hash ID are in the package. */
  visible: boolean;
};

/** One sensor over one stretch of the journey, as the server traced it. */
export type JourneySensor = {
  /** The GIAI the AssociationEvent named (bare key), null when it named none. */
  giai: string | null;
  /** The registered device with that GIAI, null when none is (its stretch is then a gap). */
  device: Hex | null;
  unit: string;
  via: string[];
  from: number;
  /** End of the stretch; an open stretch ends at the package's `generatedAt`. */
  to: number;
};

/** How the readings and events fit together: what a verifier needs to recompute completeness and the verdict. */
export type EvidenceJourney = {
  events: JourneyEvent[];
  /** The units that held the item, nested (innermost first in `via`), with when. */
  units: Enclosure[];
  sensors: JourneySensor[];
};

/** A device key and its registry state as the store knows it. */
export type EvidenceDeviceKey = {
  address: Hex;
  /** 33-byte compressed secp256k1 key, hex. */
  publicKey: Hex;
  registeredAt: number;
  revokedAt: number | null;
  rotatedFrom: Hex | null;
  rotatedTo: Hex | null;
  giai: string | null;
};

/** An organisation key (or the operator's attester key) and its registry state. */
export type EvidenceOrganisationKey = {
  address: Hex;
  /** The organisation the key belongs to; for the attester, the operator's name for itself. */
  organisation: string;
  role: "organisation" | "attester";
  publicKey: Hex;
  registeredAt: number | null;
  revokedAt: number | null;
};

/**
 * The messages of one sealed batch that the package holds, with ONE OpenZeppelin multiproof for all of
 * them. The multiproof's leaves are not listed: they are keccak256 of every message here (readings and
 * events, decoded from base64) plus the `hidden` ids, sorted by leaf hash ascending (the order
 * `StandardMerkleTree.getMultiProof` gives them in).
 */
export type EvidenceBatch = {
  root: Hex;
  /** COSE_Sign1 reading messages, base64 (RFC 4648, with padding). */
  readings: string[];
  /** COSE_Sign1 event messages, base64. */
  events: string[];
  /** Message ids of private events: leaves whose bytes the package does not reveal. */
  hidden: Hex[];
  /** Sibling hashes, in the order `processMultiProof` consumes them. */
  proof: Hex[];
  /** proofFlags as a string of "0" and "1" (one character per hash step). */
  flags: string;
  anchors: AnchorRecord[];
};

/** A `sealtrail-evidence-v1` package: everything needed to check a subject, nothing about anything else. */
export type EvidencePackage = {
  format: typeof EVIDENCE_FORMAT;
  subject: EvidenceSubject;
  /** When the server built it, ms. */
  generatedAt: number;
  leafEncoding: "oz-standard-v1:bytes32";
  /** Null for a device package: no product, no profile. */
  profile: EvidenceProfile | null;
  /** Readings of one sensor further apart than this leave the time between unwatched, ms. */
  maxSilenceMs: number;
  /** Null for a device package. */
  journey: EvidenceJourney | null;
  keys: { devices: EvidenceDeviceKey[]; organisations: EvidenceOrganisationKey[] };
  batches: EvidenceBatch[];
  /** Messages not yet sealed in a batch: signed, but provable by nothing else yet. */
  pending: { readings: string[]; events: string[]; hidden: Hex[] };
  /** What the server computed, informative only: a verifier recomputes it and says where they differ. */
  claimed: { complete: boolean | null; verdict: string | null; gaps: ChainGap[] };
};
