import type { ErrorObject, ValidateFunction } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import { type Hex, hexToBytes } from "./bytes.ts";
import { verifyDecodedCoseSign1 } from "./coseSign1.ts";
import { ProtocolError, ProtocolErrorCode, SealtrailError } from "./errors.ts";
import type { DecodedEventMessage, EventSignerKind } from "./eventMessage.ts";
import { decodeEventMessage } from "./eventMessageDecode.ts";
import { EVENT_PROOF_BUNDLE_FORMAT, eventProofBundleSchema } from "./eventProofBundleSchema.ts";
import { addressFromPublicKey, normalizeAddress } from "./identity.ts";
import type { RegistryReference } from "./keyRegistry.ts";
import { verifyMerkleProof } from "./merkle.ts";
import type { AnchorRecord, BundleCheck, MerkleSection } from "./proofBundle.ts";
import { messageIdOf } from "./readingMessage.ts";
import type { SignatureVerifier } from "./signature.ts";

/** A `sealtrail-event-proof-v1` bundle. */
export type EventProofBundle = {
  format: typeof EVENT_PROOF_BUNDLE_FORMAT;
  message: Hex;
  messageId: Hex;
  signer: Hex;
  publicKey: Hex;
  signedBy: EventSignerKind;
  organisation: string;
  eventHashId: string;
  event: Record<string, unknown>;
  merkle: MerkleSection | null;
  anchors: AnchorRecord[];
  /** Where the signing key is registered; absent in older bundles and while the registration is pending. */
  registry?: RegistryReference;
};

// ajv ships CommonJS; under ESM the class is on `default`.
type AjvClass = typeof Ajv2020Module.default;
const Ajv2020: AjvClass =
  (Ajv2020Module as unknown as { default?: AjvClass }).default ?? (Ajv2020Module as unknown as AjvClass);
let compiled: ValidateFunction | undefined;

/**
 * Checks that a parsed JSON value is a `sealtrail-event-proof-v1` bundle (shape only, no cryptography).
 * @example parseEventProofBundle(JSON.parse(text)).signedBy // "attester"
 */
export function parseEventProofBundle(value: unknown): EventProofBundle {
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== EVENT_PROOF_BUNDLE_FORMAT) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidBundle,
      `unsupported bundle format ${JSON.stringify(format)}`,
    );
  }
  compiled ??= new Ajv2020({ allErrors: false, strict: true }).compile(eventProofBundleSchema);
  if (!compiled(value)) {
    const first = (compiled.errors ?? [])[0] as ErrorObject | undefined;
    throw new ProtocolError(
      ProtocolErrorCode.InvalidBundle,
      `bundle does not match the schema: ${first?.instancePath || "/"} ${first?.message ?? ""}`.trim(),
    );
  }
  return value as EventProofBundle;
}

/** What an offline verification of an event bundle found, with the event as the signed bytes say it. */
export type OfflineEventBundleVerification = { checks: BundleCheck[]; signed: DecodedEventMessage | null };

/**
 * Verifies everything in an event bundle that needs no chain: the message decodes as an event message;
 * each informative field says what the bytes say (`messageId` = keccak256(message), `signer` = kid,
 * `publicKey` is the kid's key, `signedBy` = the content type's signer, `organisation` = the attested
 * payload's `org` for an attested event, `event` = the signed event, compared as JSON values); the ES256K
 * signature; the Merkle path. `eventHashId` needs the CBV hash (gs1/): the CLI checks it, not protocol/.
 * Check names: message, messageId, signer, publicKey, signedBy, organisation, event, signature, merkle proof.
 * @example verifyEventProofBundleOffline(bundle, nobleVerifier).checks.every((c) => c.ok)
 */
export function verifyEventProofBundleOffline(
  bundle: EventProofBundle,
  verifier: SignatureVerifier,
): OfflineEventBundleVerification {
  const checks: BundleCheck[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const message = hexToBytes(bundle.message);
  let signed: DecodedEventMessage | null = null;
  try {
    signed = decodeEventMessage(message);
    check("message", true, `COSE_Sign1 ES256K, ${signed.contentType}, ${message.length} bytes`);
  } catch (error) {
    check("message", false, `the message does not decode: ${reasonOf(error)}`);
  }
  const messageId = signed?.messageId ?? messageIdOf(message);
  const givenId = bundle.messageId.toLowerCase();
  check(
    "messageId",
    givenId === messageId,
    givenId === messageId
      ? `${messageId} = keccak256(message)`
      : `bundle field messageId is ${bundle.messageId}, keccak256(message) is ${messageId}`,
  );
  if (signed !== null) {
    const signer = safe(() => normalizeAddress(bundle.signer));
    check(
      "signer",
      signer === signed.signer,
      signer === signed.signer
        ? `${signed.signer} = the message's kid`
        : `bundle field signer is ${bundle.signer}, the message is signed by kid ${signed.signer}`,
    );
    const keyAddress = safe(() => addressFromPublicKey(hexToBytes(bundle.publicKey, 33)));
    const keyOk = keyAddress === signed.signer;
    check(
      "publicKey",
      keyOk,
      keyOk
        ? `the key of ${signed.signer}`
        : `bundle field publicKey belongs to ${keyAddress ?? "no key"}, the message is signed by kid ${signed.signer}`,
    );
    check(
      "signedBy",
      bundle.signedBy === signed.signedBy,
      bundle.signedBy === signed.signedBy
        ? `${signed.signedBy} (${signed.contentType})`
        : `bundle field signedBy is ${bundle.signedBy}, the content type says ${signed.signedBy}`,
    );
    if (signed.organisation === null)
      check(
        "organisation",
        true,
        `${bundle.organisation} (the key's owner in the registry; not in the signed bytes)`,
      );
    else
      check(
        "organisation",
        bundle.organisation === signed.organisation,
        bundle.organisation === signed.organisation
          ? `${signed.organisation} = the attested payload's org`
          : `bundle field organisation is ${bundle.organisation}, the attester signed for ${signed.organisation}`,
      );
    const sameEvent = canonicalJson(bundle.event) === canonicalJson(signed.event);
    check(
      "event",
      sameEvent,
      sameEvent ? "the signed event" : "bundle field event differs from the signed event",
    );
    if (!keyOk) check("signature", false, "not checked: publicKey is not the key of the message's kid");
    else {
      try {
        verifyDecodedCoseSign1(signed, signed.kid, hexToBytes(bundle.publicKey, 33), verifier);
        check("signature", true, `ES256K by ${signed.signer}`);
      } catch (error) {
        check("signature", false, reasonOf(error));
      }
    }
  }
  if (bundle.merkle === null) check("merkle proof", false, "not yet in a sealed batch (status pending)");
  else if (!verifyMerkleProof(bundle.merkle.root, messageId, bundle.merkle.proof))
    check("merkle proof", false, "proof does not lead to the root");
  else check("merkle proof", true, `leaf of ${bundle.merkle.root} (${bundle.merkle.proof.length} levels)`);
  return { checks, signed };
}

/**
 * JSON text with object keys sorted, so two parses of the same JSON values compare equal whatever the
 * key order. Numbers print as JSON.stringify prints doubles.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

function safe<T>(run: () => T): T | null {
  try {
    return run();
  } catch {
    return null;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof SealtrailError) return `${error.code}: ${error.shortMessage}`;
  return error instanceof Error ? error.message : String(error);
}
