/**
 * Reading vectors at the edges of the v1 rules (docs/protocol.md §4–§6): the size limit, float encodings,
 * negative values, measurement names and values, and the precedence cases of §8. Payloads are written
 * byte by byte here (Sealtrail's encoder would refuse most of them, or choose other widths), then signed
 * with the EXAMPLE key of the device they claim to come from.
 */
import {
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  type DeviceIdentity,
  type Hex,
  hexToBytes,
  messageIdOf,
  signCoseSign1,
  signDigest,
  signingDigest,
} from "#protocol";

type InvalidVector = { device: number; reason: string; description: string; message: Hex };
/** Messages that MUST verify although Sealtrail's own encoder would write them otherwise. */
export type ExtraValidVector = {
  device: number;
  description: string;
  payload: Record<string, unknown>;
  message: Hex;
  messageId: Hex;
};

// A few lines of CBOR writing (RFC 8949 §3), shortest heads unless told otherwise.
function head(major: number, n: number): string {
  const m = major << 5;
  const hex = (v: number, bytes: number) => v.toString(16).padStart(bytes * 2, "0");
  if (n < 24) return hex(m | n, 1);
  if (n < 0x100) return hex(m | 24, 1) + hex(n, 1);
  if (n < 0x10000) return hex(m | 25, 1) + hex(n, 2);
  if (n < 0x100000000) return hex(m | 26, 1) + hex(n, 4);
  return hex(m | 27, 1) + hex(Math.floor(n / 0x100000000), 4) + hex(n % 0x100000000, 4);
}
const uint = (n: number) => head(0, n);
const nint = (n: number) => head(1, -1 - n);
const text = (s: string) => {
  const bytes = new TextEncoder().encode(s);
  return head(3, bytes.length) + bytesToHex(bytes).slice(2);
};
const bstr = (b: Uint8Array) => head(2, b.length) + bytesToHex(b).slice(2);
const map = (pairs: [string, string][]) => head(5, pairs.length) + pairs.map(([k, v]) => k + v).join("");
const f64 = (x: number) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return `fb${bytesToHex(new Uint8Array(view.buffer)).slice(2)}`;
};
const f32 = (x: number) => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  return `fa${bytesToHex(new Uint8Array(view.buffer)).slice(2)}`;
};

const ZERO32 = new Uint8Array(32);

/** The five payload fields as CBOR hex, each replaceable; `m` given as its pairs. */
function payload(
  fields: { v?: string; seq?: string; ts?: string; prev?: string; m?: [string, string][] },
  ts: number,
) {
  const m = fields.m ?? [[text("temp_c"), f64(4.5)]];
  return hexToBytes(
    `0x${map([
      [text("v"), fields.v ?? uint(1)],
      [text("seq"), fields.seq ?? uint(1)],
      [text("ts"), fields.ts ?? uint(ts)],
      [text("prev"), fields.prev ?? bstr(ZERO32)],
      [text("m"), map(m)],
    ])}`,
  );
}

export function buildEdgeVectors(
  d0: DeviceIdentity,
  baseTs: number,
): { invalid: InvalidVector[]; valid: ExtraValidVector[] } {
  const kid = addressToBytes(d0.address);
  const signed = (p: Uint8Array) => signCoseSign1(d0.privateKey, kid, p);
  const bad = (reason: string, description: string, message: Uint8Array): InvalidVector => ({
    device: 0,
    reason,
    description,
    message: bytesToHex(message),
  });
  const withM = (m: [string, string][]) => signed(payload({ m }, baseTs));

  // 210 measurements make a correctly signed message of about 4.3 kB: over the limit before anything else.
  const many: [string, string][] = Array.from({ length: 210 }, (_, i) => [
    text(`probe${String(i).padStart(3, "0")}_c`),
    f64(i + 0.5),
  ]);
  const tooLarge = withM(many);
  const thirtyThree: [string, string][] = many.slice(0, 33);
  const longAlgHeader = hexToBytes(`0xa20139002e0454${bytesToHex(kid).slice(2)}`);
  const goodPayload = payload({}, baseTs);

  const invalid: InvalidVector[] = [
    bad(
      "TOO_LARGE",
      `a correctly signed message of ${tooLarge.length} bytes (210 measurements): over 4096`,
      tooLarge,
    ),
    bad(
      "INVALID_PAYLOAD",
      "v is the half float 1.0 (f9 3c00), not the integer 1",
      signed(payload({ v: "f93c00" }, baseTs)),
    ),
    bad(
      "INVALID_PAYLOAD",
      "seq is the single float 1.0 (fa 3f800000)",
      signed(payload({ seq: f32(1) }, baseTs)),
    ),
    bad(
      "INVALID_PAYLOAD",
      "ts is a double float (fb) of an integral millisecond value",
      signed(payload({ ts: f64(baseTs) }, baseTs)),
    ),
    bad("INVALID_PAYLOAD", "seq is the negative integer -1 (20)", signed(payload({ seq: nint(-1) }, baseTs))),
    bad(
      "INVALID_PAYLOAD",
      "prev is not 32 zero bytes although seq is 1",
      signed(payload({ prev: bstr(new Uint8Array(32).fill(1)) }, baseTs)),
    ),
    bad(
      "INVALID_PAYLOAD",
      "a payload without v (a missing key, not another version)",
      signed(
        hexToBytes(
          `0x${map([
            [text("seq"), uint(1)],
            [text("ts"), uint(baseTs)],
            [text("prev"), bstr(ZERO32)],
            [text("m"), map([[text("temp_c"), f64(4.5)]])],
          ])}`,
        ),
      ),
    ),
    bad(
      "UNSUPPORTED_CBOR",
      "protected header with -47 written 39 00 2e (non-shortest): the CBOR profile applies before the COSE shape",
      assembleCoseSign1(
        longAlgHeader,
        goodPayload,
        signDigest(signingDigest(longAlgHeader, goodPayload), d0.privateKey),
      ),
    ),
    bad(
      "INVALID_PAYLOAD",
      "measurement name with upper-case letters (Temp_C)",
      withM([[text("Temp_C"), f64(4.5)]]),
    ),
    bad(
      "INVALID_PAYLOAD",
      "measurement name without a unit suffix (temp)",
      withM([[text("temp"), f64(4.5)]]),
    ),
    bad(
      "INVALID_PAYLOAD",
      "measurement name starting with a digit (1temp_c)",
      withM([[text("1temp_c"), f64(4.5)]]),
    ),
    bad(
      "INVALID_PAYLOAD",
      "measurement name of 33 characters",
      withM([[text(`t${"x".repeat(30)}_c`), f64(4.5)]]),
    ),
    bad(
      "INVALID_PAYLOAD",
      "measurement name with a hyphen (temp-c_c)",
      withM([[text("temp-c_c"), f64(4.5)]]),
    ),
    bad("INVALID_PAYLOAD", "empty measurement map", withM([])),
    bad("INVALID_PAYLOAD", "33 measurements (at most 32)", withM(thirtyThree)),
    bad("INVALID_PAYLOAD", "measurement value NaN (f9 7e00)", withM([[text("temp_c"), "f97e00"]])),
    bad("INVALID_PAYLOAD", "measurement value +Infinity (f9 7c00)", withM([[text("temp_c"), "f97c00"]])),
    bad(
      "INVALID_PAYLOAD",
      "measurement value -Infinity (fa ff800000)",
      withM([[text("temp_c"), "faff800000"]]),
    ),
    bad(
      "INVALID_PAYLOAD",
      "measurement value NaN as a double (fb 7ff8000000000000)",
      withM([[text("temp_c"), "fb7ff8000000000000"]]),
    ),
    bad("INVALID_PAYLOAD", 'measurement value is the text "4.5"', withM([[text("temp_c"), text("4.5")]])),
    bad(
      "INVALID_PAYLOAD",
      "measurement value is a nested map {c: 4}",
      withM([[text("temp_c"), map([[text("c"), uint(4)]])]]),
    ),
    bad("INVALID_PAYLOAD", "measurement value is true (f5)", withM([[text("temp_c"), "f5"]])),
    bad("INVALID_PAYLOAD", "measurement value is null (f6)", withM([[text("temp_c"), "f6"]])),
  ];

  const ok = (description: string, m: [string, string][], json: Record<string, number>): ExtraValidVector => {
    const message = withM(m);
    return {
      device: 0,
      description,
      payload: { v: 1, seq: 1, ts: baseTs, prev: bytesToHex(ZERO32), m: json },
      message: bytesToHex(message),
      messageId: messageIdOf(message),
    };
  };
  const valid: ExtraValidVector[] = [
    ok(
      "measurement values as half (f9) and single (fa) floats: any width is accepted (§4)",
      [
        [text("temp_c"), "f94480"],
        [text("rh_pct"), f32(55.25)],
      ],
      { temp_c: 4.5, rh_pct: 55.25 },
    ),
    ok(
      "negative measurement values: an integer (nint 37 = -24) and floats of every width",
      [
        [text("temp_c"), nint(-24)],
        [text("lat_deg"), "f9c480"],
        [text("lon_deg"), f32(-73.5)],
        [text("shock_g"), f64(-0.1)],
      ],
      { temp_c: -24, lat_deg: -4.5, lon_deg: -73.5, shock_g: -0.1 },
    ),
    ok(
      "measurement name of exactly 32 characters, digits after the first letter, several suffixes",
      [
        [text(`t${"x".repeat(29)}_c`), uint(1)],
        [text("co2_ppm_raw"), uint(400)],
      ],
      { [`t${"x".repeat(29)}_c`]: 1, co2_ppm_raw: 400 },
    ),
  ];
  return { invalid, valid };
}
