/**
 * Builds the golden vectors of protocol v1 deterministically (fixed EXAMPLE keys, fixed clocks, RFC 6979
 * signatures), so `npm run vectors` always writes the same file and a test can check the committed copy.
 * The keys below are EXAMPLE KEYS, public on purpose: never use them for a real device.
 */
import {
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  encodeCbor,
  encodeProtectedHeader,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  MessageMerkleTree,
  type ReadingPayload,
  readingToJson,
  signCoseSign1,
  signDigest,
  signingDigest,
  signReading,
  toChecksumAddress,
  toHighS,
} from "#protocol";
import { buildEdgeVectors, type ExtraValidVector } from "./buildEdgeVectors.ts";
import { buildTokenVectors, type TokenVectors } from "./buildTokenVectors.ts";

export const VECTORS_FORMAT = "sealtrail-vectors-v1";

/** EXAMPLE private keys: keccak256 of a public label. Never use for a real device. */
export function exampleKey(label: string): Uint8Array {
  return keccak256(new TextEncoder().encode(`sealtrail EXAMPLE key, never use: ${label}`));
}

export type Vectors = {
  format: typeof VECTORS_FORMAT;
  devices: { privateKey: Hex; publicKey: Hex; address: string }[];
  messages: { device: number; payload: Record<string, unknown>; message: Hex; messageId: Hex }[];
  trees: { messageIds: Hex[]; root: Hex; proofs: Hex[][] }[];
  invalid: { device: number; reason: string; description: string; message: Hex }[];
  /** Messages that MUST verify although Sealtrail's encoder would write them otherwise (float widths, …). */
  valid: ExtraValidVector[];
};

const BASE_TS = 1_763_700_000_000; // 2025-11-21T04:40:00Z

function measurements(device: number, seq: number): Record<string, number> {
  const m: Record<string, number> = {
    temp_c: Math.round((3.5 + 0.1 * seq + device) * 100) / 100,
    rh_pct: 55 + seq,
  };
  if (seq % 3 === 0) m.batt_v = 3.6 - seq * 0.01;
  if (device === 1 && seq % 2 === 0) {
    m.lat_deg = 52.37 + seq / 1000;
    m.lon_deg = 4.89 + seq / 1000;
  }
  return m;
}

function payloadOf(p: ReadingPayload): Record<string, unknown> {
  return readingToJson(p);
}

/** Signs a raw payload (any CBOR bytes) with the device key and its kid. */
function signRawPayload(id: DeviceIdentity, payload: Uint8Array, kidOf: DeviceIdentity = id): Uint8Array {
  return signCoseSign1(id.privateKey, addressToBytes(kidOf.address), payload);
}

/** Replaces the empty unprotected map (a0, right after the protected bstr) by {5: h''}. */
function withUnprotected(raw: Uint8Array): Uint8Array {
  const protectedLength = raw[3]!; // d2 84 58 <len>
  const at = 4 + protectedLength;
  return new Uint8Array([...raw.subarray(0, at), 0xa1, 0x05, 0x40, ...raw.subarray(at + 1)]);
}

function flipBit(sig: Uint8Array): Uint8Array {
  const out = sig.slice();
  out[5] = out[5]! ^ 0x01;
  return out;
}

export function buildVectors(): Vectors {
  const identities = [0, 1].map((i) => deviceIdentityFromPrivateKey(exampleKey(`device ${i}`)));
  const devices = identities.map((id) => ({
    privateKey: bytesToHex(id.privateKey),
    publicKey: bytesToHex(id.publicKey),
    address: toChecksumAddress(id.address),
  }));

  const messages: Vectors["messages"] = [];
  for (const [device, id] of identities.entries()) {
    let prev: Uint8Array = GENESIS_PREV;
    for (let seq = 1; seq <= 10; seq++) {
      const payload: ReadingPayload = {
        v: 1,
        seq,
        ts: BASE_TS + seq * 60_000 + device * 7,
        prev,
        m: measurements(device, seq),
      };
      const signed = signReading(id, payload);
      messages.push({
        device,
        payload: payloadOf(payload),
        message: bytesToHex(signed.message),
        messageId: signed.messageId,
      });
      prev = hexToBytes(signed.messageId, 32);
    }
  }

  const ids = messages.map((m) => m.messageId);
  const trees = [ids.slice(0, 1), ids.slice(0, 2), ids.slice(0, 3), ids.slice(3, 8), ids.slice(0, 20)].map(
    (leafIds) => {
      const tree = MessageMerkleTree.build(leafIds);
      return { messageIds: leafIds, root: tree.root, proofs: leafIds.map((id) => tree.getProof(id)) };
    },
  );

  const [d0, d1] = identities as [DeviceIdentity, DeviceIdentity];
  const good = hexToBytes(messages[0]!.message);
  const goodPayload = (seq: number, extra?: [string, unknown][]) =>
    encodeCbor(
      new Map<string, unknown>([
        ["v", 1],
        ["seq", seq],
        ["ts", BASE_TS],
        ["prev", GENESIS_PREV],
        ["m", new Map([["temp_c", 4.5]])],
        ...(extra ?? []),
      ]),
    );
  const withSignature = (raw: Uint8Array, mutate: (sig: Uint8Array) => Uint8Array): Uint8Array => {
    // The signature is the last 64 bytes, preceded by its 2-byte header 58 40.
    const sig = raw.slice(raw.length - 64);
    const out = raw.slice();
    out.set(mutate(sig), raw.length - 64);
    return out;
  };
  const protectedWith = (alg: number, kid: Uint8Array) =>
    encodeCbor(
      new Map<number, unknown>([
        [1, alg],
        [4, kid],
      ]),
    );
  const signedWithHeader = (id: DeviceIdentity, protectedBytes: Uint8Array, payload: Uint8Array) =>
    assembleCoseSign1(
      protectedBytes,
      payload,
      signDigest(signingDigest(protectedBytes, payload), id.privateKey),
    );

  const invalid: Vectors["invalid"] = [
    {
      device: 0,
      reason: "BAD_SIGNATURE",
      description: "valid message with one bit of the signature's r flipped",
      message: bytesToHex(withSignature(good, flipBit)),
    },
    {
      device: 0,
      reason: "BAD_SIGNATURE",
      description: "another payload (seq 2) under the signature of a seq 1 message",
      message: bytesToHex(
        assembleCoseSign1(
          encodeProtectedHeader(addressToBytes(d0.address)),
          goodPayload(2),
          good.slice(good.length - 64),
        ),
      ),
    },
    {
      device: 0,
      reason: "HIGH_S",
      description: "the high-S twin (s' = n - s) of a valid signature",
      message: bytesToHex(withSignature(good, toHighS)),
    },
    {
      device: 0,
      reason: "KID_MISMATCH",
      description: "signed by device 0 but kid names device 1",
      message: bytesToHex(signRawPayload(d0, goodPayload(1), d1)),
    },
    {
      device: 0,
      reason: "UNSUPPORTED_ALG",
      description: "protected header alg -7 (ES256) instead of -47",
      message: bytesToHex(
        signedWithHeader(d0, protectedWith(-7, addressToBytes(d0.address)), goodPayload(1)),
      ),
    },
    {
      device: 0,
      reason: "KID_MISMATCH",
      description: "kid of 19 bytes",
      message: bytesToHex(
        signedWithHeader(d0, protectedWith(-47, addressToBytes(d0.address).subarray(1)), goodPayload(1)),
      ),
    },
    {
      device: 0,
      reason: "MALFORMED_CBOR",
      description: "a valid message truncated by 10 bytes",
      message: bytesToHex(good.subarray(0, good.length - 10)),
    },
    {
      device: 0,
      reason: "MALFORMED_CBOR",
      description: "a valid message followed by one extra byte",
      message: bytesToHex(new Uint8Array([...good, 0x00])),
    },
    {
      device: 0,
      reason: "MALFORMED_CBOR",
      description: "tag 18 then a reserved initial byte (0x1c)",
      message: "0xd21c",
    },
    {
      device: 0,
      reason: "MALFORMED_COSE",
      description: "a valid COSE_Sign1 without the tag 18 prefix",
      message: bytesToHex(good.subarray(1)),
    },
    {
      device: 0,
      reason: "UNSUPPORTED_CBOR",
      description: "tag 18 then an indefinite-length array (9f)",
      message: "0xd29f",
    },
    {
      device: 0,
      reason: "MALFORMED_CBOR",
      description: "tag 18 then an array header declaring 20,000,000 items (9a01312d00)",
      message: "0xd29a01312d00",
    },
    {
      device: 0,
      reason: "MALFORMED_SIGNATURE",
      description: "signature of 63 bytes",
      message: bytesToHex(
        assembleCoseSign1(
          encodeProtectedHeader(addressToBytes(d0.address)),
          goodPayload(1),
          new Uint8Array(63).fill(1),
        ),
      ),
    },
    {
      device: 0,
      reason: "INVALID_PAYLOAD",
      description: "correctly signed payload with seq 0",
      message: bytesToHex(signRawPayload(d0, goodPayload(0))),
    },
    {
      device: 0,
      reason: "INVALID_PAYLOAD",
      description: "correctly signed payload with an unknown key",
      message: bytesToHex(signRawPayload(d0, goodPayload(1, [["extra", 1]]))),
    },
    {
      device: 0,
      reason: "UNSUPPORTED_VERSION",
      description: "correctly signed payload with v = 2",
      message: bytesToHex(
        signRawPayload(
          d0,
          encodeCbor(
            new Map<string, unknown>([
              ["v", 2],
              ["seq", 1],
              ["ts", BASE_TS],
              ["prev", GENESIS_PREV],
              ["m", new Map([["temp_c", 4.5]])],
            ]),
          ),
        ),
      ),
    },
    {
      device: 0,
      reason: "UNSUPPORTED_CBOR",
      description: "correctly signed payload whose map repeats the key seq",
      // a5 v:1 seq:1 ts prev seq:2 — hand-assembled: encoders refuse duplicate keys.
      message: bytesToHex(
        signRawPayload(
          d0,
          hexToBytes(
            `0xa5617601637365710162747301647072657658200000000000000000000000000000000000000000000000000000000000000000${"637365710"}2`,
          ),
        ),
      ),
    },
    {
      device: 0,
      reason: "UNSUPPORTED_CBOR",
      description:
        "a valid message whose protected-header bstr head is re-encoded long (58 1a -> 59 00 1a): heads must be shortest",
      message: bytesToHex(new Uint8Array([0xd2, 0x84, 0x59, 0x00, ...good.subarray(3)])),
    },
    {
      device: 0,
      reason: "MALFORMED_COSE",
      description: "a valid message with a parameter added to the unsigned unprotected header",
      message: bytesToHex(withUnprotected(good)),
    },
    {
      device: 0,
      reason: "INVALID_PAYLOAD",
      description: "correctly signed payload whose seq is the float 1.0 (f9 3c00) instead of the integer 1",
      message: bytesToHex(
        signRawPayload(
          d0,
          hexToBytes(`0x${bytesToHex(goodPayload(1)).slice(2).replace("6373657101", "63736571f93c00")}`),
        ),
      ),
    },
    {
      device: 0,
      reason: "MALFORMED_COSE",
      description: "correctly signed, but the protected header lists kid before alg ({4: kid, 1: -47})",
      message: bytesToHex(
        signedWithHeader(
          d0,
          encodeCbor(
            new Map<number, unknown>([
              [4, addressToBytes(d0.address)],
              [1, -47],
            ]),
          ),
          goodPayload(1),
        ),
      ),
    },
    {
      device: 1,
      reason: "BAD_SIGNATURE",
      description: "device 0's valid message presented as device 1's (kid rewritten, signature unchanged)",
      message: bytesToHex(
        assembleCoseSign1(
          encodeProtectedHeader(addressToBytes(d1.address)),
          goodPayload(1),
          signRawPayload(d0, goodPayload(1)).slice(-64),
        ),
      ),
    },
  ];

  const edges = buildEdgeVectors(d0, BASE_TS);
  return {
    format: VECTORS_FORMAT,
    devices,
    messages,
    trees,
    invalid: [...invalid, ...edges.invalid],
    valid: edges.valid,
  };
}

/** CONNECT token vectors (test/vectors/connect-tokens-v1.json), for docs/protocol.md and firmware authors. */
export function buildConnectTokenVectors(): TokenVectors {
  const devices = [0, 1].map((i) => deviceIdentityFromPrivateKey(exampleKey(`device ${i}`)));
  return buildTokenVectors(
    devices,
    deviceIdentityFromPrivateKey(exampleKey("no device")),
    Math.floor(BASE_TS / 1000),
  );
}
