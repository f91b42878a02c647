import type { AuthenticateError, Client } from "aedes";
import { GatewayRefusalCode } from "../errors.ts";
import { checkConnectToken } from "./checkConnectToken.ts";
import type { BrokerContext } from "./context.ts";

// CONNACK return code of MQTT 3.1.1 §3.2.2.3
const SERVER_UNAVAILABLE = 3;

function fail(returnCode: number, reason: string): AuthenticateError {
  const error = new Error(reason) as AuthenticateError;
  error.returnCode = returnCode;
  return error;
}

/**
 * CONNECT policy: the device login rule of checkConnectToken.ts (a registered, unrevoked device's fresh
 * CONNECT token). aedes only takes over an existing session with the same clientId after this succeeds,
 * so a failed login never disconnects the device it pretends to be; it answers a refusal with a CONNACK
 * carrying the return code, then closes [MQTT-3.2.2-5].
 */
export function createAuthenticate(ctx: BrokerContext) {
  const deps = {
    registry: ctx.registry,
    tokens: ctx.tokens,
    verifier: ctx.tokenVerifier,
    tokenMaxSkewSeconds: ctx.config.tokenMaxSkewSeconds,
    now: ctx.now,
  };
  return function authenticate(
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const clientId = String(client.id);
    try {
      const verdict = checkConnectToken(deps, clientId, username, password);
      if (verdict.ok) {
        done(null, true);
        return;
      }
      ctx.metrics.authFailures.inc({ reason: verdict.reason });
      ctx.refusalLog.warn(verdict.reason, { clientId: clientId.slice(0, 64) }, "connect refused");
      done(fail(verdict.returnCode, verdict.reason), false);
    } catch (error) {
      // Our bug, not the client's input: refuse this CONNECT rather than let it escape into aedes.
      ctx.logger.error({ clientId: clientId.slice(0, 64), err: error }, "authenticate failed");
      ctx.metrics.authFailures.inc({ reason: GatewayRefusalCode.Unavailable });
      done(fail(SERVER_UNAVAILABLE, GatewayRefusalCode.Unavailable), false);
    }
  };
}
