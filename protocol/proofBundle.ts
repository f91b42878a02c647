import type { ErrorObject, ValidateFunction } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import { bytesToHex, type Hex, hexToBytes } from "./bytes.ts";
import {
  compareSignedFields,
  INFORMATIVE_BUNDLE_FIELDS,
  type InformativeBundleField,
} from "./compareSignedFields.ts";
import { verifyDecodedCoseSign1 } from "./coseSign1.ts";
import { ProtocolError, ProtocolErrorCode, SealtrailError } from "./errors.ts";
import type { RegistryReference } from "./keyRegistry.ts";
import { type LEAF_ENCODING, verifyMerkleProof } from "./merkle.ts";
import { PROOF_BUNDLE_FORMAT, proofBundleSchema } from "./proofBundleSchema.ts";
import type { ReadingPayload } from "./reading.ts";
import { type DecodedReading, decodeReading, messageIdOf } from "./readingMessage.ts";
import type { SignatureVerifier } from "./signature.ts";

/** Anchoring tiers, in order. Nothing is called anchored before `included`. */
export const ANCHOR_STATUSES = ["pending", "sealed", "submitted", "included", "final"] as const;
export type AnchorStatus = (typeof ANCHOR_STATUSES)[number];

export type AnchorRecord = {
  chainId: number;
  contract: Hex;
  txHash: Hex | null;
  blockNumber: number | null;
  blockTimestamp: number | null;
  status: AnchorStatus;
  /**
   * Hash of block 0 of the chain the anchorer worked on, when it recorded one. Optional: bundles saved
   * before it existed still parse. Tells "the chain was reset" apart from "the transaction is unknown".
   */
  genesisHash?: Hex;
};

export type MerkleSection = { root: Hex; proof: Hex[]; leafEncoding: typeof LEAF_ENCODING };

/** A `sealtrail-proof-v1` proof bundle. */
export type ProofBundle = {
  format: typeof PROOF_BUNDLE_FORMAT;
  message: Hex;
  messageId: Hex;
  device: Hex;
  publicKey: Hex;
  reading: Record<string, unknown>;
  merkle: MerkleSection | null;
  anchors: AnchorRecord[];
  /** Where the device key is registered; absent in older bundles and while the registration is pending. */
  registry?: RegistryReference;
};

/** JSON view of a reading payload (prev as hex). */
export function readingToJson(reading: ReadingPayload): Record<string, unknown> {
  return {
    v: reading.v,
    seq: reading.seq,
    ts: reading.ts,
    prev: bytesToHex(reading.prev),
    m: { ...reading.m },
  };
}

// ajv ships CommonJS; under ESM the class is on `default`.
type AjvClass = typeof Ajv2020Module.default;
const Ajv2020: AjvClass =
  (Ajv2020Module as unknown as { default?: AjvClass }).default ?? (Ajv2020Module as unknown as AjvClass);
let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!compiled) compiled = new Ajv2020({ allErrors: false, strict: true }).compile(proofBundleSchema);
  return compiled;
}

/**
 * Checks that a parsed JSON value is a `sealtrail-proof-v1` bundle (shape only, no cryptography).
 * Unknown formats are refused with INVALID_BUNDLE.
 * @example parseProofBundle(JSON.parse(text)).messageId
 */
export function parseProofBundle(value: unknown): ProofBundle {
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== PROOF_BUNDLE_FORMAT) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidBundle,
      `unsupported bundle format ${JSON.stringify(format)}`,
    );
  }
  const validate = schemaValidator();
  if (!validate(value)) {
    const first = (validate.errors ?? [])[0] as ErrorObject | undefined;
    throw new ProtocolError(
      ProtocolErrorCode.InvalidBundle,
      `bundle does not match the schema: ${first?.instancePath || "/"} ${first?.message ?? ""}`.trim(),
    );
  }
  return value as ProofBundle;
}

/** One line of a verification report. */
export type BundleCheck = { name: string; ok: boolean; detail: string };

/** What an offline verification found: its checks, and the reading as the message bytes say it. */
export type OfflineBundleVerification = {
  checks: BundleCheck[];
  /** The decoded signed reading; null when the message does not decode. */
  signed: DecodedReading | null;
};

/**
 * Verifies everything in a bundle that needs no chain: the message decodes; every informative field
 * (`messageId`, `device`, `publicKey`, `reading`) says what the message bytes say; the ES256K signature by
 * that key; and the Merkle path from keccak256(message) to the root. The on-chain anchor check is the
 * caller's (it needs an RPC endpoint). Check names: message, messageId, device, publicKey, reading,
 * signature, merkle proof.
 * @example verifyProofBundleOffline(bundle, nobleVerifier).every((c) => c.ok)
 */
export function verifyProofBundleOffline(bundle: ProofBundle, verifier: SignatureVerifier): BundleCheck[] {
  return verifyProofBundleOfflineDetailed(bundle, verifier).checks;
}

/**
 * {@link verifyProofBundleOffline}, also returning the decoded signed reading so that a report can show
 * what was signed rather than the bundle's informative copy.
 * @example const { checks, signed } = verifyProofBundleOfflineDetailed(bundle, nobleVerifier); signed?.reading.seq
 */
export function verifyProofBundleOfflineDetailed(
  bundle: ProofBundle,
  verifier: SignatureVerifier,
): OfflineBundleVerification {
  const checks: BundleCheck[] = [];
  const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail });
  const fail = (name: string, detail: string) => checks.push({ name, ok: false, detail });
  const message = hexToBytes(bundle.message);
  let signed: DecodedReading | null = null;
  try {
    signed = decodeReading(message);
    pass("message", `COSE_Sign1 ES256K, payload v${signed.reading.v}, ${message.length} bytes`);
  } catch (error) {
    fail("message", `the message does not decode: ${reasonOf(error)}`);
  }
  // The leaf is the id of the bytes, never the bundle's own messageId field.
  const messageId = signed?.messageId ?? messageIdOf(message);
  if (signed === null) {
    if (bundle.messageId.toLowerCase() === messageId) pass("messageId", messageId);
    else
      fail("messageId", `bundle field messageId is ${bundle.messageId}, keccak256(message) is ${messageId}`);
  } else {
    const disagreements = compareSignedFields(bundle, signed);
    for (const field of INFORMATIVE_BUNDLE_FIELDS) {
      const found = disagreements.find((d) => d.field === field);
      if (found) fail(field, found.detail);
      else pass(field, agreement(field, signed));
    }
    if (disagreements.some((d) => d.field === "publicKey")) {
      fail("signature", "not checked: publicKey is not the key of the message's kid");
    } else {
      try {
        verifyDecodedCoseSign1(signed, signed.kid, hexToBytes(bundle.publicKey, 33), verifier);
        pass("signature", `ES256K by ${signed.device}, seq ${signed.reading.seq}`);
      } catch (error) {
        fail("signature", reasonOf(error));
      }
    }
  }
  if (bundle.merkle === null) fail("merkle proof", "not yet in a sealed batch (status pending)");
  else if (!verifyMerkleProof(bundle.merkle.root, messageId, bundle.merkle.proof))
    fail("merkle proof", "proof does not lead to the root");
  else pass("merkle proof", `leaf of ${bundle.merkle.root} (${bundle.merkle.proof.length} levels)`);
  return { checks, signed };
}

function agreement(field: InformativeBundleField, signed: DecodedReading): string {
  switch (field) {
    case "messageId":
      return `${signed.messageId} = keccak256(message)`;
    case "device":
      return `${signed.device} = the message's kid`;
    case "publicKey":
      return `the key of ${signed.device}`;
    case "reading":
      return "the signed payload";
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof SealtrailError) return `${error.code}: ${error.shortMessage}`;
  return error instanceof Error ? error.message : String(error);
}
