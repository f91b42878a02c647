import type { Channel } from "amqplib";
import { MQTT_EXCHANGE } from "./rabbitPermissions.ts";

/** The consistent-hash exchange that spreads readings over the queues by routing key (= by device). */
export const READINGS_EXCHANGE = "sealtrail.readings";

/** Queue k of the readings topology. */
export const readingsQueue = (k: number): string => `sealtrail.readings.${k}`;

/** The binding key under which `amq.topic` forwards every device's readings to the hash exchange. */
export const READINGS_BINDING = "devices.*.readings";

export type ReadingsTopology = {
  queues: number;
  /** One consumer per queue at a time (x-single-active-consumer), the others on standby. */
  singleActiveConsumer: boolean;
};

/**
 * Declares (idempotently; every gateway does it at start) where RabbitMQ puts the readings that devices
 * publish over MQTT:
 *
 * ```
 * amq.topic ──devices.*.readings──▶ sealtrail.readings (x-consistent-hash) ──weight 1 each──▶ sealtrail.readings.0 … n-1 (quorum)
 * ```
 *
 * The hash exchange hashes the routing key `devices.{address}.readings`, so one device's readings all go
 * to one queue, in the order RabbitMQ received them. The queues are quorum queues: a publisher confirm
 * (hence the device's PUBACK) means a majority of their replicas have written the message to disk.
 *
 * The order matters: the binding from `amq.topic` is declared last. RabbitMQ's MQTT plugin publishes
 * without the mandatory flag, so a reading that reaches no queue is confirmed — acknowledged to the
 * device — and dropped; binding the source only once every queue exists and is bound means no reading is
 * ever routed into an exchange with nowhere to go.
 */
export async function declareReadingsTopology(channel: Channel, topology: ReadingsTopology): Promise<void> {
  await channel.assertExchange(READINGS_EXCHANGE, "x-consistent-hash", { durable: true });
  for (let k = 0; k < topology.queues; k++) {
    await channel.assertQueue(readingsQueue(k), {
      durable: true,
      arguments: {
        "x-queue-type": "quorum",
        ...(topology.singleActiveConsumer ? { "x-single-active-consumer": true } : {}),
      },
    });
    // For the consistent-hash exchange the binding key is the queue's weight in the hash ring.
    await channel.bindQueue(readingsQueue(k), READINGS_EXCHANGE, "1");
  }
  await channel.bindExchange(READINGS_EXCHANGE, MQTT_EXCHANGE, READINGS_BINDING);
}
