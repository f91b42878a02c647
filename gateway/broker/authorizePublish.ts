import type { Client, PublishPacket } from "aedes";
import { type Address, bytesToHex, encodeCbor, keccak256 } from "#protocol";
import { GatewayRefusalCode, Refusal } from "../errors.ts";
import { ingestReading, refusalBody } from "../ingest/ingestReading.ts";
import type { BrokerContext } from "./context.ts";

/**
 * Publish policy and the durable write. aedes sends the PUBACK as soon as this hook calls back without
 * an error, so the reading is verified and committed before `callback()` — an acknowledgement means
 * durable (DESIGN invariant 1). A refusal is published to the device's errors topic, then the hook
 * fails, which makes aedes close the connection (MQTT 3.1.1 has no negative PUBACK).
 */
export function createAuthorizePublish(ctx: BrokerContext) {
  return function authorizePublish(
    client: Client | null,
    packet: PublishPacket,
    callback: (error?: Error | null) => void,
  ): void {
    // Our own publications (errors topic, $SYS) come without a client.
    if (!client) {
      callback(null);
      return;
    }
    const device = client.id as Address;
    const started = performance.now();
    const refuse = (refusal: Refusal, messageId: string | null) => {
      ctx.metrics.refused.inc({ reason: refusal.code });
      ctx.logger.warn(
        { device, reason: refusal.code, detail: refusal.shortMessage, messageId },
        "reading refused",
      );
      const body = Buffer.from(encodeCbor(new Map(Object.entries(refusalBody(messageId, refusal)))));
      // Deliver the reason before the disconnect so firmware can log it.
      ctx.broker().publish(
        {
          cmd: "publish",
          topic: `devices/${device}/errors`,
          payload: body,
          qos: 0,
          retain: false,
          dup: false,
        },
        () => setImmediate(() => callback(refusal)),
      );
    };
    // [MQTT-3.3.2-2] wildcards are already refused by aedes; a device may publish only its own readings.
    if (packet.topic !== `devices/${device}/readings`) {
      refuse(
        new Refusal(
          GatewayRefusalCode.NotAuthorizedTopic,
          "devices publish only to devices/{own address}/readings",
        ),
        null,
      );
      return;
    }
    if (packet.qos !== 1) {
      refuse(new Refusal(GatewayRefusalCode.QosNotSupported, "readings are published with QoS 1"), null);
      return;
    }
    const raw = packet.payload as Buffer;
    ingestReading(ctx.ingest, device, raw).then(
      (result) => {
        if (result.status === "inserted") ctx.metrics.accepted.inc();
        else ctx.metrics.duplicates.inc();
        ctx.metrics.pubackLatency.observe((performance.now() - started) / 1000);
        callback(null);
      },
      (error: unknown) => {
        if (error instanceof Refusal) {
          if (error.code === GatewayRefusalCode.Equivocation) ctx.metrics.equivocations.inc();
          refuse(error, raw.length <= ctx.config.maxMessageBytes ? bytesToHex(keccak256(raw)) : null);
          return;
        }
        // Storage failure or our bug: no PUBACK; the device resends after reconnecting.
        ctx.logger.error({ device, err: error }, "ingest failed");
        callback(error instanceof Error ? error : new Error(String(error)));
      },
    );
  };
}
