/**
 * JSON Schema (2020-12) of the `sealtrail-event-proof-v1` bundle. docs/schemas/sealtrail-event-proof-v1.schema.json
 * is written from this object by `npm run vectors`; a test keeps the two equal.
 *
 * A format of its own rather than a `kind` field in `sealtrail-proof-v1`: a reading bundle's required
 * `device` and `reading` mean nothing for an event, and a verifier that knows only readings must refuse an
 * event bundle by its format ("unsupported bundle format"), not half-check it.
 */
import { ANCHORS_SCHEMA, MERKLE_SECTION_SCHEMA, REGISTRY_SECTION_SCHEMA } from "./proofBundleSchema.ts";

export const EVENT_PROOF_BUNDLE_FORMAT = "sealtrail-event-proof-v1";

const hex32 = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } as const;
const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } as const;

export const eventProofBundleSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://sealtrail.dev/schemas/sealtrail-event-proof-v1.schema.json",
  title: "Sealtrail event proof bundle v1",
  description:
    "Everything an auditor needs to check one EPCIS event: the signed event message, the signer's key, the Merkle path to a batch root and where that root is anchored.",
  type: "object",
  additionalProperties: false,
  required: [
    "format",
    "message",
    "messageId",
    "signer",
    "publicKey",
    "signedBy",
    "organisation",
    "eventHashId",
    "event",
    "merkle",
    "anchors",
  ],
  properties: {
    format: { const: EVENT_PROOF_BUNDLE_FORMAT },
    message: {
      description: "The event message (COSE_Sign1) exactly as signed, hex.",
      type: "string",
      pattern: "^0x([0-9a-fA-F]{2})+$",
      maxLength: 2 + 2 * 65536,
    },
    messageId: { ...hex32, description: "keccak256 of the message bytes." },
    signer: {
      ...address,
      description:
        "Address of the signing key (the kid): the organisation's key or the operator's attester key.",
    },
    publicKey: {
      type: "string",
      pattern: "^0x0[23][0-9a-fA-F]{64}$",
      description: "33-byte compressed secp256k1 key of the signer.",
    },
    signedBy: {
      enum: ["organisation", "attester"],
      description: "Informative: what the message's content type says (application/ld+json: organisation).",
    },
    organisation: {
      type: "string",
      description:
        "The organisation the event is captured for. For an attested event the signed payload names it and must agree; for an organisation-signed one it is the registry's owner of the key (not in the signed bytes).",
    },
    eventHashId: {
      type: "string",
      description: "Informative: the CBV 2.0 event hash ID of the signed event (ni:///sha-256;…?ver=CBV2.0).",
    },
    event: {
      description:
        "Informative: the signed EPCIS event; a bundle whose event differs from the signed one is invalid.",
      type: "object",
    },
    merkle: MERKLE_SECTION_SCHEMA,
    anchors: ANCHORS_SCHEMA,
    registry: REGISTRY_SECTION_SCHEMA,
  },
} as const;
