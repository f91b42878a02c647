import type { Client, Subscription } from "aedes";
import { GatewayRefusalCode } from "../errors.ts";
import type { BrokerContext } from "./context.ts";

/**
 * Subscribe policy: a device may subscribe only inside its own subtree `devices/{address}/…`
 * (its errors topic, typically). Anything else — other devices, `#`, `+/…`, `$SYS` — gets the SUBACK
 * failure code 0x80 for that filter [MQTT-3.9.3-2] without closing the session. Malformed filters and
 * filters deeper than `maxTopicLevels` are refused by aedes before this hook [MQTT-4.7.1-2].
 */
export function createAuthorizeSubscribe(ctx: BrokerContext) {
  return function authorizeSubscribe(
    client: Client,
    subscription: Subscription,
    callback: (error: Error | null, subscription?: Subscription | null) => void,
  ): void {
    const own = `devices/${client.id}/`;
    if (subscription.topic.startsWith(own) && subscription.topic.length > own.length) {
      callback(null, subscription);
      return;
    }
    const reason = GatewayRefusalCode.NotAuthorizedTopic;
    ctx.metrics.refused.inc({ reason });
    ctx.refusalLog.warn(
      reason,
      { device: client.id, topic: subscription.topic.slice(0, 200) },
      "subscribe refused",
    );
    callback(null, null);
  };
}
