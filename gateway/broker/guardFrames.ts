import type { Socket } from "node:net";
import { Duplex } from "node:stream";

/**
 * What the guard reads from and writes to: a TCP or TLS socket, or a WebSocket's byte stream (which
 * carries the remote address of the HTTP upgrade's socket).
 */
export type GuardableStream = Duplex & Partial<Pick<Socket, "remoteAddress" | "remotePort">>;

import { type FrameRefusal, MqttFrameScanner } from "./mqttFrameScanner.ts";

export type GuardFramesOptions = {
  /** Largest remaining length a packet may declare. */
  maxRemainingLength: number;
  /** Called once, after the socket has been destroyed. */
  onRefused: (refusal: FrameRefusal, connection: GuardedConnection) => void;
  /** After {@link GuardedConnection.endAfterFlush}: how long the peer's input is still read (and dropped). */
  lingerMs?: number;
};

/** Long enough for a device to read a refusal notice and close; Apache's lingering close uses 2 s too. */
const DEFAULT_LINGER_MS = 2000;
const EMPTY = Buffer.alloc(0);

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
  private readonly socket: GuardableStream;
  private readonly lingerMs: number;
  /** endAfterFlush was called: a destroy from aedes must no longer cut what was written. */
  private ending = false;
  /** FIN sent; the peer's bytes are read and dropped until it closes or the linger time is over. */
  private lingering = false;

  constructor(socket: GuardableStream, options: GuardFramesOptions) {
    super({
      allowHalfOpen: false,
      readableHighWaterMark: socket.readableHighWaterMark,
      writableHighWaterMark: socket.writableHighWaterMark,
    });
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    this.lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
    const scanner = new MqttFrameScanner(options.maxRemainingLength);
    socket.on("data", (chunk: Buffer) => {
      if (this.destroyed || this.lingering) return;
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

  /**
   * Closes the connection without losing what was written to it: once every byte written so far (a
   * refusal notice, a CONNACK) has been handed to the kernel, sends FIN and calls `done`; from then on the
   * peer's input is read and dropped until it closes, at most `lingerMs`. Closing a socket whose peer is
   * still sending (a device that wrote 260 readings at once) would otherwise be a RST, and a RST can
   * discard the last bytes on their way; destroying it would discard what is still queued in Node. A
   * destroy by aedes after this call ends the socket the same way instead of cutting it.
   * @example connection.endAfterFlush(() => hookCallback(refusal))
   */
  endAfterFlush(done: () => void): void {
    if (this.ending || this.destroyed) {
      done();
      return;
    }
    this.ending = true;
    // A zero-length write completes after every chunk written before it, through this stream's buffer.
    this.write(EMPTY, () => {
      if (this.socket.destroyed) {
        done();
        return;
      }
      // Likewise on the socket: its callback runs once the bytes before it are in the kernel (or failed).
      this.socket.write(EMPTY, () => done());
      this.linger();
    });
  }

  private linger(): void {
    if (this.lingering) return;
    this.lingering = true;
    this.socket.resume();
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), this.lingerMs);
    timer.unref();
    this.socket.once("close", () => clearTimeout(timer));
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
    if (this.ending) this.linger();
    else this.socket.destroy();
    callback(error);
  }
}

/**
 * Wraps a freshly accepted socket for `aedes.handle`.
 * @example server.on("connection", (s) => aedes.handle(guardFrames(s, { maxRemainingLength: 4352, onRefused })))
 */
export function guardFrames(socket: GuardableStream, options: GuardFramesOptions): GuardedConnection {
  return new GuardedConnection(socket, options);
}
