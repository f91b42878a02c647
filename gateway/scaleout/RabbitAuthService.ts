import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { type ConnectTokenDeps, checkConnectToken } from "../broker/checkConnectToken.ts";
import { GatewayRefusalCode } from "../errors.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { RefusalLog } from "../refusalLog.ts";
import { ScaleoutError, ScaleoutErrorCode } from "./errors.ts";
import { type AuthForm, parseAuthForm } from "./parseAuthForm.ts";
import { mayUseResource, mayUseTopic } from "./rabbitPermissions.ts";

export type RabbitAuthServiceOptions = ConnectTokenDeps & {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The only virtual host devices may use. */
  vhost: string;
  metrics: GatewayMetrics;
  logger: Logger;
  refusalLog: RefusalLog;
};

/** A form body is a few hundred bytes (the CONNECT token is the largest field); refuse anything bigger. */
const MAX_BODY_BYTES = 8 * 1024;

/**
 * The HTTP service that RabbitMQ's rabbitmq_auth_backend_http asks about devices (docs/operations.md,
 * "Scale-out on RabbitMQ"). RabbitMQ sends the MQTT CONNECT's username, password and client id to
 * `/auth/user`, which answers with the embedded broker's own login rule (checkConnectToken: the same
 * token check, replay check included); `/auth/vhost`, `/auth/resource` and `/auth/topic` answer with
 * rabbitPermissions.ts. Bodies are `application/x-www-form-urlencoded` (auth_http.http_method = post)
 * or a query string (GET); answers are `allow` or `deny`, status 200, as the backend expects.
 *
 * Deny is the answer to anything unexpected — an unknown path, a malformed or oversized request, our own
 * failure — so a fault here can keep devices out but never let one in. Gateways themselves log in through
 * RabbitMQ's internal backend, listed first in `auth_backends`, and never reach this service.
 */
export class RabbitAuthService {
  private readonly options: RabbitAuthServiceOptions;
  private server: Server | undefined;

  constructor(options: RabbitAuthServiceOptions) {
    this.options = options;
  }

  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address)
      throw new ScaleoutError(ScaleoutErrorCode.NotStarted, "the RabbitMQ auth service is not listening");
    return address.port;
  }

  /** The base URL RabbitMQ's auth_http.*_path settings start with. */
  get url(): string {
    return `http://${this.options.host}:${this.port}/auth`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    // RabbitMQ keeps its connections to the backend open; they must not hold close() up for long.
    server.keepAliveTimeout = 5_000;
    this.server = server;
    server.listen(this.options.port, this.options.host);
    await once(server, "listening");
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://auth");
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        this.answer(res, false, 413);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (res.headersSent) return;
      const params = parseAuthForm(
        req.method === "POST" ? Buffer.concat(chunks).toString("latin1") : url.search.slice(1),
      );
      let allow = false;
      try {
        allow = this.decide(url.pathname, params);
      } catch (error) {
        this.options.logger.error({ err: error, path: url.pathname }, "RabbitMQ auth request failed; denied");
      }
      this.answer(res, allow);
    });
  }

  private answer(res: ServerResponse, allow: boolean, status = 200): void {
    res.writeHead(status, { "content-type": "text/plain" }).end(allow ? "allow" : "deny");
  }

  private decide(path: string, params: AuthForm): boolean {
    const o = this.options;
    const username = params.text("username");
    const vhost = params.text("vhost");
    switch (path) {
      case "/auth/user":
        return this.login(username, params);
      case "/auth/vhost":
        return vhost === o.vhost && this.isActiveDevice(username);
      case "/auth/resource":
        return mayUseResource(
          {
            username,
            vhost,
            resource: params.text("resource"),
            name: params.text("name"),
            permission: params.text("permission"),
          },
          o.vhost,
        );
      case "/auth/topic":
        return mayUseTopic(
          {
            username,
            vhost,
            resource: params.text("resource"),
            name: params.text("name"),
            permission: params.text("permission"),
            routingKey: params.text("routing_key"),
          },
          o.vhost,
        );
      default:
        return false;
    }
  }

  /**
   * RabbitMQ (3.10) sends the MQTT client id as `client_id`; clients of other protocols send none and
   * are refused by the clientId = username rule. The password is the token's bytes as the device sent
   * them (parseAuthForm keeps binary intact).
   */
  private login(username: string, params: AuthForm): boolean {
    const o = this.options;
    const clientId = params.text("client_id");
    const password = params.bytes("password");
    const verdict = checkConnectToken(o, clientId, username, password);
    if (verdict.ok) return true;
    o.metrics.authFailures.inc({ reason: verdict.reason });
    o.refusalLog.warn(verdict.reason, { clientId: clientId.slice(0, 64) }, "RabbitMQ device login refused");
    return false;
  }

  private isActiveDevice(username: string): boolean {
    const device = this.options.registry.get(username as `0x${string}`);
    if (device?.revokedAt === null) return true;
    this.options.metrics.authFailures.inc({
      reason: device ? GatewayRefusalCode.RevokedDevice : GatewayRefusalCode.UnknownDevice,
    });
    return false;
  }
}
