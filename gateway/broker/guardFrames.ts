import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import { type FrameRefusal, MqttFrameScanner } from "./mqttFrameScanner.ts";

export type GuardFramesOptions = {
  /** Largest remaining length a packet may declare. */
  maxRemainingLength: number;
  /** Called once, after the socket has been destroyed. */
  onRefused: (refusal: FrameRefusal, connection: GuardedConnection) => void;
};

/**
 * A client connection as aedes sees it: the socket's bytes pass through an {@link MqttFrameScanner} on
 * their way in, and the socket is destroyed the moment they stop being acceptable MQTT framing (aedes has
 * no maximum packet size; its parser would buffer whatever length a header declares). Writes go straight
 * to the socket. `remoteAddress` is the socket's, for the per-IP limits in `preConnect`.
 */
export class GuardedConnection extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** Set by aedes (`conn.client = client`); read to name the device in refusal logs. */
  client?: { id?: string | null; _authorized?: boolean };
  private readonly socket: Socket;

  constructor(socket: Socket, options: GuardFramesOptions) {
    super({
      allowHalfOpen: false,
      readableHighWaterMark: socket.readableHighWaterMark,
      writableHighWaterMark: socket.writableHighWaterMark,
    });
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    const scanner = new MqttFrameScanner(options.maxRemainingLength);
    socket.on("data", (chunk: Buffer) => {
      if (this.destroyed) return;
      const refusal = scanner.feed(chunk);
      if (refusal) {
        socket.destroy();
        this.destroy();
        options.onRefused(refusal, this);
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on("end", () => this.push(null));
    socket.on("error", (error) => this.destroy(error));
    socket.on("close", () => this.destroy());
  }

  /** The device this connection authenticated as, if it did. */
  get device(): string | undefined {
    return this.client?._authorized && this.client.id ? this.client.id : undefined;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.write(chunk)) callback();
    else this.socket.once("drain", () => callback());
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    this.socket.cork();
    let ok = true;
    for (const { chunk } of chunks) ok = this.socket.write(chunk);
    this.socket.uncork();
    if (ok) callback();
    else this.socket.once("drain", () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

/**
 * Wraps a freshly accepted socket for `aedes.handle`.
 * @example server.on("connection", (s) => aedes.handle(guardFrames(s, { maxRemainingLength: 4352, onRefused })))
 */
export function guardFrames(socket: Socket, options: GuardFramesOptions): GuardedConnection {
  return new GuardedConnection(socket, options);
}
