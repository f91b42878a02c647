import type { Aedes, Client } from "aedes";
import { GatewayRefusalCode, Refusal } from "../errors.ts";
import type { BrokerContext } from "./context.ts";

// aedes refuses these itself, before any hook runs, by closing the connection.
const INVALID_TOPIC =
  /not allowed in PUBLISH|empty topic|too many levels|impossible to (subscribe|unsubscribe)|invalid topic/i;

/**
 * Gives the protocol violations aedes handles on its own (wildcards in a PUBLISH topic, a topic deeper
 * than `maxTopicLevels`, an invalid filter) the same reason code, log line and counter as the hooks'
 * refusals. Our own refusals surface here too, as the error the hook failed with; they are already
 * counted. Plain disconnects (ECONNRESET, keep-alive timeouts) are logged at debug level only.
 */
export function watchClientErrors(
  aedes: Aedes,
  ctx: Pick<BrokerContext, "metrics" | "logger" | "refusalLog">,
): void {
  const onError = (client: Client, error: Error) => {
    if (error instanceof Refusal) return;
    const device =
      client?.id && (client as unknown as { _authorized?: boolean })._authorized ? client.id : null;
    if (INVALID_TOPIC.test(error.message)) {
      const reason = GatewayRefusalCode.InvalidTopic;
      ctx.metrics.refused.inc({ reason });
      ctx.refusalLog.warn(reason, { device, detail: error.message }, "packet refused");
      return;
    }
    ctx.logger.debug({ device, err: error.message }, "client connection error");
  };
  aedes.on("clientError", onError);
  aedes.on("connectionError", onError);
}
