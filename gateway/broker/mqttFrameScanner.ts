import { GatewayRefusalCode } from "../errors.ts";

/** Why a byte stream stopped being acceptable MQTT framing. */
export type FrameRefusal = {
  code: typeof GatewayRefusalCode.FrameTooLarge | typeof GatewayRefusalCode.MalformedFrame;
  detail: string;
};

const HEADER = 0;
const LENGTH = 1;
const BODY = 2;

const CONNECT = 1;
const PUBLISH = 3;
const PUBREL = 6;
const SUBSCRIBE = 8;
const UNSUBSCRIBE = 10;
// Packets only a server sends (CONNACK, SUBACK, UNSUBACK, PINGRESP) never come from a client.
const SERVER_ONLY = new Set([2, 9, 11, 13]);

function malformed(detail: string): FrameRefusal {
  return { code: GatewayRefusalCode.MalformedFrame, detail };
}

/**
 * Follows the MQTT 3.1.1 fixed headers of a client's byte stream without buffering anything: the type
 * and flags byte, then the remaining length (§2.2.3, a 1–4 byte varint), then it skips the body. It
 * reports a refusal as soon as a header declares more than `maxRemainingLength` bytes — before the body
 * arrives, so a hostile peer cannot make the broker's parser buffer a 256 MB packet — or as soon as the
 * bytes cannot be MQTT from a client. One scanner per connection; `feed` every chunk in order.
 */
export class MqttFrameScanner {
  private readonly maxRemainingLength: number;
  private state = HEADER;
  private remaining = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private packets = 0;

  constructor(maxRemainingLength: number) {
    this.maxRemainingLength = maxRemainingLength;
  }

  /** Packets whose fixed header has been read completely. */
  get packetCount(): number {
    return this.packets;
  }

  /** Scans the next chunk; returns the refusal, or undefined while the stream is acceptable. */
  feed(chunk: Uint8Array): FrameRefusal | undefined {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.state === BODY) {
        const take = Math.min(this.remaining, n - i);
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = HEADER;
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === HEADER) {
        const refusal = this.checkTypeAndFlags(byte >> 4, byte & 0x0f);
        if (refusal) return refusal;
        this.state = LENGTH;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      // LENGTH: least significant group first, continuation in bit 7 [MQTT-2.2.3].
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (this.length > this.maxRemainingLength) {
        return {
          code: GatewayRefusalCode.FrameTooLarge,
          detail: `packet declares more than ${this.maxRemainingLength} bytes`,
        };
      }
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return malformed("remaining length longer than 4 bytes");
        continue;
      }
      this.packets++;
      if (this.length === 0) this.state = HEADER;
      else {
        this.remaining = this.length;
        this.state = BODY;
      }
    }
    return undefined;
  }

  private checkTypeAndFlags(type: number, flags: number): FrameRefusal | undefined {
    if (type === 0 || type === 15) return malformed(`reserved packet type ${type}`);
    // [MQTT-3.1.0-1] the first packet is CONNECT; [MQTT-3.1.0-2] a second CONNECT is a violation.
    if (this.packets === 0 && type !== CONNECT) return malformed("first packet is not CONNECT");
    if (this.packets > 0 && type === CONNECT) return malformed("second CONNECT on one connection");
    if (SERVER_ONLY.has(type)) return malformed(`packet type ${type} is sent by servers only`);
    if (type === PUBLISH) {
      // [MQTT-3.3.1-4] QoS 3 is malformed.
      if ((flags & 0x06) === 0x06) return malformed("PUBLISH with QoS 3");
      return undefined;
    }
    // [MQTT-2.2.2-1] [MQTT-2.2.2-2] fixed flags of every other type.
    const expected = type === PUBREL || type === SUBSCRIBE || type === UNSUBSCRIBE ? 0x02 : 0x00;
    if (flags !== expected) return malformed(`reserved flags ${flags} on packet type ${type}`);
    return undefined;
  }
}
