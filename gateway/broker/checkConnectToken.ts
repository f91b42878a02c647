import {
  type Address,
  connectTokenFromPassword,
  isProtocolError,
  type SignatureVerifier,
  verifyConnectToken,
} from "#protocol";
import { GatewayRefusalCode } from "../errors.ts";
import type { DeviceRegistry } from "../registry/deviceRegistry.ts";
import type { UsedTokens } from "./usedTokens.ts";

const ADDRESS_RE = /^0x[0-9a-f]{40}$/;

// CONNACK return codes of MQTT 3.1.1 §3.2.2.3
export const IDENTIFIER_REJECTED = 2;
export const BAD_USERNAME_OR_PASSWORD = 4;
export const NOT_AUTHORIZED = 5;

export type ConnectTokenDeps = {
  registry: DeviceRegistry;
  tokens: UsedTokens;
  verifier: SignatureVerifier;
  tokenMaxSkewSeconds: number;
  now: () => number;
};

export type ConnectVerdict =
  | { ok: true; device: Address }
  | { ok: false; returnCode: number; reason: string };

/**
 * The device login rule, shared by the embedded broker's `authenticate` hook and the RabbitMQ HTTP auth
 * backend (gateway/scaleout/), so both brokers admit exactly the same CONNECTs: clientId = username =
 * lowercase address of a registered, unrevoked device, and the password a fresh CONNECT token (binary,
 * or its base64url text) signed by that device for that clientId (`cid`), with an `iat` newer than the
 * last one accepted. The replay check comes last: a token that fails any other check is not recorded.
 * Throws only on our own bugs (a registry or verifier failure), never on the client's input.
 */
export function checkConnectToken(
  deps: ConnectTokenDeps,
  clientId: string,
  username: string | undefined,
  password: Uint8Array | undefined,
): ConnectVerdict {
  const refuse = (returnCode: number, reason: string): ConnectVerdict => ({ ok: false, returnCode, reason });
  if (!ADDRESS_RE.test(clientId)) return refuse(IDENTIFIER_REJECTED, "CLIENT_ID_NOT_ADDRESS");
  if (username !== clientId) return refuse(BAD_USERNAME_OR_PASSWORD, "USERNAME_MISMATCH");
  const device = deps.registry.get(clientId as Address);
  if (!device) return refuse(NOT_AUTHORIZED, GatewayRefusalCode.UnknownDevice);
  if (device.revokedAt !== null) return refuse(NOT_AUTHORIZED, GatewayRefusalCode.RevokedDevice);
  if (!password || password.length === 0) return refuse(BAD_USERNAME_OR_PASSWORD, "INVALID_TOKEN");
  let iat: number;
  try {
    // Binary or its base64url text form (clients that carry the password as text), §9.
    iat = verifyToken(deps, clientId, device.publicKey, password);
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return refuse(BAD_USERNAME_OR_PASSWORD, error.code);
  }
  if (!deps.tokens.claim(clientId, iat))
    return refuse(BAD_USERNAME_OR_PASSWORD, GatewayRefusalCode.TokenReplayed);
  return { ok: true, device: clientId as Address };
}

function verifyToken(
  deps: ConnectTokenDeps,
  clientId: string,
  publicKey: Uint8Array,
  password: Uint8Array,
): number {
  return verifyConnectToken(connectTokenFromPassword(password), {
    clientId,
    publicKey,
    verifier: deps.verifier,
    nowSeconds: Math.floor(deps.now() / 1000),
    maxSkewSeconds: deps.tokenMaxSkewSeconds,
  }).claims.iat;
}
