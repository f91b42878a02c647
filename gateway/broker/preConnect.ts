import type { Client, ConnectPacket } from "aedes";
import { GatewayRefusalCode, Refusal } from "../errors.ts";
import type { BrokerContext } from "./context.ts";
import { endAfterFlush } from "./endAfterFlush.ts";

/** CONNACK with return code 1, "unacceptable protocol version" (MQTT 3.1.1 §3.2.2.3). */
const CONNACK_UNACCEPTABLE_PROTOCOL_VERSION = Buffer.of(0x20, 0x02, 0x00, 0x01);

/**
 * Runs before aedes looks at a CONNECT: limits how often one IP address may connect, refuses every MQTT
 * version but 3.1.1, and removes the Will. Devices have no use for a Will (the gateway notices a lost
 * session itself) and a Will would be a publication nobody signed; aedes copies the Will from the packet
 * only after this hook, so it is never stored nor published, whether authentication then succeeds or not.
 */
export function createPreConnect(ctx: BrokerContext) {
  return function preConnect(
    client: Client,
    packet: ConnectPacket,
    callback: (error: Error | null, success: boolean) => void,
  ): void {
    const ip = (client.conn as { remoteAddress?: string }).remoteAddress ?? "unknown";
    const clientId = String(packet.clientId).slice(0, 64);
    if (!ctx.connectRate.take(ip, ctx.now())) {
      // MQTT 3.1.1 lets a server close the connection without a CONNACK [MQTT-3.1.4-1]; a flood gets
      // nothing more than that.
      const reason = GatewayRefusalCode.ConnectionRateLimited;
      ctx.metrics.authFailures.inc({ reason });
      ctx.refusalLog.warn(reason, { ip, clientId }, "connect refused");
      callback(new Error(reason), false);
      return;
    }
    // [MQTT-3.1.2-1] [MQTT-3.1.2-2] Protocol name "MQTT" and level 4 only. aedes would serve MQTT 3.1
    // ("MQIsdp", level 3) as if it were 3.1.1, and refuse MQTT 5 with no reason in our logs; both get
    // CONNACK 1 here, written by us because aedes maps an authenticate refusal to codes 2–5 only.
    // MQTT 5 has no CONNACK of its own for this: a server that speaks 3.1.1 answers in 3.1.1.
    if (packet.protocolId !== "MQTT" || packet.protocolVersion !== 4) {
      const reason = GatewayRefusalCode.UnsupportedMqttVersion;
      const protocol = { protocolId: String(packet.protocolId), level: packet.protocolVersion };
      ctx.metrics.authFailures.inc({ reason });
      ctx.refusalLog.warn(reason, { ip, clientId, ...protocol }, "connect refused");
      client.conn.write(CONNACK_UNACCEPTABLE_PROTOCOL_VERSION);
      const refusal = new Refusal(reason, "only MQTT 3.1.1 (protocol level 4) is supported", protocol);
      endAfterFlush(client, () => callback(refusal, false));
      return;
    }
    if (packet.will) {
      delete packet.will;
      ctx.metrics.wills.inc();
    }
    callback(null, true);
  };
}
