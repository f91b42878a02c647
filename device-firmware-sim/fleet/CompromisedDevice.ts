import pino, { type Logger } from "pino";
import { type Address, type DeviceIdentity, invariant, signConnectToken } from "#protocol";
import type { DeviceClient } from "../clients/deviceClient.ts";
import { abortableSleep } from "../device/abortableSleep.ts";
import { decodeRefusal } from "../device/decodeRefusal.ts";
import { type DeviceState, loadDeviceState, saveDeviceState } from "../device/deviceState.ts";
import type { DeviceStats } from "../device/deviceStats.ts";
import { nextTokenIat } from "../device/nextTokenIat.ts";
import { isSimError, SimErrorCode } from "../errors.ts";
import type { Prng } from "../random/createPrng.ts";
import { buildAttack } from "./buildAttack.ts";
import type { Attack } from "./scenarioSchema.ts";

/** Counted when the gateway closed the connection without an errors notice. */
export const DISCONNECTED_WITHOUT_NOTICE = "DISCONNECTED_WITHOUT_NOTICE";
/** Counted when the gateway neither acknowledged nor refused within the attempt's timeout. */
export const NO_ANSWER = "NO_ANSWER";

export type CompromisedDeviceOptions = {
  identity: DeviceIdentity;
  label: string;
  dir: string;
  mqttUrl: string;
  client: DeviceClient;
  attacks: readonly Attack[];
  /** Seconds between attempts. */
  everyS: number;
  /** Address used for the wrong-topic attack. */
  victim: Address;
  prng: Prng;
  /** How long to wait for the refusal and disconnect of one attempt, ms. */
  attemptTimeoutMs?: number;
  logger?: Logger;
};

/**
 * A registered device whose key fell into the wrong hands, or whose firmware went haywire: every
 * `everyS` it connects with a valid token and publishes junk (random bytes, a forged signature, a reused
 * seq, another device's topic, an oversized message, a far-future timestamp), each earning a refusal on
 * its errors topic and a disconnect. The fleet runs it beside honest devices to show they are unaffected.
 */
export class CompromisedDevice {
  readonly identity: DeviceIdentity;
  readonly label: string;
  private readonly options: CompromisedDeviceOptions;
  private readonly logger: Logger;
  private state: DeviceState | undefined;
  private running: Promise<void> | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly lifetime = new AbortController();
  private attempt = 0;
  private online = false;
  private noticeCount = 0;
  private readonly counters = {
    produced: 0,
    sent: 0,
    acknowledged: 0,
    refused: {} as Record<string, number>,
    connects: 0,
    connectFailures: 0,
    /** Junk the gateway acknowledged: must stay 0. */
    accepted: 0,
  };

  constructor(options: CompromisedDeviceOptions) {
    this.options = options;
    this.identity = options.identity;
    this.label = options.label;
    this.logger = (options.logger ?? pino({ level: "silent" })).child({
      device: options.identity.address,
      label: options.label,
      role: "compromised",
    });
  }

  async start(): Promise<void> {
    invariant(this.running === undefined, "compromised device already started");
    this.state = await loadDeviceState(this.options.dir);
    this.options.client.on("message", (topic, payload) => {
      if (topic !== `devices/${this.identity.address}/errors`) return;
      const refusal = decodeRefusal(payload);
      const code = refusal?.code ?? "UNREADABLE_REFUSAL";
      this.noticeCount++;
      this.counters.refused[code] = (this.counters.refused[code] ?? 0) + 1;
      this.logger.info({ reason: code, detail: refusal?.detail }, "refused, as it should be");
    });
    this.running = this.run();
  }

  stats(): DeviceStats & { accepted: number } {
    return {
      label: this.label,
      address: this.identity.address,
      role: "compromised",
      produced: this.counters.produced,
      sent: this.counters.sent,
      resent: 0,
      acknowledged: this.counters.acknowledged,
      buffered: 0,
      skipped: 0,
      refused: { ...this.counters.refused },
      connects: this.counters.connects,
      connectFailures: this.counters.connectFailures,
      online: this.online,
      halted: false,
      accepted: this.counters.accepted,
    };
  }

  /**
   * Stops after the attempt under way: that one runs to its end (its refusal, or the attempt timeout).
   * Cut short, it could leave a reading sent but neither acknowledged nor refused (the connection closed
   * under its PUBLISH), and the counts would no longer add up. Every call resolves once it is done, the
   * first as the later ones: stats read after any of them are final.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      this.lifetime.abort(); // ends the pause between attempts
      await this.running;
      await this.options.client.close();
    })();
    return this.closed;
  }

  private async run(): Promise<void> {
    while (!this.closing) {
      const attack = this.options.attacks[this.attempt++ % this.options.attacks.length]!;
      try {
        await this.visit(attack);
      } catch (error) {
        this.logger.debug({ err: error, attack }, "attempt ended early");
      }
      this.online = false;
      await abortableSleep(this.options.everyS * 1000, this.lifetime.signal);
    }
  }

  private async visit(attack: Attack): Promise<void> {
    const client = this.options.client;
    const iat = nextTokenIat(Date.now(), this.state!.lastIat);
    this.state = { ...this.state!, lastIat: iat };
    await saveDeviceState(this.options.dir, this.state);
    let onClose: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      onClose = resolve;
    });
    client.once("close", onClose);
    try {
      await client.connect({
        url: this.options.mqttUrl,
        clientId: this.identity.address,
        username: this.identity.address,
        password: signConnectToken(this.identity, iat),
        keepaliveS: 30,
        connectTimeoutMs: 5000,
      });
    } catch (error) {
      client.off("close", onClose);
      this.counters.connectFailures++;
      if (isSimError(error, SimErrorCode.ConnectRefused)) {
        const code = `CONNECT_REFUSED_${String(error.details.returnCode)}`;
        this.counters.refused[code] = (this.counters.refused[code] ?? 0) + 1;
      }
      return;
    }
    this.counters.connects++;
    this.online = true;
    if (this.closing) return;
    await client.subscribe(`devices/${this.identity.address}/errors`);
    const plan = buildAttack(attack, {
      identity: this.identity,
      seq: this.state!.seq,
      prev: this.state!.prev,
      victim: this.options.victim,
      prng: this.options.prng,
      now: Date.now(),
    });
    if (plan.prelude) {
      this.counters.produced++;
      this.counters.sent++;
      await client.publish(`devices/${this.identity.address}/readings`, plan.prelude.raw);
      this.counters.acknowledged++;
      this.state = { ...this.state!, seq: plan.prelude.seq, prev: plan.prelude.messageId };
      await saveDeviceState(this.options.dir, this.state);
    }
    this.counters.sent++;
    const noticesBefore = this.noticeCount;
    const acceptedBefore = this.counters.accepted;
    let peerClosed = false;
    void closed.then(() => {
      peerClosed = true;
    });
    this.logger.debug({ attack, expect: plan.expect }, "sending junk");
    client.publish(plan.topic, plan.payload).then(
      () => {
        this.counters.accepted++;
        this.logger.error({ attack }, "the gateway acknowledged junk");
        void client.close();
      },
      () => {},
    );
    const timeout = new Promise<void>((resolve) =>
      setTimeout(resolve, this.options.attemptTimeoutMs ?? 3000).unref(),
    );
    await Promise.race([closed, timeout]);
    if (this.noticeCount === noticesBefore && this.counters.accepted === acceptedBefore) {
      // Cut off without a notice (the gateway's frame guard drops oversized frames before reading them),
      // or, if the connection is still up, ignored altogether.
      const code = peerClosed ? DISCONNECTED_WITHOUT_NOTICE : NO_ANSWER;
      this.counters.refused[code] = (this.counters.refused[code] ?? 0) + 1;
    }
    await client.close();
  }
}
