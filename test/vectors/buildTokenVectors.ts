/**
 * CONNECT token vectors (docs/protocol.md §9): valid tokens and tokens that MUST be refused, each with
 * the key that signed it and its text form (base64url). The keys are the EXAMPLE keys of protocol-v1.json
 * plus one that belongs to no device: public on purpose, never use them in a real device.
 */
import {
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  connectTokenText,
  type DeviceIdentity,
  encodeCbor,
  encodeProtectedHeader,
  type Hex,
  hexToBytes,
  signConnectToken,
  signCoseSign1,
  signDigest,
  signingDigest,
  toChecksumAddress,
  toHighS,
} from "#protocol";

export const TOKEN_VECTORS_FORMAT = "sealtrail-connect-token-vectors-v1";

export type TokenVectors = {
  format: typeof TOKEN_VECTORS_FORMAT;
  /** keys[i] for i < 2 are devices[i] of protocol-v1.json; the last belongs to no registered device. */
  keys: { name: string; note: string; privateKey: Hex; publicKey: Hex; address: string }[];
  /** Valid for `clientId` (the address of keys[device]) when the server clock is within 300 s of `iat`. */
  tokens: { device: number; signer: number; clientId: string; iat: number; token: Hex; tokenText: string }[];
  /**
   * Refused when presented by `clientId` (keys[device] registered for it) at server time `nowSeconds`,
   * with `reason`; `token` is the password as bytes, `tokenText` its text form (refused the same way).
   */
  invalid: {
    device: number;
    signer: number | null;
    clientId: string;
    nowSeconds: number;
    reason: string;
    description: string;
    token: Hex;
    tokenText: string;
  }[];
  /** Passwords that look like text forms but are not the one encoding of a token: refused as bytes. */
  invalidText: {
    device: number;
    clientId: string;
    nowSeconds: number;
    reason: string;
    description: string;
    password: string;
  }[];
};

const NOTE = "EXAMPLE key, public on purpose: never use it in a real device";

export function buildTokenVectors(
  devices: DeviceIdentity[],
  stranger: DeviceIdentity,
  iat: number,
): TokenVectors {
  const [d0, d1] = devices as [DeviceIdentity, DeviceIdentity];
  const keys = [...devices, stranger].map((id, i) => ({
    name: i < devices.length ? `device ${i}` : "no device",
    note: NOTE,
    privateKey: bytesToHex(id.privateKey),
    publicKey: bytesToHex(id.publicKey),
    address: toChecksumAddress(id.address),
  }));
  const strangerIndex = devices.length;
  const claims = (entries: [string, unknown][]) => encodeCbor(new Map(entries));
  const good = signConnectToken(d0, iat);
  const claimsOf = (over: Record<string, unknown>) =>
    claims(Object.entries({ aud: "sealtrail", iat, cid: d0.address, ...over }));
  const byKid0 = (signer: DeviceIdentity, payload: Uint8Array) => {
    const header = encodeProtectedHeader(addressToBytes(d0.address));
    return assembleCoseSign1(header, payload, signDigest(signingDigest(header, payload), signer.privateKey));
  };
  const highS = good.slice();
  highS.set(toHighS(good.subarray(good.length - 64)), good.length - 64);
  const floatIat = hexToBytes(
    `0x${bytesToHex(claimsOf({}))
      .slice(2)
      .replace(`636961741a${iat.toString(16)}`, `63696174fb${float64Hex(iat)}`)}`,
  );

  const refused = (
    reason: string,
    description: string,
    token: Uint8Array,
    signer: number | null,
    nowSeconds = iat,
  ): TokenVectors["invalid"][number] => ({
    device: 0,
    signer,
    clientId: d0.address,
    nowSeconds,
    reason,
    description,
    token: bytesToHex(token),
    tokenText: connectTokenText(token),
  });
  const text = connectTokenText(good);
  return {
    format: TOKEN_VECTORS_FORMAT,
    keys,
    tokens: [{ device: 0, signer: 0, clientId: d0.address, iat, token: bytesToHex(good), tokenText: text }],
    invalid: [
      refused("EXPIRED_TOKEN", "iat 301 s before the server clock", good, 0, iat + 301),
      refused(
        "EXPIRED_TOKEN",
        "iat 301 s after the server clock (future beyond the skew)",
        good,
        0,
        iat - 301,
      ),
      refused(
        "INVALID_TOKEN",
        'aud "sealtrail2"',
        signCoseSign1(d0.privateKey, addressToBytes(d0.address), claimsOf({ aud: "sealtrail2" })),
        0,
      ),
      refused(
        "INVALID_TOKEN",
        "cid names device 1 (signed by device 0, presented as device 0)",
        signCoseSign1(d0.privateKey, addressToBytes(d0.address), claimsOf({ cid: d1.address })),
        0,
      ),
      refused(
        "INVALID_TOKEN",
        "iat written as a float (fb) of the same second",
        signCoseSign1(d0.privateKey, addressToBytes(d0.address), floatIat),
        0,
      ),
      refused(
        "INVALID_TOKEN",
        "an extra claim (exp)",
        signCoseSign1(
          d0.privateKey,
          addressToBytes(d0.address),
          claims([
            ["aud", "sealtrail"],
            ["iat", iat],
            ["cid", d0.address],
            ["exp", iat + 60],
          ]),
        ),
        0,
      ),
      refused(
        "BAD_SIGNATURE",
        "kid and claims of device 0, signed by the key of no device (keys[2])",
        byKid0(stranger, claimsOf({})),
        strangerIndex,
      ),
      refused(
        "KID_MISMATCH",
        "device 1's own valid token presented as device 0's",
        signConnectToken(d1, iat),
        1,
      ),
      refused("MALFORMED_COSE", "device 0's valid token without its d2 tag", good.subarray(1), 0),
      refused("HIGH_S", "device 0's valid token with s replaced by n - s", highS, 0),
    ],
    invalidText: [
      {
        device: 0,
        clientId: d0.address,
        nowSeconds: iat,
        reason: "MALFORMED_COSE",
        description: "the text form with = padding",
        password: `${text}=`,
      },
      {
        device: 0,
        clientId: d0.address,
        nowSeconds: iat,
        reason: "MALFORMED_COSE",
        description: "standard base64 (+ and /) instead of base64url",
        password: Buffer.from(good).toString("base64").replace(/=+$/, ""),
      },
      {
        device: 0,
        clientId: d0.address,
        nowSeconds: iat,
        reason: "MALFORMED_COSE",
        description: "the token as hex text",
        password: bytesToHex(good),
      },
    ],
  };
}

function float64Hex(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return bytesToHex(new Uint8Array(view.buffer)).slice(2);
}
