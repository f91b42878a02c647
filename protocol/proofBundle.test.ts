import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  bytesToHex,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  keccak256,
  MessageMerkleTree,
  nobleVerifier,
  type ProofBundle,
  parseProofBundle,
  proofBundleSchema,
  readingToJson,
  signReading,
  toChecksumAddress,
  verifyProofBundleOffline,
  verifyProofBundleOfflineDetailed,
} from "#protocol";

const device = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key bundle device")));

function makeBundle(): ProofBundle {
  // seq 1 carries the zero prev; the other two an arbitrary non-zero one (the chain is not checked here).
  const prevOf = (seq: number) => (seq === 1 ? GENESIS_PREV : GENESIS_PREV.map(() => seq));
  const readings = [1, 2, 3].map((seq) =>
    signReading(device, { v: 1, seq, ts: 1000 * seq, prev: prevOf(seq), m: { temp_c: seq } }),
  );
  const tree = MessageMerkleTree.build(readings.map((r) => r.messageId));
  const r = readings[1]!;
  return {
    format: "sealtrail-proof-v1",
    message: bytesToHex(r.message),
    messageId: r.messageId,
    device: device.address,
    publicKey: bytesToHex(device.publicKey),
    reading: readingToJson({ v: 1, seq: 2, ts: 2000, prev: GENESIS_PREV.map(() => 2), m: { temp_c: 2 } }),
    merkle: { root: tree.root, proof: tree.getProof(r.messageId), leafEncoding: "oz-standard-v1:bytes32" },
    anchors: [
      {
        chainId: 31337,
        contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        txHash: null,
        blockNumber: null,
        blockTimestamp: null,
        status: "sealed",
      },
    ],
  };
}

/** JSON with object keys sorted: the same values give the same text whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

describe("proof bundle sealtrail-proof-v1", () => {
  it("keeps docs/schemas/sealtrail-proof-v1.schema.json equal to the schema in code", () => {
    const onDisk = JSON.parse(
      readFileSync(new URL("../docs/schemas/sealtrail-proof-v1.schema.json", import.meta.url), "utf8"),
    );
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(proofBundleSchema)));
  });

  it("accepts a well-formed bundle and all its offline checks pass", () => {
    const bundle = parseProofBundle(JSON.parse(JSON.stringify(makeBundle())));
    const checks = verifyProofBundleOffline(bundle, nobleVerifier);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["message", true],
      ["messageId", true],
      ["device", true],
      ["publicKey", true],
      ["reading", true],
      ["signature", true],
      ["merkle proof", true],
    ]);
  });

  it("refuses unknown formats and bundles that do not match the schema", () => {
    expect(() => parseProofBundle({ ...makeBundle(), format: "sealtrail-proof-v2" })).toThrow(
      /unsupported bundle format/,
    );
    expect(() => parseProofBundle({ ...makeBundle(), messageId: "0x12" })).toThrow(/schema/);
    expect(() => parseProofBundle({ ...makeBundle(), extra: 1 })).toThrow(/schema/);
    const badStatus = makeBundle();
    (badStatus.anchors[0] as { status: string }).status = "anchored";
    expect(() => parseProofBundle(badStatus)).toThrow(/schema/);
  });

  it.each([
    ["message", "messageId"],
    ["publicKey", "publicKey"],
    ["proof", "merkle proof"],
  ] as const)("fails the checks when one byte of the %s changes", (field, failing) => {
    const bundle = makeBundle();
    const flip = (hex: Hex): Hex => `${hex.slice(0, -2)}${hex.endsWith("00") ? "01" : "00"}` as Hex;
    if (field === "message") bundle.message = flip(bundle.message);
    if (field === "publicKey") bundle.publicKey = flip(bundle.publicKey);
    if (field === "proof") bundle.merkle!.proof[0] = flip(bundle.merkle!.proof[0]!);
    const failed = verifyProofBundleOffline(bundle, nobleVerifier)
      .filter((c) => !c.ok)
      .map((c) => c.name);
    expect(failed).toContain(failing);
  });

  it("accepts an anchor with the optional genesisHash and still parses one saved without it", () => {
    const withGenesis = makeBundle();
    withGenesis.anchors[0]!.genesisHash = `0x${"ab".repeat(32)}`;
    expect(parseProofBundle(JSON.parse(JSON.stringify(withGenesis))).anchors[0]!.genesisHash).toBe(
      withGenesis.anchors[0]!.genesisHash,
    );
    expect(() =>
      parseProofBundle({ ...withGenesis, anchors: [{ ...withGenesis.anchors[0]!, genesisHash: "0x12" }] }),
    ).toThrow(/schema/);
    expect(parseProofBundle(JSON.parse(JSON.stringify(makeBundle()))).anchors[0]).not.toHaveProperty(
      "genesisHash",
    );
  });

  it("returns the reading as the message bytes say it, whatever the bundle's reading field says", () => {
    const bundle = makeBundle();
    bundle.reading = { ...bundle.reading, m: { temp_c: 99 } };
    const { signed } = verifyProofBundleOfflineDetailed(bundle, nobleVerifier);
    expect(signed?.reading).toMatchObject({ seq: 2, ts: 2000, m: { temp_c: 2 } });
  });

  describe("an informative field that disagrees with the message bytes makes the bundle invalid", () => {
    const other = deviceIdentityFromPrivateKey(
      keccak256(new TextEncoder().encode("EXAMPLE key other device")),
    );
    it.each([
      [
        "messageId",
        (b: ProofBundle): void => {
          b.messageId = `0x${"12".repeat(32)}`;
        },
        /bundle field messageId is 0x1212/,
      ],
      [
        "device",
        (b: ProofBundle): void => {
          b.device = other.address;
        },
        /bundle field device is 0x[0-9a-f]{40}, the message is signed by kid/,
      ],
      [
        "publicKey",
        (b: ProofBundle): void => {
          b.publicKey = bytesToHex(other.publicKey);
        },
        /bundle field publicKey belongs to 0x[0-9a-f]{40}, the message is signed by kid/,
      ],
      [
        "reading",
        (b: ProofBundle): void => {
          b.reading = { ...b.reading, m: { temp_c: 2.5 } };
        },
        /bundle field reading differs from the signed payload: m\.temp_c is 2\.5, signed 2/,
      ],
    ] as const)("an edited %s fails the check named after the field", (field, edit, reason) => {
      const bundle = makeBundle();
      edit(bundle);
      const failed = verifyProofBundleOffline(parseProofBundle(bundle), nobleVerifier).filter((c) => !c.ok);
      expect(failed[0]).toMatchObject({ name: field, detail: expect.stringMatching(reason) });
      expect(failed[0]!.detail).toContain(field);
    });

    it("accepts the device in EIP-55 and prev in upper-case hex (the same values)", () => {
      const bundle = makeBundle();
      bundle.device = toChecksumAddress(bundle.device);
      bundle.reading = {
        ...bundle.reading,
        prev: `0x${(bundle.reading.prev as string).slice(2).toUpperCase()}`,
      };
      expect(verifyProofBundleOffline(bundle, nobleVerifier).filter((c) => !c.ok)).toEqual([]);
    });

    it("fails the reading check for any edit of reading that changes a value (property)", () => {
      const keys = ["v", "seq", "ts", "prev", "m", "extra"] as const;
      const value = fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.string({ maxLength: 8 }),
        fc.boolean(),
        fc.constant(null),
      );
      const edit = fc.oneof(
        fc.record({ kind: fc.constant("set" as const), key: fc.constantFrom(...keys), value }),
        fc.record({ kind: fc.constant("delete" as const), key: fc.constantFrom(...keys) }),
        fc.record({
          kind: fc.constant("measurement" as const),
          name: fc.constantFrom("temp_c", "rh_pct", "x_y"),
          value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
        }),
      );
      const base = makeBundle();
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
          const reading = JSON.parse(JSON.stringify(base.reading)) as Record<string, unknown>;
          for (const e of edits) {
            if (e.kind === "set") reading[e.key] = e.value;
            else if (e.kind === "delete") delete reading[e.key];
            else {
              const m = (typeof reading.m === "object" && reading.m !== null ? reading.m : {}) as Record<
                string,
                unknown
              >;
              if (e.value === undefined) delete m[e.name];
              else m[e.name] = e.value;
              reading.m = m;
            }
          }
          // Through JSON, as a bundle travels; an edit that leaves the same values is no edit.
          const edited = JSON.parse(JSON.stringify({ ...base, reading })) as ProofBundle;
          const unchanged = canonical(edited.reading) === canonical(base.reading);
          const failed = verifyProofBundleOffline(edited, nobleVerifier).filter((c) => !c.ok);
          if (unchanged) return failed.length === 0;
          return (
            failed.length === 1 && failed[0]!.name === "reading" && failed[0]!.detail.includes("reading")
          );
        }),
        { numRuns: 300 },
      );
    });
  });

  it("reports a pending bundle (no batch yet) as failing only the Merkle check", () => {
    const bundle = { ...makeBundle(), merkle: null };
    const failed = verifyProofBundleOffline(parseProofBundle(bundle), nobleVerifier).filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual(["merkle proof"]);
    expect(failed[0]!.detail).toMatch(/pending/);
  });
});
