// Checks the project's golden vectors (test/vectors/protocol-v1.json) with the INDEPENDENT verifier
// (verify.mjs), which was written from DESIGN.md "Protocol v1" alone. Disagreements in the *category* of
// a rejection are printed (informative), not failed: they are feedback on the spec text.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "@jest/globals";
import * as secp from "@noble/secp256k1";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress } from "ethers";
import {
  arr,
  bstr,
  cat,
  envelope,
  f16bits,
  f32,
  f64,
  int,
  map,
  mockAnchorTx,
  num,
  protectedHeader,
  readingPayload,
  sign,
  signedReading,
  startMockRpc,
  tstr,
  uint,
  ZERO32,
} from "./testkit.ts";
import {
  addressFromPrivateKey,
  addressFromPublicKey,
  bytesToHex,
  closeProviders,
  hexToBytes,
  keccakHex,
  type MessageResult,
  verifyBundle,
  verifyChain,
  verifyInclusion,
  verifyMessage,
  verifyTree,
} from "./verify.mjs";

interface VectorDevice {
  privateKey: string;
  publicKey: string;
  address: string;
}
interface VectorMessage {
  device: number;
  payload: { v: number; seq: number; ts: number; prev: string; m: Record<string, number> };
  message: string;
  messageId: string;
}
interface VectorTree {
  messageIds: string[];
  root: string;
  proofs: string[][];
}
interface VectorInvalid {
  device: number;
  reason: string;
  description: string;
  message: string;
}
interface VectorExtraValid {
  device: number;
  description: string;
  payload: VectorMessage["payload"];
  message: string;
  messageId: string;
}
interface Vectors {
  format: string;
  devices: VectorDevice[];
  messages: VectorMessage[];
  trees: VectorTree[];
  invalid: VectorInvalid[];
  valid: VectorExtraValid[];
}

const vectors = JSON.parse(
  readFileSync(new URL("../vectors/protocol-v1.json", import.meta.url), "utf8"),
) as Vectors;
const at = <T>(xs: T[], i: number): T => {
  const x = xs[i];
  if (x === undefined) throw new Error(`index ${i} out of range`);
  return x;
};
const dev = (i: number) => at(vectors.devices, i);
const msg = (i: number) => at(vectors.messages, i);
const reasonOf = (r: MessageResult) => (r.ok ? "ok" : `${r.category}/${r.reason}`);

/** How the vector file's reason codes map onto this verifier's coarse categories. */
const VECTOR_CATEGORY: Record<string, string> = {
  TOO_LARGE: "format",
  MALFORMED_CBOR: "format",
  UNSUPPORTED_CBOR: "format",
  MALFORMED_COSE: "format",
  UNSUPPORTED_ALG: "header",
  KID_MISMATCH: "header",
  BAD_SIGNATURE: "signature",
  HIGH_S: "signature",
  MALFORMED_SIGNATURE: "signature",
  INVALID_PAYLOAD: "payload",
  UNSUPPORTED_VERSION: "payload",
};
/** The loosest comparison: "signature" versus everything else ("format"). */
const twoWay = (c: string) => (c === "signature" ? "signature" : "format");

function table(title: string, header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ");
  console.log(
    [title, line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...rows.map(line)].join("\n"),
  );
}

afterAll(() => closeProviders());

describe("vector file", () => {
  test("has the expected shape", () => {
    expect(vectors.format).toBe("sealtrail-vectors-v1");
    expect(vectors.devices.length).toBeGreaterThan(0);
    expect(vectors.messages.length).toBeGreaterThan(0);
    expect(vectors.trees.length).toBeGreaterThan(0);
    expect(vectors.invalid.length).toBeGreaterThan(0);
  });
});

describe("devices", () => {
  test.each(vectors.devices.map((d, i) => [i, d] as const))(
    "device %i: address = keccak256(uncompressed pubkey)[12:], from privateKey and publicKey, EIP-55",
    (_i, d) => {
      expect(addressFromPrivateKey(d.privateKey)).toBe(d.address.toLowerCase());
      expect(addressFromPublicKey(d.publicKey)).toBe(d.address.toLowerCase());
      // the registry stores the 33-byte compressed key
      expect(hexToBytes(d.publicKey).length).toBe(33);
      expect(bytesToHex(secp.getPublicKey(hexToBytes(d.privateKey), true))).toBe(d.publicKey.toLowerCase());
      // display form is EIP-55
      expect(getAddress(d.address)).toBe(d.address);
    },
  );
});

describe("valid messages", () => {
  test.each(vectors.messages.map((m, i) => [i, m.device, m.payload.seq, m] as const))(
    "message %i (device %i, seq %i) verifies, id and payload match",
    (_i, _d, _s, m) => {
      const d = dev(m.device);
      const r = verifyMessage(m.message, d.publicKey);
      expect(reasonOf(r)).toBe("ok");
      if (!r.ok) return;
      expect(r.messageId).toBe(m.messageId.toLowerCase());
      expect(r.messageId).toBe(keccakHex(hexToBytes(m.message)));
      expect(r.device).toBe(d.address.toLowerCase());
      expect(r.payload).toEqual({ ...m.payload, prev: m.payload.prev.toLowerCase() });
      // the other ways of naming the expected device agree
      expect(verifyMessage(m.message, { address: d.address }).ok).toBe(true);
      expect(verifyMessage(m.message, d.address).ok).toBe(true);
      expect(verifyMessage(m.message, { publicKey: d.publicKey, address: d.address }).ok).toBe(true);
      expect(verifyMessage(m.message, null).ok).toBe(true);
    },
  );

  test("a valid message is refused for any other device", () => {
    for (const m of vectors.messages) {
      for (const [j, d] of vectors.devices.entries()) {
        if (j === m.device) continue;
        const r = verifyMessage(m.message, d.publicKey);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.category).toBe("header");
      }
    }
  });
});

describe("extra valid messages (float widths, negative values, names at the limits)", () => {
  test.each(vectors.valid.map((v, i) => [i, v.description, v] as const))(
    "extra valid %i (%s) verifies, id and payload match",
    (_i, _d, v) => {
      const r = verifyMessage(v.message, dev(v.device).publicKey);
      expect(reasonOf(r)).toBe("ok");
      if (!r.ok) return;
      expect(r.messageId).toBe(v.messageId);
      expect(r.payload).toEqual(v.payload);
    },
  );
});

describe("hash chains", () => {
  const all = vectors.messages.map((m) => m.message);
  const dev0 = vectors.messages.filter((m) => m.device === 0);

  test("every device's chain in the vectors is complete (seq 1.., prev = id of previous)", () => {
    const r = verifyChain(
      vectors.messages.map((m) => ({ message: m.message, key: dev(m.device).publicKey })),
    );
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    for (const [i, d] of vectors.devices.entries()) {
      const mine = vectors.messages.filter((m) => m.device === i);
      const info = r.devices[d.address.toLowerCase()];
      expect(info).toBeDefined();
      expect(info?.count).toBe(mine.length);
      expect(info?.firstSeq).toBe(1);
      expect(info?.complete).toBe(true);
    }
    // each prev also matches the previous vector's messageId directly
    for (const [i, d] of vectors.devices.entries()) {
      const mine = vectors.messages
        .filter((m) => m.device === i)
        .sort((a, b) => a.payload.seq - b.payload.seq);
      mine.forEach((m, k) => {
        expect(m.payload.prev.toLowerCase()).toBe(k === 0 ? bytesToHex(ZERO32) : at(mine, k - 1).messageId);
      });
      expect(d).toBeDefined();
    }
  });

  test("order of the input does not matter", () => {
    expect(verifyChain([...all].reverse()).ok).toBe(true);
  });

  test("a gap is detected", () => {
    const r = verifyChain(dev0.filter((m) => m.payload.seq !== 5).map((m) => m.message));
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.reason)).toContain("chain.gap");
  });

  test("a window not starting at seq 1 needs allowWindow", () => {
    const window = dev0.filter((m) => m.payload.seq >= 4).map((m) => m.message);
    expect(verifyChain(window).errors.map((e) => e.reason)).toEqual(["chain.no-genesis"]);
    expect(verifyChain(window, { allowWindow: true }).ok).toBe(true);
  });

  test("an identical duplicate is a warning, a different message with the same seq is equivocation", () => {
    const dup = verifyChain([...dev0.map((m) => m.message), at(dev0, 2).message]);
    expect(dup.ok).toBe(true);
    expect(dup.warnings.map((w) => w.reason)).toContain("chain.duplicate");

    const d = dev(0);
    const m3 = at(dev0, 2);
    const forged = signedReading(
      d.privateKey,
      hexToBytes(d.address),
      readingPayload({
        seq: 3,
        ts: m3.payload.ts + 1,
        prev: hexToBytes(m3.payload.prev),
        m: [["temp_c", num(9.9)]],
      }),
    );
    const r = verifyChain([...dev0.map((m) => m.message), forged]);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.reason)).toContain("chain.equivocation");
  });

  test("a next message whose prev is not the previous id breaks the chain", () => {
    const d = dev(0);
    const bad = signedReading(
      d.privateKey,
      hexToBytes(d.address),
      readingPayload({
        seq: 11,
        ts: 1763700660000,
        prev: hexToBytes(at(dev0, 8).messageId),
        m: [["temp_c", num(4)]],
      }),
    );
    const r = verifyChain([...dev0.map((m) => m.message), bad]);
    expect(r.errors.map((e) => e.reason)).toEqual(["chain.prev-mismatch"]);
  });

  test("invalid messages are reported, not chained", () => {
    const r = verifyChain([...dev0.map((m) => m.message), at(vectors.invalid, 0).message]);
    expect(r.ok).toBe(false);
    expect(r.errors[0]?.category).toBe("signature");
  });
});

describe("Merkle trees", () => {
  test.each(vectors.trees.map((t, i) => [i, t.messageIds.length, t] as const))(
    "tree %i (%i leaves): root rebuilds and every proof verifies",
    (_i, _n, t) => {
      const r = verifyTree(t.root, t.messageIds, t.proofs);
      expect(r.errors).toEqual([]);
      expect(r.rebuiltRoot).toBe(t.root.toLowerCase());
      expect(r.proofs.every((p) => p.library && p.manual)).toBe(true);
      // the plain library call, exactly as an auditor would write it
      t.messageIds.forEach((id, k) => {
        expect(StandardMerkleTree.verify(t.root, ["bytes32"], [id], at(t.proofs, k))).toBe(true);
      });
      // leaf order given to the builder does not matter (standard-v1 sorts leaves)
      expect(verifyTree(t.root, [...t.messageIds].reverse()).ok).toBe(true);
    },
  );

  test("every vector message is a leaf of some tree", () => {
    const leaves = new Set(vectors.trees.flatMap((t) => t.messageIds));
    for (const m of vectors.messages) expect(leaves.has(m.messageId)).toBe(true);
  });

  test("a non-member does not verify, with any member's proof", () => {
    for (const t of vectors.trees) {
      const outsider = vectors.messages.find((m) => !t.messageIds.includes(m.messageId));
      if (!outsider) continue;
      for (const p of t.proofs) expect(verifyInclusion(t.root, outsider.messageId, p).ok).toBe(false);
      expect(StandardMerkleTree.verify(t.root, ["bytes32"], [outsider.messageId], at(t.proofs, 0))).toBe(
        false,
      );
    }
  });

  test("a wrong root, a tampered proof, or a missing leaf is detected", () => {
    const t = at(vectors.trees, vectors.trees.length - 1);
    const wrongRoot = `0x${"00".repeat(32)}`;
    expect(verifyTree(wrongRoot, t.messageIds, t.proofs).ok).toBe(false);
    const p0 = at(t.proofs, 0);
    const tampered = [
      p0.map((x, k) => (k === 0 ? `${x.slice(0, -1)}${x.endsWith("0") ? "1" : "0"}` : x)),
      ...t.proofs.slice(1),
    ];
    expect(verifyTree(t.root, t.messageIds, tampered).errors.map((e) => e.reason)).toEqual([
      "merkle.proof-invalid",
    ]);
    expect(verifyTree(t.root, t.messageIds.slice(1)).errors.map((e) => e.reason)).toEqual([
      "merkle.root-mismatch",
    ]);
  });
});

describe("invalid vectors", () => {
  const results = vectors.invalid.map((v) => {
    const expectedDevice = dev(v.device);
    const r = verifyMessage(v.message, expectedDevice.publicKey);
    const kidOnly = verifyMessage(v.message, null);
    return { v, r, kidOnly };
  });

  test.each(results.map((x, i) => [i, x.v.reason, x.v.description, x] as const))(
    "invalid %i (%s: %s) is rejected",
    (_i, _reason, _desc, x) => {
      expect(x.r.ok).toBe(false);
    },
  );

  test("category comparison with the vectors' reason codes (informative)", () => {
    const rows = results.map(({ v, r, kidOnly }, i) => {
      const theirs = VECTOR_CATEGORY[v.reason] ?? "?";
      const mine = r.ok ? "ACCEPTED" : r.category;
      const agree = theirs === mine ? "yes" : twoWay(theirs) === twoWay(mine) ? "loosely" : "NO";
      return [
        String(i),
        v.reason,
        theirs,
        r.ok ? "ACCEPTED" : r.reason,
        mine,
        agree,
        reasonOf(kidOnly),
        v.description,
      ];
    });
    table(
      "Invalid vectors: vector reason vs independent verifier (expected device known; last-but-one column: kid trusted, no expected device)",
      [
        "#",
        "vector reason",
        "→ category",
        "my reason",
        "my category",
        "agree",
        "kid-only mode",
        "description",
      ],
      rows,
    );
    const disagreements = rows.filter((r) => r[5] !== "yes");
    console.log(
      disagreements.length === 0
        ? "No category disagreements with the vectors."
        : `${disagreements.length} category disagreement(s): ${disagreements.map((r) => `#${r[0]} ${r[1]}→${r[4]}`).join(", ")}`,
    );
    expect(rows.every((r) => r[4] !== "ACCEPTED")).toBe(true);
  });
});

describe("cases the vectors do not cover (this verifier's reading of the spec)", () => {
  const d = dev(0);
  const kid = hexToBytes(d.address);
  const base = { seq: 1, ts: 1763700060000, prev: ZERO32, m: [["temp_c", num(3.6)] as [string, Uint8Array]] };
  const basePayload = readingPayload(base);
  const ph = protectedHeader(kid);
  const good = signedReading(d.privateKey, kid, basePayload);
  const sigOf = (p: Uint8Array, h = ph) => sign(d.privateKey, h, p);
  const withPayload = (p: Uint8Array) => envelope(ph, p, sigOf(p));
  const withHeader = (h: Uint8Array) => envelope(h, basePayload, sigOf(basePayload, h));

  const bigM: [string, Uint8Array][] = [];
  for (let i = 0; i < 5000; i++) bigM.push([`sensor_${i}_c`, num(i + 0.5)]);

  const cases: [string, Uint8Array, string][] = [
    ["baseline re-signed by this test kit", good, "ok"],
    [
      "outer protected bstr length non-shortest (58 1a -> 59 00 1a); signature still valid",
      envelope(ph, basePayload, sigOf(basePayload), { protectedWidth: 2 }),
      "format",
    ],
    [
      "outer signature bstr length non-shortest",
      envelope(ph, basePayload, sigOf(basePayload), { signatureWidth: 2 }),
      "format",
    ],
    [
      "tag 18 written as d8 12 (non-shortest)",
      envelope(ph, basePayload, sigOf(basePayload), { tag: Uint8Array.of(0xd8, 0x12) }),
      "format",
    ],
    [
      "COSE array length non-shortest (98 04)",
      envelope(ph, basePayload, sigOf(basePayload), { arrayWidth: 1 }),
      "format",
    ],
    [
      "other tag (98 = COSE_Sign) instead of 18",
      envelope(ph, basePayload, sigOf(basePayload), { tag: Uint8Array.of(0xd8, 0x62) }),
      "format",
    ],
    [
      "unprotected header not empty ({4: kid})",
      envelope(ph, basePayload, sigOf(basePayload), { unprotected: map([[uint(4), bstr(kid)]]) }),
      "header",
    ],
    [
      "unprotected header encoded a0 vs b8 00",
      envelope(ph, basePayload, sigOf(basePayload), { unprotected: Uint8Array.of(0xb8, 0x00) }),
      "format",
    ],
    [
      "detached payload (nil)",
      cat(
        Uint8Array.of(0xd2),
        arr([bstr(ph), Uint8Array.of(0xa0), Uint8Array.of(0xf6), bstr(sigOf(basePayload))]),
      ),
      "format",
    ],
    [
      "protected header keys in order 4, 1 (docs/protocol.md: byte-exact, alg first)",
      withHeader(
        map([
          [uint(4), bstr(kid)],
          [uint(1), int(-47)],
        ]),
      ),
      "format",
    ],
    [
      "protected header with extra parameter 3 (content type)",
      withHeader(
        map([
          [uint(1), int(-47)],
          [uint(4), bstr(kid)],
          [uint(3), uint(60)],
        ]),
      ),
      "header",
    ],
    [
      'protected header alg as text "ES256K"',
      withHeader(
        map([
          [uint(1), tstr("ES256K")],
          [uint(4), bstr(kid)],
        ]),
      ),
      "header",
    ],
    [
      "protected header kid as text address",
      withHeader(
        map([
          [uint(1), int(-47)],
          [uint(4), tstr(d.address.toLowerCase())],
        ]),
      ),
      "header",
    ],
    ["protected header is an empty bstr", withHeader(new Uint8Array(0)), "format"],
    [
      "signature over Sig_structure with non-empty external_aad",
      envelope(ph, basePayload, sign(d.privateKey, ph, basePayload, Uint8Array.of(1))),
      "signature",
    ],
    [
      "signature r = 0",
      envelope(ph, basePayload, cat(new Uint8Array(32), sigOf(basePayload).slice(32))),
      "signature",
    ],
    [
      "payload keys in order m, prev, ts, seq, v",
      withPayload(
        map([
          [tstr("m"), map([[tstr("temp_c"), num(3.6)]])],
          [tstr("prev"), bstr(ZERO32)],
          [tstr("ts"), uint(base.ts)],
          [tstr("seq"), uint(1)],
          [tstr("v"), uint(1)],
        ]),
      ),
      "ok",
    ],
    [
      "seq = 1 with a non-zero prev",
      withPayload(readingPayload({ ...base, prev: new Uint8Array(32).fill(7) })),
      "payload",
    ],
    [
      "seq > 1 with an all-zero prev (single message: cannot be judged)",
      withPayload(readingPayload({ ...base, seq: 2 })),
      "ok",
    ],
    // docs/protocol.md §6 (not DESIGN.md, which this verifier was first written from): 1 … 32 entries.
    ["empty m", withPayload(readingPayload({ ...base, m: [] })), "payload"],
    [
      "m value float16 (1.5)",
      withPayload(readingPayload({ ...base, m: [["temp_c", f16bits(0x3e00)]] })),
      "ok",
    ],
    ["m value float32 (3.5)", withPayload(readingPayload({ ...base, m: [["temp_c", f32(3.5)]] })), "ok"],
    [
      "m value float64 with an integral value (4.0)",
      withPayload(readingPayload({ ...base, m: [["temp_c", f64(4)]] })),
      "ok",
    ],
    [
      "m value negative integer (-18)",
      withPayload(readingPayload({ ...base, m: [["temp_c", int(-18)]] })),
      "ok",
    ],
    [
      "m value NaN (f9 7e00)",
      withPayload(readingPayload({ ...base, m: [["temp_c", f16bits(0x7e00)]] })),
      "payload",
    ],
    [
      "m value +Infinity (f9 7c00)",
      withPayload(readingPayload({ ...base, m: [["temp_c", f16bits(0x7c00)]] })),
      "payload",
    ],
    [
      'm value as text "3.6"',
      withPayload(readingPayload({ ...base, m: [["temp_c", tstr("3.6")]] })),
      "payload",
    ],
    [
      "m value bignum tag 2",
      withPayload(
        readingPayload({ ...base, m: [["temp_c", cat(Uint8Array.of(0xc2), bstr(Uint8Array.of(1)))]] }),
      ),
      "format",
    ],
    ["m name empty string", withPayload(readingPayload({ ...base, m: [["", num(1)]] })), "payload"],
    [
      'm name without a unit suffix ("foo"; protocol.md §6 requires name_unit)',
      withPayload(readingPayload({ ...base, m: [["foo", num(1)]] })),
      "payload",
    ],
    [
      'm name unknown to the doc but following the rule ("foo_x")',
      withPayload(readingPayload({ ...base, m: [["foo_x", num(1)]] })),
      "ok",
    ],
    [
      "m name with invalid UTF-8",
      withPayload(
        map([
          [tstr("v"), uint(1)],
          [tstr("seq"), uint(1)],
          [tstr("ts"), uint(base.ts)],
          [tstr("prev"), bstr(ZERO32)],
          [tstr("m"), map([[Uint8Array.of(0x62, 0xc3, 0x28), num(1)]])],
        ]),
      ),
      "format",
    ],
    [
      "m with integer key 1",
      withPayload(
        map([
          [tstr("v"), uint(1)],
          [tstr("seq"), uint(1)],
          [tstr("ts"), uint(base.ts)],
          [tstr("prev"), bstr(ZERO32)],
          [tstr("m"), map([[uint(1), num(1)]])],
        ]),
      ),
      "payload",
    ],
    [
      "ts as float64",
      withPayload(
        map([
          [tstr("v"), uint(1)],
          [tstr("seq"), uint(1)],
          [tstr("ts"), f64(base.ts)],
          [tstr("prev"), bstr(ZERO32)],
          [tstr("m"), map([])],
        ]),
      ),
      "payload",
    ],
    [
      "ts wrapped in tag 1 (epoch date)",
      withPayload(
        map([
          [tstr("v"), uint(1)],
          [tstr("seq"), uint(1)],
          [tstr("ts"), cat(Uint8Array.of(0xc1), uint(base.ts))],
          [tstr("prev"), bstr(ZERO32)],
          [tstr("m"), map([])],
        ]),
      ),
      "format",
    ],
    ["ts = 0", withPayload(readingPayload({ ...base, ts: 0 })), "ok"],
    [
      "seq = 2^53 (beyond JS safe integers)",
      withPayload(readingPayload({ ...base, seq: 2n ** 53n, prev: new Uint8Array(32).fill(1) })),
      "payload",
    ],
    [
      "seq encoded non-shortest inside the signed payload (18 01)",
      withPayload(
        map([
          [tstr("v"), uint(1)],
          [tstr("seq"), uint(1, 1)],
          [tstr("ts"), uint(base.ts)],
          [tstr("prev"), bstr(ZERO32)],
          [tstr("m"), map([])],
        ]),
      ),
      "format",
    ],
    ["prev of 31 bytes", withPayload(readingPayload({ ...base, prev: new Uint8Array(31) })), "payload"],
    ["payload is an array", withPayload(arr([uint(1)])), "payload"],
    [
      "payload bstr with a trailing byte inside (signed)",
      withPayload(cat(basePayload, Uint8Array.of(0))),
      "format",
    ],
    ["payload bstr empty", withPayload(new Uint8Array(0)), "format"],
    ["message > 64 KiB (5000 measurements)", withPayload(readingPayload({ ...base, m: bigM })), "format"],
  ];

  const outcomes = cases.map(([name, bytes, expected]) => {
    const r = verifyMessage(bytes, d.publicKey);
    return { name, bytes, expected, r, got: r.ok ? "ok" : r.category };
  });

  test("table (informative)", () => {
    table(
      "Extra cases (built and signed by this test with device 0's key) — verdict of the independent verifier",
      ["#", "case", "verdict", "reason"],
      outcomes.map((o, i) => [String(i), o.name, o.got, o.r.ok ? "" : o.r.reason]),
    );
  });

  test.each(outcomes.map((o, i) => [i, o.name, o.expected, o] as const))(
    "extra %i: %s -> %s",
    (_i, _n, _e, o) => {
      expect(reasonOf(o.r).split("/")[0]).toBe(o.expected);
    },
  );

  test("outer-envelope re-encoding keeps the signature valid but changes the message id (malleability)", () => {
    const reencoded = envelope(ph, basePayload, sigOf(basePayload), { protectedWidth: 2, payloadWidth: 2 });
    const lax = verifyMessage(reencoded, d.publicKey, { strictHeads: false });
    const strict = verifyMessage(good, d.publicKey);
    expect(lax.ok && strict.ok).toBe(true);
    if (lax.ok && strict.ok) {
      expect(lax.payload).toEqual(strict.payload);
      expect(lax.messageId).not.toBe(strict.messageId);
    }
    expect(verifyMessage(reencoded, d.publicKey).ok).toBe(false);
  });
});

// ---- proof bundles -------------------------------------------------------------------------------

const m0 = msg(0);
const bigTree = vectors.trees
  .filter((t) => t.messageIds.includes(m0.messageId))
  .sort((a, b) => b.messageIds.length - a.messageIds.length)[0] as VectorTree;
const m0Proof = at(bigTree.proofs, bigTree.messageIds.indexOf(m0.messageId));

type Anchor = {
  chainId: number;
  contract: string;
  txHash: string | null;
  blockNumber: number | null;
  blockTimestamp: number | null;
  status: string;
};
type Bundle = {
  format: string;
  message: string;
  messageId: string;
  device: string;
  publicKey: string;
  reading: unknown;
  merkle: { root: string; proof: string[]; leafEncoding: string } | null;
  anchors: Anchor[];
  [k: string]: unknown;
};

function makeBundle(): Bundle {
  return {
    format: "sealtrail-proof-v1",
    message: m0.message,
    messageId: m0.messageId,
    device: dev(m0.device).address,
    publicKey: dev(m0.device).publicKey,
    reading: m0.payload,
    merkle: { root: bigTree.root, proof: [...m0Proof], leafEncoding: "oz-standard-v1:bytes32" },
    anchors: [],
  };
}

/** Flips the low bit of the byte at `i` of a 0x-hex string. */
function flipByte(hex: string, i: number): string {
  const b = hexToBytes(hex);
  const j = i < 0 ? b.length + i : i;
  b[j] = (b[j] ?? 0) ^ 1;
  return bytesToHex(b);
}

describe("proof bundles (offline)", () => {
  test("bundle built from vector data (message 0, 20-leaf tree, no anchors) is valid", async () => {
    expect(m0Proof.length).toBeGreaterThan(0);
    const r = await verifyBundle(makeBundle());
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.level).toBe("sealed");
    // A bundle without a registry section (as every bundle before it) verifies; the key is not checked.
    expect(r.warnings).toEqual([
      { check: "signing key", detail: expect.stringMatching(/key state not checked/) },
    ]);
  });

  test("one changed byte of the message is rejected (anywhere)", async () => {
    const len = hexToBytes(m0.message).length;
    for (const i of [0, 1, 5, 20, 40, 60, 100, 130, len - 1]) {
      const b = makeBundle();
      b.message = flipByte(b.message, i);
      expect((await verifyBundle(b)).ok).toBe(false);
      b.messageId = keccakHex(hexToBytes(b.message)); // even with a consistent id
      expect((await verifyBundle(b)).ok).toBe(false);
    }
  });

  test("one changed byte of the Merkle proof or root is rejected", async () => {
    for (let k = 0; k < m0Proof.length; k++) {
      for (const i of [0, 31]) {
        const b = makeBundle();
        if (!b.merkle) throw new Error("unreachable");
        b.merkle.proof[k] = flipByte(at(b.merkle.proof, k), i);
        expect((await verifyBundle(b)).ok).toBe(false);
      }
    }
    const b = makeBundle();
    if (b.merkle) b.merkle.root = flipByte(b.merkle.root, 7);
    expect((await verifyBundle(b)).ok).toBe(false);
    const c = makeBundle();
    if (c.merkle) c.merkle.proof.push(at(m0Proof, 0));
    expect((await verifyBundle(c)).ok).toBe(false);
    const e = makeBundle();
    if (e.merkle) e.merkle.proof = [];
    expect((await verifyBundle(e)).ok).toBe(false);
  });

  test("one changed byte of the publicKey is rejected", async () => {
    for (const i of [0, 1, 16, 32]) {
      const b = makeBundle();
      b.publicKey = flipByte(b.publicKey, i);
      const r = await verifyBundle(b);
      expect(r.ok).toBe(false);
    }
  });

  test("another device's key, a wrong device or a wrong id is rejected", async () => {
    const other = dev(1);
    const b1 = makeBundle();
    b1.publicKey = other.publicKey;
    expect((await verifyBundle(b1)).ok).toBe(false);
    const b2 = makeBundle();
    b2.device = other.address;
    expect((await verifyBundle(b2)).ok).toBe(false);
    const b3 = makeBundle();
    b3.device = other.address;
    b3.publicKey = other.publicKey;
    expect((await verifyBundle(b3)).ok).toBe(false);
    const b4 = makeBundle();
    b4.messageId = msg(1).messageId;
    expect((await verifyBundle(b4)).ok).toBe(false);
  });

  test("device: lowercase accepted, broken EIP-55 checksum rejected", async () => {
    const b = makeBundle();
    b.device = b.device.toLowerCase();
    expect((await verifyBundle(b)).ok).toBe(true);
    const c = makeBundle();
    const flipped = c.device.replace(/[a-f]/, (x) => x.toUpperCase());
    expect(flipped).not.toBe(c.device);
    c.device = flipped;
    expect((await verifyBundle(c)).ok).toBe(false);
  });

  test("schema violations are rejected", async () => {
    const mutations: ((b: Bundle) => void)[] = [
      (b) => {
        b.format = "sealtrail-proof-v2";
      },
      (b) => {
        b.extra = 1;
      },
      (b) => {
        if (b.merkle) b.merkle.leafEncoding = "oz-standard-v1:bytes";
      },
      (b) => {
        b.publicKey = `0x04${"11".repeat(64)}`;
      },
      (b) => {
        b.message = b.message.slice(2);
      },
      (b) => {
        b.anchors = [
          {
            chainId: 1,
            contract: `0x${"12".repeat(20)}`,
            txHash: null,
            blockNumber: null,
            blockTimestamp: null,
            status: "anchored",
          },
        ];
      },
      (b) => {
        (b as { reading?: unknown }).reading = undefined;
        delete (b as { reading?: unknown }).reading;
      },
    ];
    for (const mutate of mutations) {
      const b = makeBundle();
      mutate(b);
      const r = await verifyBundle(b);
      expect(r.ok).toBe(false);
      expect(r.errors[0]?.check).toBe("schema");
    }
  });

  test("merkle null: valid at level 'signed' while nothing claims more; inconsistent otherwise", async () => {
    const b = makeBundle();
    b.merkle = null;
    const r = await verifyBundle(b);
    expect(r.ok).toBe(true);
    expect(r.level).toBe("signed");
    const pending = {
      chainId: 10,
      contract: `0x${"12".repeat(20)}`,
      txHash: null,
      blockNumber: null,
      blockTimestamp: null,
    };
    b.anchors = [{ ...pending, status: "pending" }];
    expect((await verifyBundle(b)).ok).toBe(true);
    b.anchors = [{ ...pending, status: "sealed" }];
    expect((await verifyBundle(b)).ok).toBe(false);
    expect((await verifyBundle({ ...b, anchors: [] }, { requireAnchored: true })).ok).toBe(false);
  });

  test.each([
    [
      "messageId",
      (b: Bundle): void => {
        b.messageId = `0x${"12".repeat(32)}`;
      },
    ],
    [
      "device",
      (b: Bundle): void => {
        b.device = dev(m0.device === 0 ? 1 : 0).address;
      },
    ],
    [
      "publicKey",
      (b: Bundle): void => {
        b.publicKey = dev(m0.device === 0 ? 1 : 0).publicKey;
      },
    ],
    [
      "reading",
      (b: Bundle): void => {
        b.reading = { ...(b.reading as object), m: { temp_c: 99 } };
      },
    ],
  ] as const)(
    "an edited informative field (%s) that disagrees with the signed bytes makes the bundle invalid",
    async (field, edit) => {
      const b = makeBundle();
      edit(b);
      const r = await verifyBundle(b);
      expect(r.ok).toBe(false);
      expect(r.errors.map((e) => e.check).join(" ")).toContain(field);
    },
  );

  test("the old bundle fixture saved before genesisHash existed still verifies offline", async () => {
    const old = JSON.parse(
      readFileSync(
        new URL("../../cli/verify/fixtures/sealtrail-proof-v1-without-genesis.json", import.meta.url),
        "utf8",
      ),
    );
    const r = await verifyBundle(old);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
  });

  test("included anchors without an RPC: valid at level 'sealed' with a warning; requireAnchored fails", async () => {
    const b = makeBundle();
    b.anchors = [
      {
        chainId: 10,
        contract: `0x${"12".repeat(20)}`,
        txHash: `0x${"ab".repeat(32)}`,
        blockNumber: 5,
        blockTimestamp: 6,
        status: "final",
      },
    ];
    const r = await verifyBundle(b);
    expect(r.ok).toBe(true);
    expect(r.level).toBe("sealed");
    expect(r.anchors[0]?.checked).toBe(false);
    expect(r.warnings.map((w) => w.check)).toContain("anchors");
    expect((await verifyBundle(b, { requireAnchored: true })).ok).toBe(false);
    const c = makeBundle();
    c.anchors = [{ ...(b.anchors[0] as Anchor), txHash: null }];
    expect((await verifyBundle(c)).ok).toBe(false);
  });
});

describe("proof bundles against a (mock) JSON-RPC node", () => {
  const contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  const txHash = `0x${"ab".repeat(32)}`;
  const topic0 = `0x${"ee".repeat(32)}`;

  async function withChain(
    o: { topics?: string[]; logContract?: string; status?: number; chainId?: number },
    fn: (url: string) => Promise<void>,
  ) {
    const { receipt, block } = mockAnchorTx({
      txHash,
      contract: o.logContract ?? contract,
      blockNumber: 42,
      timestamp: 1763700700,
      topics: o.topics ?? [topic0, bigTree.root],
      status: o.status ?? 1,
    });
    const server = await startMockRpc({
      chainId: o.chainId ?? 31337,
      latest: 50,
      receipts: { [txHash]: receipt },
      blocks: { 42: block },
    });
    try {
      await fn(server.url);
    } finally {
      closeProviders();
      await server.close();
    }
  }
  const anchored = (a: Partial<Anchor> = {}): Bundle => ({
    ...makeBundle(),
    anchors: [
      {
        chainId: 31337,
        contract,
        txHash,
        blockNumber: 42,
        blockTimestamp: 1763700700,
        status: "included",
        ...a,
      },
    ],
  });

  test("an included anchor whose log carries the root is verified (level 'anchored')", async () => {
    await withChain({}, async (url) => {
      const r = await verifyBundle(anchored(), { rpcUrl: url, requireAnchored: true });
      expect(r.errors).toEqual([]);
      expect(r.level).toBe("anchored");
      expect(r.anchors[0]?.confirmations).toBe(9);
      expect(r.anchors[0]?.eventTopic0).toBe(topic0);
      expect(
        (await verifyBundle(anchored({ status: "final" }), { rpcUrl: url, minConfirmationsFinal: 9 })).ok,
      ).toBe(true);
      expect(
        (await verifyBundle(anchored({ status: "final" }), { rpcUrl: url, minConfirmationsFinal: 10 })).ok,
      ).toBe(false);
      expect((await verifyBundle(anchored(), { rpcUrl: url, eventTopic: topic0 })).ok).toBe(true);
      expect((await verifyBundle(anchored(), { rpcUrl: url, eventTopic: `0x${"ef".repeat(32)}` })).ok).toBe(
        false,
      );
      // per-chain RPC map
      expect((await verifyBundle(anchored(), { rpcUrl: { 31337: url } })).level).toBe("anchored");
      // submitted anchors are not checked on chain
      const s = await verifyBundle(anchored({ status: "submitted" }), { rpcUrl: url });
      expect(s.ok).toBe(true);
      expect(s.level).toBe("sealed");
    });
  });

  test("wrong block number, timestamp, chain id, contract or tx are rejected", async () => {
    await withChain({}, async (url) => {
      for (const a of [
        { blockNumber: 41 },
        { blockTimestamp: 1763700701 },
        { chainId: 10 },
        { contract: `0x${"12".repeat(20)}` },
        { txHash: `0x${"ac".repeat(32)}` },
      ]) {
        const r = await verifyBundle(anchored(a), url);
        expect(r.ok).toBe(false);
        expect(r.errors[0]?.check).toMatch(/^anchor\[0\]/);
      }
    });
  });

  test("a log without the root as topics[1] (e.g. root in data or topics[2]) is rejected", async () => {
    await withChain({ topics: [topic0, `0x${"00".repeat(32)}`, bigTree.root] }, async (url) => {
      expect((await verifyBundle(anchored(), url)).ok).toBe(false);
    });
    await withChain({ logContract: `0x${"34".repeat(20)}` }, async (url) => {
      expect((await verifyBundle(anchored(), url)).ok).toBe(false);
    });
  });

  test("a reverted transaction is rejected", async () => {
    await withChain({ status: 0 }, async (url) => {
      expect((await verifyBundle(anchored(), url)).ok).toBe(false);
    });
  });

  test("an unreachable RPC fails the anchor instead of hanging", async () => {
    const r = await verifyBundle(anchored(), "http://127.0.0.1:9");
    expect(r.ok).toBe(false);
    expect(r.anchors[0]?.detail.join(" ")).toMatch(/RPC error/);
  });
});

describe("CLI", () => {
  const cli = fileURLToPath(new URL("./cli.mjs", import.meta.url));
  const run = (input: string, args: string[] = []) =>
    spawnSync(process.execPath, [cli, "-", ...args], { input, encoding: "utf8", timeout: 30000 });

  test("exit 0 for a valid bundle, 1 for an invalid one, 2 for bad usage", () => {
    const ok = run(JSON.stringify(makeBundle()));
    expect(ok.stdout).toMatch(/VALID/);
    expect(ok.status).toBe(0);
    const bad = makeBundle();
    bad.message = flipByte(bad.message, -1);
    const ko = run(JSON.stringify(bad), ["--json"]);
    expect(ko.status).toBe(1);
    expect(JSON.parse(ko.stdout).ok).toBe(false);
    expect(run("{", []).status).toBe(1);
    expect(run("{}", ["--bogus"]).status).toBe(2);
  });
});
