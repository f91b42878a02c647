import { bytesToHex, type Hex } from "./bytes.ts";
import { type CborLimits, DEFAULT_CBOR_LIMITS, decodeCborScanned, encodeCbor } from "./cbor.ts";
import { decodeCoseSign1, signCoseSign1, verifyDecodedCoseSign1 } from "./coseSign1.ts";
import { ProtocolError, ProtocolErrorCode } from "./errors.ts";
import { keccak256 } from "./hashes.ts";
import { type Address, addressToBytes, type DeviceIdentity, normalizeAddress } from "./identity.ts";
import type { SignatureVerifier } from "./signature.ts";

/** Audience of every CONNECT token. */
export const TOKEN_AUDIENCE = "sealtrail";
/** Default acceptance window around the server clock, seconds. */
export const TOKEN_MAX_SKEW_SECONDS = 300;

/** Decoded CONNECT token payload. */
export type ConnectTokenClaims = { aud: string; iat: number; cid: string };

/**
 * The MQTT CONNECT password: COSE_Sign1 by the device key over CBOR `{"aud": "sealtrail", "iat", "cid"}`.
 * @example signConnectToken(identity, Math.floor(Date.now() / 1000))
 */
export function signConnectToken(identity: DeviceIdentity, iatSeconds: number): Uint8Array {
  const payload = encodeCbor(
    new Map<string, unknown>([
      ["aud", TOKEN_AUDIENCE],
      ["iat", iatSeconds],
      ["cid", identity.address],
    ]),
  );
  return signCoseSign1(identity.privateKey, addressToBytes(identity.address), payload);
}

export type VerifyConnectTokenOptions = {
  /** The MQTT clientId (= username = lowercase device address). */
  clientId: string;
  /** The registered compressed public key of that device. */
  publicKey: Uint8Array;
  verifier: SignatureVerifier;
  /** Server time, seconds. */
  nowSeconds: number;
  maxSkewSeconds?: number;
  limits?: CborLimits;
};

/** A verified token: its claims and its id (keccak256 of the raw token), for replay detection. */
export type VerifiedConnectToken = { claims: ConnectTokenClaims; tokenId: Hex; device: Address };

/**
 * Verifies a CONNECT token; throws INVALID_TOKEN, EXPIRED_TOKEN or the COSE refusal codes.
 * Replay detection (a token id seen before within the window) is the gateway's job.
 * @example verifyConnectToken(password, { clientId, publicKey, verifier: nobleVerifier, nowSeconds })
 */
export function verifyConnectToken(
  raw: Uint8Array,
  options: VerifyConnectTokenOptions,
): VerifiedConnectToken {
  const limits = options.limits ?? DEFAULT_CBOR_LIMITS;
  const device = normalizeAddress(options.clientId);
  const cose = decodeCoseSign1(raw, limits);
  verifyDecodedCoseSign1(cose, addressToBytes(device), options.publicKey, options.verifier);
  const { value: body, scan } = decodeCborScanned(cose.payload, limits);
  if (!(body instanceof Map) || body.size !== 3)
    throw new ProtocolError(ProtocolErrorCode.InvalidToken, "token payload must be {aud, iat, cid}");
  const aud = body.get("aud");
  const iat = body.get("iat");
  const cid = body.get("cid");
  if (aud !== TOKEN_AUDIENCE)
    throw new ProtocolError(ProtocolErrorCode.InvalidToken, 'token aud must be "sealtrail"');
  if (typeof cid !== "string" || cid !== options.clientId) {
    throw new ProtocolError(ProtocolErrorCode.InvalidToken, "token cid must equal the MQTT clientId");
  }
  if (typeof iat !== "number" || !Number.isSafeInteger(iat) || scan.topLevelValueTypes.get("iat") !== 0)
    throw new ProtocolError(ProtocolErrorCode.InvalidToken, "token iat must be an integer");
  const skew = options.maxSkewSeconds ?? TOKEN_MAX_SKEW_SECONDS;
  if (Math.abs(options.nowSeconds - iat) > skew) {
    throw new ProtocolError(
      ProtocolErrorCode.ExpiredToken,
      `token iat is more than ${skew} s from the server clock`,
      {
        details: { iat, now: options.nowSeconds },
      },
    );
  }
  return { claims: { aud, iat, cid }, tokenId: bytesToHex(keccak256(raw)), device };
}
