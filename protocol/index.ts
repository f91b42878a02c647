// Public API of protocol/: pure functions over bytes. No I/O, no environment, no logging.
// The native verifier is Node-only and lives behind its own import, "#protocol/native".
export { bytesEqual, bytesToHex, compareBytes, type Hex, hexToBytes, isHexOfLength } from "./bytes.ts";
export { type CborLimits, DEFAULT_CBOR_LIMITS, decodeCbor, encodeCbor, scanCbor } from "./cbor.ts";
export {
  compareSignedFields,
  type FieldDisagreement,
  INFORMATIVE_BUNDLE_FIELDS,
  type InformativeBundleField,
  type InformativeFields,
} from "./compareSignedFields.ts";
export {
  type ConnectTokenClaims,
  signConnectToken,
  TOKEN_AUDIENCE,
  TOKEN_MAX_SKEW_SECONDS,
  type VerifiedConnectToken,
  type VerifyConnectTokenOptions,
  verifyConnectToken,
} from "./connectToken.ts";
export { connectTokenFromPassword, connectTokenText } from "./connectTokenText.ts";
export { ALG_ES256K, COSE_SIGN1_TAG, encodeProtectedHeader, signingDigest, sigStructure } from "./cose.ts";
export {
  assembleCoseSign1,
  type DecodedCoseSign1,
  decodeCoseSign1,
  signCoseSign1,
  verifyDecodedCoseSign1,
} from "./coseSign1.ts";
export {
  InvariantError,
  invariant,
  isProtocolError,
  ProtocolError,
  ProtocolErrorCode,
  SealtrailError,
  type SealtrailErrorOptions,
  validateArgument,
} from "./errors.ts";
export {
  ATTESTED_EVENT_CONTENT_TYPE,
  type DecodedEventMessage,
  EPCIS_EVENT_TYPES,
  EVENT_CONTENT_TYPE,
  EVENT_MESSAGE_LIMITS,
  type EventSignerKind,
  encodeEventProtectedHeader,
  HEADER_CONTENT_TYPE,
  ORGANISATION_ID_RE,
  type SignedEvent,
} from "./eventMessage.ts";
export { decodeEventMessage } from "./eventMessageDecode.ts";
export {
  assertOrganisationId,
  decodeAttestedEventPayload,
  decodeEventPayload,
} from "./eventMessagePayload.ts";
export { type DigestSigner, type EventInput, signAttestedEvent, signEvent } from "./eventMessageSign.ts";
export { verifyEventMessage } from "./eventMessageVerify.ts";
export {
  canonicalJson,
  type EventProofBundle,
  type OfflineEventBundleVerification,
  parseEventProofBundle,
  verifyEventProofBundleOffline,
} from "./eventProofBundle.ts";
export { EVENT_PROOF_BUNDLE_FORMAT, eventProofBundleSchema } from "./eventProofBundleSchema.ts";
export { keccak256, prepareHashes, sha256 } from "./hashes.ts";
export {
  type Address,
  addressFromPublicKey,
  addressToBytes,
  compressPublicKey,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  generatePrivateKey,
  normalizeAddress,
  publicKeyFromPrivateKey,
  toChecksumAddress,
} from "./identity.ts";
export {
  judgeKeyState,
  KEY_METADATA_TAG,
  type KeyStateVerdict,
  keyMetadataHash,
  REGISTRY_KEY_KINDS,
  type RegistryKeyKind,
  type RegistryKeyRecord,
  type RegistryReference,
} from "./keyRegistry.ts";
export {
  assertMerkleProof,
  LEAF_ENCODING,
  MessageMerkleTree,
  merkleLeafHash,
  processMerkleProof,
  splitMessageIds,
  verifyMerkleProof,
} from "./merkle.ts";
export { createNobleTableVerifier, type NobleTableVerifierOptions } from "./nobleTableVerifier.ts";
export { nobleVerifier, signDigest } from "./nobleVerifier.ts";
export {
  ANCHOR_STATUSES,
  type AnchorRecord,
  type AnchorStatus,
  type BundleCheck,
  type MerkleSection,
  type OfflineBundleVerification,
  type ProofBundle,
  parseProofBundle,
  readingToJson,
  verifyProofBundleOffline,
  verifyProofBundleOfflineDetailed,
} from "./proofBundle.ts";
export { PROOF_BUNDLE_FORMAT, proofBundleSchema } from "./proofBundleSchema.ts";
export {
  decodeReadingPayload,
  encodeReadingPayload,
  GENESIS_PREV,
  KNOWN_MEASUREMENTS,
  MAX_MEASUREMENTS,
  MEASUREMENT_NAME_RE,
  READING_PAYLOAD_VERSION,
  type ReadingPayload,
  validateReadingPayload,
} from "./reading.ts";
export {
  type DecodedReading,
  decodeReading,
  messageIdOf,
  type SignedReading,
  signReading,
  verifyReading,
} from "./readingMessage.ts";
export { assertLowSCompactSignature, SECP256K1_N, type SignatureVerifier, toHighS } from "./signature.ts";
