/**
 * JSON Schema (2020-12) of the `sealtrail-proof-v1` bundle. docs/schemas/sealtrail-proof-v1.schema.json is
 * written from this object by `npm run vectors`; a test keeps the two equal.
 */
export const PROOF_BUNDLE_FORMAT = "sealtrail-proof-v1";

const hex32 = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } as const;
const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } as const;

/** The `merkle` section of every Sealtrail proof bundle (readings and events share batches). */
export const MERKLE_SECTION_SCHEMA = {
  description: "Null while the message waits for its batch to be sealed.",
  oneOf: [
    { type: "null" },
    {
      type: "object",
      additionalProperties: false,
      required: ["root", "proof", "leafEncoding"],
      properties: {
        root: hex32,
        proof: { type: "array", items: hex32, maxItems: 64 },
        leafEncoding: { const: "oz-standard-v1:bytes32" },
      },
    },
  ],
} as const;

/** The `anchors` section of every Sealtrail proof bundle. */
export const ANCHORS_SCHEMA = {
  type: "array",
  items: {
    type: "object",
    additionalProperties: false,
    required: ["chainId", "contract", "txHash", "blockNumber", "blockTimestamp", "status"],
    properties: {
      chainId: { type: "integer", minimum: 1 },
      contract: address,
      txHash: { oneOf: [{ type: "null" }, hex32] },
      blockNumber: { oneOf: [{ type: "null" }, { type: "integer", minimum: 0 }] },
      blockTimestamp: { oneOf: [{ type: "null" }, { type: "integer", minimum: 0 }] },
      status: { enum: ["pending", "sealed", "submitted", "included", "final"] },
      genesisHash: {
        ...hex32,
        description:
          "Optional: hash of block 0 of the chain the anchor was made on, so a verifier can tell a reset chain or another network from a missing transaction.",
      },
    },
  },
} as const;

/**
 * The optional `registry` section of every Sealtrail proof bundle: where the signing key is registered, so a
 * verifier can ask the chain whether it was active when the message was anchored. Absent from bundles written
 * before it existed, and while the key's registration has not reached the chain.
 */
export const REGISTRY_SECTION_SCHEMA = {
  description:
    "Optional: the SealtrailDeviceRegistry holding the signing key. A verifier reads deviceRecord(key) there and checks that the key was registered with keccak256('sealtrail-key-v1:<kind>:' || publicKey) and not revoked at or before the message's anchoring.",
  type: "object",
  additionalProperties: false,
  required: ["chainId", "contract", "key", "kind"],
  properties: {
    chainId: { type: "integer", minimum: 1 },
    contract: address,
    key: { ...address, description: "The signing key's address (the message's kid)." },
    kind: { enum: ["device", "organisation", "attester"] },
  },
} as const;

export const proofBundleSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://sealtrail.dev/schemas/sealtrail-proof-v1.schema.json",
  title: "Sealtrail proof bundle v1",
  description:
    "Everything an auditor needs to check one message: the signed bytes, the device key, the Merkle path to a batch root and where that root is anchored.",
  type: "object",
  additionalProperties: false,
  required: ["format", "message", "messageId", "device", "publicKey", "reading", "merkle", "anchors"],
  properties: {
    format: { const: PROOF_BUNDLE_FORMAT },
    message: {
      description: "The COSE_Sign1 message exactly as the device sent it, hex.",
      type: "string",
      pattern: "^0x([0-9a-fA-F]{2})+$",
      maxLength: 2 + 2 * 65536,
    },
    messageId: { ...hex32, description: "keccak256 of the message bytes." },
    device: { ...address, description: "Device address (kid); lowercase or EIP-55." },
    publicKey: {
      type: "string",
      pattern: "^0x0[23][0-9a-fA-F]{64}$",
      description: "33-byte compressed secp256k1 key.",
    },
    reading: {
      description:
        "Decoded payload, informative: verifiers decode `message` themselves, and a bundle whose reading differs from the signed payload is invalid.",
      type: "object",
    },
    merkle: MERKLE_SECTION_SCHEMA,
    anchors: ANCHORS_SCHEMA,
    registry: REGISTRY_SECTION_SCHEMA,
  },
} as const;
