import type { ErrorObject, ValidateFunction } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import { bytesToHex, type Hex, hexToBytes } from "./bytes.ts";
import { ProtocolError, ProtocolErrorCode } from "./errors.ts";
import { addressFromPublicKey, normalizeAddress } from "./identity.ts";
import { type LEAF_ENCODING, verifyMerkleProof } from "./merkle.ts";
import { PROOF_BUNDLE_FORMAT, proofBundleSchema } from "./proofBundleSchema.ts";
import type { ReadingPayload } from "./reading.ts";
import { decodeReading, verifyReading } from "./readingMessage.ts";
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

/**
 * Verifies everything in a bundle that needs no chain: shape, message id, device key, signature, and the
 * Merkle path. The on-chain anchor check is the caller's (it needs an RPC endpoint).
 * @example verifyProofBundleOffline(bundle, nobleVerifier).every((c) => c.ok)
 */
export function verifyProofBundleOffline(bundle: ProofBundle, verifier: SignatureVerifier): BundleCheck[] {
  const checks: BundleCheck[] = [];
  const check = (name: string, run: () => string): boolean => {
    try {
      checks.push({ name, ok: true, detail: run() });
      return true;
    } catch (error) {
      checks.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };
  const message = hexToBytes(bundle.message);
  check("message id", () => {
    const id = decodeReading(message).messageId;
    if (id !== bundle.messageId.toLowerCase())
      throw new Error(`keccak256(message) is ${id}, bundle says ${bundle.messageId}`);
    return id;
  });
  check("device key", () => {
    const derived = addressFromPublicKey(hexToBytes(bundle.publicKey, 33));
    if (derived !== normalizeAddress(bundle.device))
      throw new Error(`public key belongs to ${derived}, bundle says ${bundle.device}`);
    return derived;
  });
  check("signature", () => {
    const decoded = verifyReading(
      message,
      normalizeAddress(bundle.device),
      hexToBytes(bundle.publicKey, 33),
      verifier,
    );
    return `ES256K by ${decoded.device}, seq ${decoded.reading.seq}`;
  });
  check("merkle proof", () => {
    if (bundle.merkle === null) throw new Error("not yet in a sealed batch (status pending)");
    if (!verifyMerkleProof(bundle.merkle.root, bundle.messageId, bundle.merkle.proof))
      throw new Error("proof does not lead to the root");
    return `leaf of ${bundle.merkle.root} (${bundle.merkle.proof.length} levels)`;
  });
  return checks;
}
