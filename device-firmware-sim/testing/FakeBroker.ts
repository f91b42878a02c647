import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import mqttPacket, { type IConnectPacket, type IPublishPacket, type Packet } from "mqtt-packet";

/** A PUBLISH the fake broker received, with the connection it came on (1, 2, … in order of CONNECT). */
export type ReceivedPublish = {
  topic: string;
  payload: Uint8Array;
  dup: boolean;
  messageId: number;
  connection: number;
};

/**
 * A scriptable MQTT 3.1.1 broker for unit tests of the device side, speaking through mqtt-packet: it
 * records every packet, can withhold PUBACKs, refuse CONNECTs, ignore PINGREQs, push messages to the
 * client and drop every connection — the things a real broker does only when it fails.
 */
export class FakeBroker {
  readonly connects: IConnectPacket[] = [];
  readonly publishes: ReceivedPublish[] = [];
  readonly subscriptions: string[] = [];
  pingreqs = 0;
  /** While true, PUBACKs are not sent (they are not sent later either). */
  holdAcks = false;
  /** CONNACK return code to answer with (0 accepts). */
  connackCode = 0;
  /** While true, PINGREQs go unanswered. */
  ignorePings = false;
  /** Called for each PUBLISH; return false to withhold its PUBACK. */
  onPublish: ((publish: ReceivedPublish, broker: FakeBroker) => boolean | undefined) | undefined;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(): Promise<FakeBroker> {
    const broker = new FakeBroker();
    broker.server.listen(0, "127.0.0.1");
    await once(broker.server, "listening");
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Publishes a QoS 0 message to every connected client. */
  sendToClients(topic: string, payload: Uint8Array): void {
    const bytes = mqttPacket.generate({
      cmd: "publish",
      topic,
      payload: Buffer.from(payload),
      qos: 0,
      dup: false,
      retain: false,
    });
    for (const socket of this.sockets) socket.write(bytes);
  }

  /** Drops every connection at once, as a crashing broker does. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    socket.on("error", () => {});
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    let connection = 0;
    const send = (packet: Packet) => {
      if (!socket.destroyed) socket.write(mqttPacket.generate(packet));
    };
    parser.on("packet", (packet: Packet) => {
      switch (packet.cmd) {
        case "connect":
          this.connects.push(packet);
          connection = this.connects.length;
          send({ cmd: "connack", returnCode: this.connackCode, sessionPresent: false });
          if (this.connackCode !== 0) socket.end();
          return;
        case "publish": {
          const publish = toReceived(packet, connection);
          this.publishes.push(publish);
          const ack = this.onPublish?.(publish, this) ?? true;
          if (ack && !this.holdAcks && packet.qos === 1)
            send({ cmd: "puback", messageId: packet.messageId! });
          return;
        }
        case "subscribe":
          this.subscriptions.push(...packet.subscriptions.map((s) => s.topic));
          send({ cmd: "suback", messageId: packet.messageId!, granted: packet.subscriptions.map(() => 0) });
          return;
        case "pingreq":
          this.pingreqs++;
          if (!this.ignorePings) send({ cmd: "pingresp" });
          return;
        case "disconnect":
          socket.end();
          return;
        default:
          return;
      }
    });
    socket.on("data", (chunk: Buffer) => parser.parse(chunk));
  }
}

function toReceived(packet: IPublishPacket, connection: number): ReceivedPublish {
  const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
  return {
    topic: packet.topic,
    payload: new Uint8Array(payload),
    dup: packet.dup,
    messageId: packet.messageId ?? 0,
    connection,
  };
}
