import { describe, expect, it } from "@jest/globals";
import {
  addressToBytes,
  connectTokenFromPassword,
  connectTokenText,
  deviceIdentityFromPrivateKey,
  encodeCbor,
  keccak256,
  nobleVerifier,
  type ProtocolError,
  signConnectToken,
  signCoseSign1,
  verifyConnectToken,
} from "#protocol";

const device = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key token device")));
const other = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key other device")));
const now = 1_763_700_000;

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as ProtocolError).code;
  }
  return "ACCEPTED";
}

const verify = (token: Uint8Array, overrides: Partial<Parameters<typeof verifyConnectToken>[1]> = {}) =>
  verifyConnectToken(token, {
    clientId: device.address,
    publicKey: device.publicKey,
    verifier: nobleVerifier,
    nowSeconds: now,
    ...overrides,
  });

describe("MQTT CONNECT token", () => {
  it("accepts a fresh token and returns its claims and a replay id", () => {
    const token = signConnectToken(device, now - 10);
    const verified = verify(token);
    expect(verified.claims).toEqual({ aud: "sealtrail", iat: now - 10, cid: device.address });
    expect(verified.device).toBe(device.address);
    expect(verified.tokenId).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("accepts iat up to 300 s either side of the server clock and refuses beyond with EXPIRED_TOKEN", () => {
    expect(codeOf(() => verify(signConnectToken(device, now - 300)))).toBe("ACCEPTED");
    expect(codeOf(() => verify(signConnectToken(device, now + 300)))).toBe("ACCEPTED");
    expect(codeOf(() => verify(signConnectToken(device, now - 301)))).toBe("EXPIRED_TOKEN");
    expect(codeOf(() => verify(signConnectToken(device, now + 301)))).toBe("EXPIRED_TOKEN");
  });

  it("refuses a token presented under another clientId", () => {
    const token = signConnectToken(device, now);
    expect(codeOf(() => verify(token, { clientId: other.address, publicKey: other.publicKey }))).toBe(
      "KID_MISMATCH",
    );
  });

  it("refuses a token whose cid differs from the clientId even when correctly signed", () => {
    const payload = encodeCbor(
      new Map<string, unknown>([
        ["aud", "sealtrail"],
        ["iat", now],
        ["cid", other.address],
      ]),
    );
    const token = signCoseSign1(device.privateKey, addressToBytes(device.address), payload);
    expect(codeOf(() => verify(token))).toBe("INVALID_TOKEN");
  });

  it("refuses a wrong audience and a token signed by another key", () => {
    const payload = encodeCbor(
      new Map<string, unknown>([
        ["aud", "someone-else"],
        ["iat", now],
        ["cid", device.address],
      ]),
    );
    expect(
      codeOf(() => verify(signCoseSign1(device.privateKey, addressToBytes(device.address), payload))),
    ).toBe("INVALID_TOKEN");
    const forged = signCoseSign1(other.privateKey, addressToBytes(device.address), payload);
    expect(codeOf(() => verify(forged))).toBe("BAD_SIGNATURE");
  });

  it("refuses a reading presented as a password and garbage", () => {
    expect(codeOf(() => verify(new TextEncoder().encode("hunter2")))).toBe("MALFORMED_COSE");
    expect(codeOf(() => verify(new Uint8Array()))).toBe("MALFORMED_COSE");
  });
});

describe("the text form of a CONNECT token (base64url, no padding)", () => {
  const token = signConnectToken(device, now);
  const text = connectTokenText(token);
  const ascii = (s: string) => new TextEncoder().encode(s);

  it("round-trips to the same bytes, and leaves a binary token as it is", () => {
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text.length).toBe(Math.ceil((token.length * 4) / 3));
    expect(connectTokenFromPassword(ascii(text))).toEqual(token);
    expect(connectTokenFromPassword(token)).toBe(token);
    expect(verify(connectTokenFromPassword(ascii(text))).claims.iat).toBe(now);
  });

  it("matches Node's base64url encoder for every length mod 3", () => {
    for (const n of [1, 2, 3, 4, 5, 171]) {
      const bytes = token.subarray(0, n);
      expect(connectTokenText(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
    }
  });

  it.each([
    ["padding", `${text}=`],
    ["standard base64 characters", text.replace(/[-_]/g, "+")],
    ["a line break", `${text}\n`],
    ["an impossible length", `${text}A`.slice(0, (Math.floor(text.length / 4) + 1) * 4 - 3)],
  ])("does not take a text with %s for a token: it stays bytes, refused as MALFORMED_COSE", (_what, bad) => {
    expect(connectTokenFromPassword(ascii(bad))).toEqual(ascii(bad));
    expect(codeOf(() => verify(connectTokenFromPassword(ascii(bad))))).toBe("MALFORMED_COSE");
  });

  it("does not take a text whose unused trailing bits are set for a token: one token, one text", () => {
    // 171 bytes = 57 groups of 3: no trailing bits. Take 170 bytes (2 spare bits in the last character).
    const short = connectTokenText(token.subarray(0, 170));
    const last = short.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const twin = short.slice(0, -1) + alphabet[alphabet.indexOf(last) + 1];
    expect(connectTokenFromPassword(ascii(twin))).toEqual(ascii(twin));
  });

  it("does not decode a text longer than any token: refused as TOO_LARGE", () => {
    expect(codeOf(() => verify(connectTokenFromPassword(ascii("A".repeat(6000)))))).toBe("TOO_LARGE");
  });
});
