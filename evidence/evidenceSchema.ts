import { EVIDENCE_FORMAT } from "./evidencePackage.ts";

/*
 * JSON Schema (2020-12) of `sealtrail-evidence-v1`. docs/schemas/sealtrail-evidence-v1.schema.json is this
 * object as JSON (evidenceSchema.test.ts keeps the two equal); openapi.json references that file. The
 * verifier does not run it (ajv compiles schemas with `new Function`, which the product page's CSP
 * forbids): parseEvidencePackage checks the same shape by hand, and a test holds both to the samples.
 */

const hex32 = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } as const;
const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } as const;
const ms = { type: "integer", minimum: 0 } as const;
const nullable = <T extends object>(schema: T) => ({ oneOf: [{ type: "null" }, schema] });
const base64 = {
  type: "string",
  description: "RFC 4648 base64, standard alphabet, with padding.",
  pattern: "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
  maxLength: 87_384,
} as const;
const strings = { type: "array", items: { type: "string" } } as const;

const anchor = {
  type: "object",
  additionalProperties: false,
  required: ["chainId", "contract", "txHash", "blockNumber", "blockTimestamp", "status"],
  properties: {
    chainId: { type: "integer", minimum: 1 },
    contract: address,
    txHash: nullable(hex32),
    blockNumber: nullable(ms),
    blockTimestamp: nullable(ms),
    status: { enum: ["pending", "sealed", "submitted", "included", "final"] },
    genesisHash: { ...hex32, description: "Hash of block 0 of the chain the anchorer worked on." },
  },
} as const;

const chainGap = {
  type: "object",
  required: ["from", "to", "reason", "afterSeq", "beforeSeq"],
  properties: {
    from: { type: "number" },
    to: { type: "number" },
    reason: { enum: ["missing-seq", "broken-link", "before-first", "after-last", "silence"] },
    afterSeq: nullable({ type: "integer" }),
    beforeSeq: nullable({ type: "integer" }),
  },
} as const;

export const evidenceSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://sealtrail.dev/schemas/sealtrail-evidence-v1.schema.json",
  title: "Sealtrail evidence package v1",
  description:
    "Everything needed to check one item, lot, shipment or device window: signed readings and events, one Merkle multiproof per batch, anchors, keys with their registry state, the profile and the journey. docs/evidence.md is the normative text.",
  type: "object",
  additionalProperties: false,
  required: [
    "format",
    "subject",
    "generatedAt",
    "leafEncoding",
    "profile",
    "maxSilenceMs",
    "journey",
    "keys",
    "batches",
    "pending",
    "claimed",
  ],
  properties: {
    format: { const: EVIDENCE_FORMAT },
    subject: {
      oneOf: [
        {
          type: "object",
          additionalProperties: false,
          required: ["kind", "id", "gtin"],
          properties: {
            kind: { enum: ["item", "lot", "shipment"] },
            id: { type: "string", description: "Canonical GS1 Digital Link on id.gs1.org." },
            gtin: nullable({ type: "string", pattern: "^\\d{14}$" }),
          },
        },
        {
          type: "object",
          additionalProperties: false,
          required: ["kind", "id", "from", "to"],
          properties: { kind: { const: "device" }, id: address, from: ms, to: ms },
        },
      ],
    },
    generatedAt: ms,
    leafEncoding: { const: "oz-standard-v1:bytes32" },
    profile: nullable({
      type: "object",
      additionalProperties: false,
      required: ["name", "minC", "maxC", "maxSingleExcursionMs", "maxCumulativeExcursionMs", "source"],
      properties: {
        name: { type: "string" },
        minC: { type: "number" },
        maxC: { type: "number" },
        maxSingleExcursionMs: ms,
        maxCumulativeExcursionMs: ms,
        source: { enum: ["gtin", "default", "configured"] },
      },
    }),
    maxSilenceMs: ms,
    journey: nullable({
      type: "object",
      additionalProperties: false,
      required: ["events", "units", "sensors"],
      properties: {
        events: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["messageId", "hashId", "visible"],
            properties: { messageId: hex32, hashId: { type: "string" }, visible: { type: "boolean" } },
          },
        },
        units: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["unit", "from", "to", "via"],
            properties: {
              unit: { type: "string" },
              from: { type: "number" },
              to: nullable({ type: "number" }),
              via: strings,
            },
          },
        },
        sensors: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["giai", "device", "unit", "via", "from", "to"],
            properties: {
              giai: nullable({ type: "string" }),
              device: nullable(address),
              unit: { type: "string" },
              via: strings,
              from: { type: "number" },
              to: { type: "number" },
            },
          },
        },
      },
    }),
    keys: {
      type: "object",
      additionalProperties: false,
      required: ["devices", "organisations"],
      properties: {
        devices: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: [
              "address",
              "publicKey",
              "registeredAt",
              "revokedAt",
              "rotatedFrom",
              "rotatedTo",
              "giai",
            ],
            properties: {
              address,
              publicKey: { type: "string", pattern: "^0x0[23][0-9a-fA-F]{64}$" },
              registeredAt: ms,
              revokedAt: nullable(ms),
              rotatedFrom: nullable(address),
              rotatedTo: nullable(address),
              giai: nullable({ type: "string" }),
            },
          },
        },
        organisations: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["address", "organisation", "role", "publicKey", "registeredAt", "revokedAt"],
            properties: {
              address,
              organisation: { type: "string" },
              role: { enum: ["organisation", "attester"] },
              publicKey: { type: "string", pattern: "^0x0[23][0-9a-fA-F]{64}$" },
              registeredAt: nullable(ms),
              revokedAt: nullable(ms),
            },
          },
        },
      },
    },
    batches: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["root", "readings", "events", "hidden", "proof", "flags", "anchors"],
        properties: {
          root: hex32,
          readings: { type: "array", items: base64 },
          events: { type: "array", items: base64 },
          hidden: { type: "array", items: hex32 },
          proof: { type: "array", items: hex32 },
          flags: { type: "string", pattern: "^[01]*$" },
          anchors: { type: "array", items: anchor },
        },
      },
    },
    pending: {
      type: "object",
      additionalProperties: false,
      required: ["readings", "events", "hidden"],
      properties: {
        readings: { type: "array", items: base64 },
        events: { type: "array", items: base64 },
        hidden: { type: "array", items: hex32 },
      },
    },
    claimed: {
      type: "object",
      additionalProperties: false,
      required: ["complete", "verdict", "gaps"],
      properties: {
        complete: nullable({ type: "boolean" }),
        verdict: nullable({ type: "string" }),
        gaps: { type: "array", items: chainGap },
      },
    },
  },
} as const;
