import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { type AddressInfo, createServer, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { createWebSocketStream, WebSocketServer } from "ws";
import type { GatewayConfig } from "../config.ts";
import type { GuardableStream } from "./guardFrames.ts";

/** The MQTT listeners of the embedded broker: TCP always, TLS and WebSocket when configured. */
export type MqttListeners = {
  /** Bound ports (after start). */
  ports: { tcp: number; tls?: number; ws?: number };
  /**
   * Stops accepting connections on every listener at once; the connections already made stay open. The
   * promise resolves when the last of them has closed too (after aedes closed its clients).
   */
  stopAccepting(): Promise<void>;
};

/** The WebSocket path devices connect to (mqtt.js: `ws://host:port/mqtt`). */
export const MQTT_WS_PATH = "/mqtt";

/**
 * Starts the MQTT listeners and hands every accepted connection, as a byte stream, to `accept` (the frame
 * guard, then aedes). Over TLS the stream is the TLS socket; over WebSocket it is the socket's stream of
 * binary messages (subprotocol `mqtt`, the MQTT spec's WebSocket binding [MQTT-6.0.0-1..4]) with the
 * upgrade request's peer address, so per-IP limits apply to every transport alike.
 * @example const l = await startMqttListeners(config, (s) => aedes.handle(guardFrames(s, opts)))
 */
export async function startMqttListeners(
  config: GatewayConfig,
  accept: (stream: GuardableStream) => void,
): Promise<MqttListeners> {
  const servers: (Server | HttpServer)[] = [];
  const listen = async (server: Server | HttpServer, port: number) => {
    servers.push(server);
    server.listen(port, config.mqttHost);
    await once(server, "listening");
    return (server.address() as AddressInfo).port;
  };
  try {
    // Small PUBACKs must not wait for Nagle's algorithm: they are the acknowledgement latency.
    const tcp = await listen(createServer({ noDelay: true }, accept), config.mqttPort);
    const ports: MqttListeners["ports"] = { tcp };
    if (config.mqttTlsPort !== undefined && config.mqttTlsCertFile && config.mqttTlsKeyFile) {
      const tls = createTlsServer(
        {
          cert: readFileSync(config.mqttTlsCertFile),
          key: readFileSync(config.mqttTlsKeyFile),
          minVersion: "TLSv1.2",
        },
        (socket) => {
          socket.setNoDelay(true);
          accept(socket);
        },
      );
      // A failed handshake (a scanner, a wrong CA) is that client's problem, not the listener's.
      tls.on("tlsClientError", () => {});
      ports.tls = await listen(tls, config.mqttTlsPort);
    }
    if (config.mqttWsPort !== undefined) {
      const http = createHttpServer((_req, res) => {
        res
          .writeHead(426, { "content-type": "text/plain", upgrade: "websocket" })
          .end("MQTT over WebSocket\n");
      });
      const wss = new WebSocketServer({
        server: http,
        path: MQTT_WS_PATH,
        // A WebSocket message carries MQTT bytes; none may exceed what the frame guard would let through.
        maxPayload: config.maxMessageBytes + config.packetOverheadBytes + 5,
        handleProtocols: (protocols) => (protocols.has("mqtt") ? "mqtt" : false),
      });
      wss.on("connection", (ws, req) => {
        req.socket.setNoDelay(true);
        const stream = createWebSocketStream(ws) as GuardableStream;
        Object.assign(stream, { remoteAddress: req.socket.remoteAddress, remotePort: req.socket.remotePort });
        // An error on the stream (a protocol violation) ends that connection only.
        stream.on("error", () => ws.terminate());
        accept(stream);
      });
      ports.ws = await listen(http, config.mqttWsPort);
    }
    return {
      ports,
      stopAccepting: () =>
        Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(
          () => {},
        ),
    };
  } catch (error) {
    for (const s of servers) s.close();
    throw error;
  }
}
