import type { Client, PublishPacket } from "aedes";
import type { Address } from "#protocol";
import { GatewayRefusalCode, Refusal } from "../errors.ts";
import { ingestReading } from "../ingest/ingestReading.ts";
import { encodeRefusalNotice, recordRefusal, refusedMessageId } from "../ingest/reportRefusal.ts";
import type { BrokerContext } from "./context.ts";
import { endAfterFlush } from "./endAfterFlush.ts";

type Callback = (error?: Error | null) => void;

/**
 * Counts and logs a refusal, delivers its notice to the device's errors topic, then fails the hook once
 * the notice's bytes have left: failing the hook makes aedes close the connection, and a close before
 * the notice is written (aedes delivers it on a later turn, possibly after waiting for the socket to
 * drain) or an abrupt one while the device is still sending (a RST) would lose it.
 */
function refuse(
  ctx: BrokerContext,
  client: Client,
  device: Address,
  refusal: Refusal,
  messageId: string | null,
  callback: Callback,
): void {
  recordRefusal(ctx, device, refusal, messageId);
  ctx.broker().publish(
    {
      cmd: "publish",
      topic: `devices/${device}/errors`,
      payload: encodeRefusalNotice(messageId, refusal),
      qos: 0,
      retain: false,
      dup: false,
    },
    // Called once aedes has written the notice to the connection (or found no subscriber).
    () => endAfterFlush(client, () => callback(refusal)),
  );
}

/**
 * Publish policy and the durable write. aedes sends the PUBACK as soon as this hook calls back without
 * an error [MQTT-4.3.2-2: PUBACK after taking ownership], so the reading is verified and committed before
 * `callback()` — an acknowledgement means durable (DESIGN invariant 1). A refusal is published to the
 * device's errors topic, then the hook fails, which makes aedes close the connection (MQTT 3.1.1 has no
 * negative PUBACK). Wildcards, empty topics and topics deeper than `maxTopicLevels` never get here:
 * aedes refuses them first [MQTT-3.3.2-2] [MQTT-4.7.3-1].
 */
export function createAuthorizePublish(ctx: BrokerContext) {
  const depth = ctx.metrics.depth;
  return function authorizePublish(client: Client | null, packet: PublishPacket, callback: Callback): void {
    // Our own publications (errors topic, $SYS) come without a client.
    if (!client) {
      callback(null);
      return;
    }
    if (ctx.draining()) {
      // Stopping: a reading not yet taken is not taken at all. Failing the hook closes the connection
      // without PUBACK and without a notice (not the device's fault); the device sends it again after
      // reconnecting, to this gateway's successor or another one.
      callback(new Error("the gateway is stopping"));
      return;
    }
    const device = client.id as Address;
    if (packet.topic !== `devices/${device}/readings`) {
      const refusal = new Refusal(
        GatewayRefusalCode.NotAuthorizedTopic,
        "devices publish only to devices/{own address}/readings",
      );
      refuse(ctx, client, device, refusal, null, callback);
      return;
    }
    if (packet.qos !== 1) {
      refuse(
        ctx,
        client,
        device,
        new Refusal(GatewayRefusalCode.QosNotSupported, "readings are published with QoS 1"),
        null,
        callback,
      );
      return;
    }
    const raw = packet.payload as Buffer;
    if (!ctx.deviceRate.take(device, ctx.now())) {
      const refusal = new Refusal(GatewayRefusalCode.RateLimited, "readings arrive faster than allowed", {
        ratePerSecond: ctx.config.deviceRatePerSecond,
        burst: ctx.config.deviceRateBurst,
      });
      refuse(ctx, client, device, refusal, refusedMessageId(raw, ctx.config.maxMessageBytes), callback);
      return;
    }
    const started = performance.now();
    depth.inFlight++;
    ingestReading(ctx.ingest, device, raw).then(
      (result) => {
        depth.inFlight--;
        if (result.status === "inserted") ctx.metrics.accepted.inc();
        else ctx.metrics.duplicates.inc();
        ctx.metrics.pubackLatency.observe((performance.now() - started) / 1000);
        callback(null);
      },
      (error: unknown) => {
        depth.inFlight--;
        if (error instanceof Refusal) {
          refuse(ctx, client, device, error, refusedMessageId(raw, ctx.config.maxMessageBytes), callback);
          return;
        }
        // Storage failure or our bug: no PUBACK; the device resends after reconnecting.
        ctx.logger.error({ device, err: error }, "ingest failed");
        callback(error instanceof Error ? error : new Error(String(error)));
      },
    );
  };
}
