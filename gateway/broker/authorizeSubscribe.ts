import type { Client, Subscription } from "aedes";
import type { BrokerContext } from "./context.ts";

/**
 * Subscribe policy: a device may subscribe only inside its own subtree `devices/{address}/…`
 * (its errors topic, typically). Anything else — other devices, `#`, `$SYS` — gets the SUBACK failure
 * code 0x80 for that filter [MQTT-3.9.3-2] without closing the session.
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
    ctx.metrics.refused.inc({ reason: "NOT_AUTHORIZED_TOPIC" });
    ctx.logger.warn({ device: client.id, topic: subscription.topic.slice(0, 200) }, "subscribe refused");
    callback(null, null);
  };
}
