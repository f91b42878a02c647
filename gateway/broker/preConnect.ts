import type { Client, ConnectPacket } from "aedes";
import { GatewayRefusalCode } from "../errors.ts";
import type { BrokerContext } from "./context.ts";

/**
 * Runs before aedes looks at a CONNECT: limits how often one IP address may connect, and removes the
 * Will. Devices have no use for a Will (the gateway notices a lost session itself) and a Will would be
 * a publication nobody signed; aedes copies the Will from the packet only after this hook, so it is
 * never stored nor published, whether authentication then succeeds or not.
 */
export function createPreConnect(ctx: BrokerContext) {
  return function preConnect(
    client: Client,
    packet: ConnectPacket,
    callback: (error: Error | null, success: boolean) => void,
  ): void {
    const ip = (client.conn as { remoteAddress?: string }).remoteAddress ?? "unknown";
    if (!ctx.connectRate.take(ip, ctx.now())) {
      // MQTT 3.1.1 lets a server close the connection without a CONNACK [MQTT-3.1.4-1]; a flood gets
      // nothing more than that.
      const reason = GatewayRefusalCode.ConnectionRateLimited;
      ctx.metrics.authFailures.inc({ reason });
      ctx.refusalLog.warn(reason, { ip, clientId: String(packet.clientId).slice(0, 64) }, "connect refused");
      callback(new Error(reason), false);
      return;
    }
    if (packet.will) {
      delete packet.will;
      ctx.metrics.wills.inc();
    }
    callback(null, true);
  };
}
