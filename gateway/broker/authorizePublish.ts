import type { Client, PublishPacket } from "aedes";
import type { Address } from "#protocol";
import { GatewayRefusalCode, Refusal } from "../errors.ts";
import { ingestReading } from "../ingest/ingestReading.ts";
import { encodeRefusalNotice, recordRefusal, refusedMessageId } from "../ingest/reportRefusal.ts";
import type { BrokerContext } from "./context.ts";
import { endAfterFlush } from "./endAfterFlush.ts";
import { PendingAnswers } from "./PendingAnswers.ts";

type Callback = (error?: Error | null) => void;

/**
 * Counts and logs a refusal, delivers its notice to the device's errors topic, then fails the hook once
 * the readings already taken from the connection are answered and the notice's bytes have left: failing
 * the hook makes aedes close the connection, and a close before the notice is written (aedes delivers it
 * on a later turn, possibly after waiting for the socket to drain), before the PUBACKs of readings still
 * being committed, or an abrupt one while the device is still sending (a RST) would lose them.
 */
function refuse(
  ctx: BrokerContext,
  answers: PendingAnswers,
  client: Client,
  device: Address,
  refusal: Refusal,
  messageId: string | null,
  callback: Callback,
): void {
  recordRefusal(ctx, device, refusal, messageId);
  // Owed from now: the close waits for the notice as for a PUBACK. Asking for the close at once (not
  // once the notice is out) stops the connection taking the rest of this socket read meanwhile.
  answers.add(client);
  answers.closeWhenAnswered(client, refusal, callback);
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
    () => answers.done(client),
  );
}

/**
 * Publish policy and the durable write. aedes sends the PUBACK as soon as this hook calls back without
 * an error [MQTT-4.3.2-2: PUBACK after taking ownership], so the reading is verified and committed before
 * `callback()` — an acknowledgement means durable (DESIGN invariant 1). A refusal is published to the
 * device's errors topic, then, once the readings taken before it are acknowledged ({@link PendingAnswers}),
 * the hook fails, which makes aedes close the connection (MQTT 3.1.1 has no negative PUBACK). Wildcards, empty topics and topics deeper than `maxTopicLevels` never get here:
 * aedes refuses them first [MQTT-3.3.2-2] [MQTT-4.7.3-1].
 */
export function createAuthorizePublish(ctx: BrokerContext) {
  const depth = ctx.metrics.depth;
  // The same bound as a stop's drain: how long readings already received may take to be acknowledged.
  const answers = new PendingAnswers({
    timeoutMs: ctx.config.drainTimeoutMs,
    flush: endAfterFlush,
    onTimeout: (client, pending) =>
      ctx.logger.warn(
        { device: client.id, pending },
        "closing a device connection with readings still unacknowledged",
      ),
  });
  return function authorizePublish(client: Client | null, packet: PublishPacket, callback: Callback): void {
    // Our own publications (errors topic, $SYS) come without a client.
    if (!client) {
      callback(null);
      return;
    }
    if (ctx.draining()) {
      // Stopping: a reading not yet taken is not taken at all. Failing the hook closes the connection
      // without PUBACK and without a notice (not the device's fault), once the readings taken before
      // are acknowledged; the device sends this one again after reconnecting, to this gateway's
      // successor or another one.
      answers.closeWhenAnswered(client, new Error("the gateway is stopping"), callback);
      return;
    }
    if (answers.isClosing(client)) {
      // A refusal is closing the connection: the rest of what the device sent is neither taken (nor
      // charged to its rate) nor refused; no PUBACK, no notice: it is resent after reconnecting.
      answers.join(client, callback);
      return;
    }
    const device = client.id as Address;
    if (packet.topic !== `devices/${device}/readings`) {
      const refusal = new Refusal(
        GatewayRefusalCode.NotAuthorizedTopic,
        "devices publish only to devices/{own address}/readings",
      );
      refuse(ctx, answers, client, device, refusal, null, callback);
      return;
    }
    if (packet.qos !== 1) {
      refuse(
        ctx,
        answers,
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
      refuse(
        ctx,
        answers,
        client,
        device,
        refusal,
        refusedMessageId(raw, ctx.config.maxMessageBytes),
        callback,
      );
      return;
    }
    // Taken: charged to the rate above, and owed a PUBACK (or a notice) before any close.
    const started = performance.now();
    depth.inFlight++;
    answers.add(client);
    ingestReading(ctx.ingest, device, raw).then(
      (result) => {
        depth.inFlight--;
        if (result.status === "inserted") ctx.metrics.accepted.inc();
        else ctx.metrics.duplicates.inc();
        ctx.metrics.pubackLatency.observe((performance.now() - started) / 1000);
        // aedes writes the PUBACK within this call; only then may a waiting close go ahead.
        callback(null);
        answers.done(client);
      },
      (error: unknown) => {
        depth.inFlight--;
        if (error instanceof Refusal) {
          refuse(
            ctx,
            answers,
            client,
            device,
            error,
            refusedMessageId(raw, ctx.config.maxMessageBytes),
            callback,
          );
        } else {
          // Storage failure or our bug: no PUBACK; the device resends after reconnecting.
          ctx.logger.error({ device, err: error }, "ingest failed");
          answers.closeWhenAnswered(
            client,
            error instanceof Error ? error : new Error(String(error)),
            callback,
          );
        }
        answers.done(client);
      },
    );
  };
}
