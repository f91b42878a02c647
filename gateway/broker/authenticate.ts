import type { AuthenticateError, Client } from "aedes";
import { connectTokenFromPassword, isProtocolError, verifyConnectToken } from "#protocol";
import { GatewayRefusalCode } from "../errors.ts";
import type { BrokerContext } from "./context.ts";

const ADDRESS_RE = /^0x[0-9a-f]{40}$/;

// CONNACK return codes of MQTT 3.1.1 §3.2.2.3
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function fail(returnCode: number, reason: string): AuthenticateError {
  const error = new Error(reason) as AuthenticateError;
  error.returnCode = returnCode;
  return error;
}

/**
 * CONNECT policy: clientId = username = lowercase address of a registered, unrevoked device, and the
 * password a fresh CONNECT token (binary, or its base64url text) signed by that device for that clientId
 * (`cid`), with an `iat` newer than the last one accepted. aedes only takes over an existing session
 * with the same clientId after this succeeds, so a failed login never disconnects the device it pretends
 * to be; it answers a refusal with a CONNACK carrying the return code, then closes [MQTT-3.2.2-5].
 */
export function createAuthenticate(ctx: BrokerContext) {
  return function authenticate(
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const clientId = String(client.id);
    const refuse = (returnCode: number, reason: string) => {
      ctx.metrics.authFailures.inc({ reason });
      ctx.refusalLog.warn(reason, { clientId: clientId.slice(0, 64) }, "connect refused");
      done(fail(returnCode, reason), false);
    };
    try {
      if (!ADDRESS_RE.test(clientId)) {
        refuse(IDENTIFIER_REJECTED, "CLIENT_ID_NOT_ADDRESS");
        return;
      }
      if (username !== clientId) {
        refuse(BAD_USERNAME_OR_PASSWORD, "USERNAME_MISMATCH");
        return;
      }
      const device = ctx.registry.get(clientId as `0x${string}`);
      if (!device) {
        refuse(NOT_AUTHORIZED, GatewayRefusalCode.UnknownDevice);
        return;
      }
      if (device.revokedAt !== null) {
        refuse(NOT_AUTHORIZED, GatewayRefusalCode.RevokedDevice);
        return;
      }
      if (!password || password.length === 0) {
        refuse(BAD_USERNAME_OR_PASSWORD, "INVALID_TOKEN");
        return;
      }
      let iat: number;
      try {
        // Binary or its base64url text form (clients that carry the password as text), §9.
        iat = verifyConnectToken(connectTokenFromPassword(password), {
          clientId,
          publicKey: device.publicKey,
          verifier: ctx.tokenVerifier,
          nowSeconds: Math.floor(ctx.now() / 1000),
          maxSkewSeconds: ctx.config.tokenMaxSkewSeconds,
        }).claims.iat;
      } catch (error) {
        if (!isProtocolError(error)) throw error;
        refuse(BAD_USERNAME_OR_PASSWORD, error.code);
        return;
      }
      if (!ctx.tokens.claim(clientId, iat)) {
        refuse(BAD_USERNAME_OR_PASSWORD, GatewayRefusalCode.TokenReplayed);
        return;
      }
      done(null, true);
    } catch (error) {
      // Our bug, not the client's input: refuse this CONNECT rather than let it escape into aedes.
      ctx.logger.error({ clientId: clientId.slice(0, 64), err: error }, "authenticate failed");
      ctx.metrics.authFailures.inc({ reason: GatewayRefusalCode.Unavailable });
      done(fail(SERVER_UNAVAILABLE, GatewayRefusalCode.Unavailable), false);
    }
  };
}
