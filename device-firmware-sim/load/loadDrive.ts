import { type Address, type DeviceIdentity, signConnectToken, validateArgument } from "#protocol";
import { createDeviceClient } from "../clients/createDeviceClient.ts";
import type { ClientKind, DeviceClient } from "../clients/deviceClient.ts";
import { decodeRefusal } from "../device/decodeRefusal.ts";
import { nextTokenIat } from "../device/nextTokenIat.ts";
import { SimError, SimErrorCode } from "../errors.ts";
import { preSignReadings } from "./preSignReadings.ts";

/** A registered device taking part in a load run. */
export type LoadDevice = {
  identity: DeviceIdentity;
  /** Its pre-signed chain (see preSignReadings); signed from seq 1 here when missing. */
  messages?: readonly Uint8Array[];
  /** iat of the last CONNECT token this device used, if it connected before (the next must be later). */
  lastIat?: number;
};

export type LoadDriveOptions = {
  mqttUrl: string;
  devices: readonly LoadDevice[];
  /** Messages each device publishes (the first n of its chain). */
  messagesPerDevice: number;
  client: ClientKind;
  /** PUBLISHes awaiting PUBACK per device (default 32). */
  inflight?: number;
  connectTimeoutMs?: number;
};

export type LoadDeviceResult = {
  address: Address;
  acknowledged: number;
  /** PUBACK latency of each message in publish order, ms. */
  latenciesMs: number[];
  /** iat of the CONNECT token used (pass it as lastIat next time). */
  iat: number;
};

export type LoadDriveResult = {
  client: ClientKind;
  inflight: number;
  devices: number;
  messages: number;
  /** From the first PUBLISH to the last PUBACK, ms (connecting not included). */
  durationMs: number;
  /** Time to connect and subscribe every device, ms. */
  connectMs: number;
  messagesPerSecond: number;
  /** Every message's PUBACK latency, device after device, ms. */
  latenciesMs: number[];
  perDevice: LoadDeviceResult[];
};

/**
 * Publishes pre-signed chains from many devices at once, each as fast as its PUBACKs allow (a window of
 * `inflight` unacknowledged messages), and measures each message's PUBACK latency — which, with the
 * gateway acknowledging only after the durable commit, is the device-visible ingest latency. Any refusal
 * or disconnect fails the run (a benchmark must not silently measure a broken setup).
 * @example const r = await loadDrive({ mqttUrl, devices, messagesPerDevice: 1000, client: "raw" }); r.messagesPerSecond
 */
export async function loadDrive(options: LoadDriveOptions): Promise<LoadDriveResult> {
  const inflight = options.inflight ?? 32;
  validateArgument(Number.isInteger(inflight) && inflight >= 1, "inflight must be a positive integer");
  validateArgument(
    Number.isInteger(options.messagesPerDevice) && options.messagesPerDevice >= 0,
    "messagesPerDevice must be >= 0",
  );
  const chains = options.devices.map((d) => {
    const messages = d.messages ?? preSignReadings(d.identity, options.messagesPerDevice).messages;
    validateArgument(
      messages.length >= options.messagesPerDevice,
      "a device has fewer pre-signed messages than messagesPerDevice",
      {
        device: d.identity.address,
      },
    );
    return messages.slice(0, options.messagesPerDevice);
  });

  const clients: DeviceClient[] = [];
  const refusals: string[] = [];
  try {
    const connectStart = performance.now();
    const iats = await Promise.all(
      options.devices.map(async (d) => {
        const client = createDeviceClient(options.client, { maxInflight: inflight });
        clients.push(client);
        const address = d.identity.address;
        client.on("message", (_topic, payload) => {
          refusals.push(`${address}: ${decodeRefusal(payload)?.code ?? "unreadable refusal"}`);
        });
        const iat = nextTokenIat(Date.now(), d.lastIat ?? 0);
        await client.connect({
          url: options.mqttUrl,
          clientId: address,
          username: address,
          password: signConnectToken(d.identity, iat),
          keepaliveS: 60,
          connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        });
        await client.subscribe(`devices/${address}/errors`);
        return iat;
      }),
    );
    const connectMs = performance.now() - connectStart;

    const started = performance.now();
    const perDevice = await Promise.all(
      options.devices.map(async (d, i): Promise<LoadDeviceResult> => {
        const latenciesMs = await publishWindowed(
          clients[i]!,
          `devices/${d.identity.address}/readings`,
          chains[i]!,
          inflight,
        );
        return { address: d.identity.address, acknowledged: latenciesMs.length, latenciesMs, iat: iats[i]! };
      }),
    ).catch((error: unknown) => {
      throw new SimError(
        SimErrorCode.ConnectionClosed,
        `load run failed${refusals.length ? ` (${refusals.join(", ")})` : ""}`,
        {
          details: { refusals },
          cause: error,
        },
      );
    });
    const durationMs = performance.now() - started;
    const messages = perDevice.reduce((n, d) => n + d.acknowledged, 0);
    return {
      client: options.client,
      inflight,
      devices: options.devices.length,
      messages,
      durationMs,
      connectMs,
      messagesPerSecond: durationMs > 0 ? (messages * 1000) / durationMs : 0,
      latenciesMs: perDevice.flatMap((d) => d.latenciesMs),
      perDevice,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Publishes in order keeping at most `window` awaiting PUBACK; resolves with each message's latency. */
function publishWindowed(
  client: DeviceClient,
  topic: string,
  messages: readonly Uint8Array[],
  window: number,
): Promise<number[]> {
  const latencies = new Array<number>(messages.length);
  if (messages.length === 0) return Promise.resolve(latencies);
  return new Promise((resolve, reject) => {
    let next = 0;
    let awaiting = 0;
    let done = 0;
    let failed = false;
    const launch = () => {
      while (!failed && awaiting < window && next < messages.length) {
        const index = next++;
        awaiting++;
        const sentAt = performance.now();
        client.publish(topic, messages[index]!).then(
          () => {
            latencies[index] = performance.now() - sentAt;
            awaiting--;
            if (++done === messages.length) resolve(latencies);
            else launch();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    launch();
  });
}
