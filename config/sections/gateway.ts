import { availableParallelism } from "node:os";
import { z } from "zod";
import { setting } from "../setting.ts";

/**
 * The gateway: its MQTT listener (embedded mode) or the broker it consumes from (external mode), the
 * limits that keep hostile input cheap, the verify pool, group commit and batching. Variable names are
 * those the gateway has always read (docs/operations.md).
 */
export const gatewaySection = z
  .strictObject({
    mode: setting(
      z.enum(["embedded", "external", "rabbitmq"]).default("embedded"),
      "embedded: devices connect to the gateway's own aedes broker; external: the gateway consumes from an external broker's shared subscription; rabbitmq: the gateway consumes RabbitMQ quorum queues over AMQP (docs/operations.md, Scale-out on RabbitMQ)",
      { env: "SEALTRAIL_GATEWAY_MODE" },
    ),
    mqttHost: setting(
      z.string().default("127.0.0.1"),
      "Interface the MQTT listener binds (the demo: SEALTRAIL_HOST unless this is set)",
      { env: "SEALTRAIL_MQTT_HOST", demoText: "SEALTRAIL_HOST" },
    ),
    mqttPort: setting(
      z.coerce.number().int().min(0).max(65535).default(1883),
      "MQTT TCP port; 0 picks a free one",
      { env: "SEALTRAIL_MQTT_PORT" },
    ),
    mqttTlsPort: setting(
      z.coerce.number().int().min(0).max(65535).optional(),
      "MQTT over TLS (mqtts) port, beside the TCP one; needs mqttTlsCertFile and mqttTlsKeyFile; unset: no TLS listener",
      { env: "SEALTRAIL_MQTT_TLS_PORT", defaultText: "off" },
    ),
    mqttTlsCertFile: setting(
      z.string().min(1).optional(),
      "PEM certificate chain of the MQTT TLS listener (re-read only at start)",
      { env: "SEALTRAIL_MQTT_TLS_CERT_FILE" },
    ),
    mqttTlsKeyFile: setting(
      z.string().min(1).optional(),
      "PEM private key of the MQTT TLS listener; the file is read, its path is all that is ever printed",
      { env: "SEALTRAIL_MQTT_TLS_KEY_FILE" },
    ),
    mqttWsPort: setting(
      z.coerce.number().int().min(0).max(65535).optional(),
      "MQTT over WebSocket port (path /mqtt, subprotocol mqtt), for devices and browsers behind HTTP-only networks; TLS for it is a reverse proxy's job; unset: none",
      { env: "SEALTRAIL_MQTT_WS_PORT", defaultText: "off" },
    ),
    httpHost: setting(
      z.string().min(1).default("127.0.0.1"),
      "Interface of `sealtrail gateway`'s own HTTP listener (/healthz, /readyz, /metrics)",
      { env: "SEALTRAIL_GATEWAY_HTTP_HOST" },
    ),
    httpPort: setting(
      z.coerce.number().int().min(0).max(65535).default(9464),
      "Port of `sealtrail gateway`'s own HTTP listener (/healthz, /readyz, /metrics); 0 picks a free one",
      { env: "SEALTRAIL_GATEWAY_HTTP_PORT" },
    ),
    drainTimeoutMs: setting(
      z.coerce.number().int().min(0).default(10_000),
      "On SIGTERM, and before a refused device's connection is closed, how long readings already received may take to be stored and acknowledged, ms",
      { env: "SEALTRAIL_DRAIN_TIMEOUT_MS" },
    ),
    maxMessageBytes: setting(
      z.coerce
        .number()
        .int()
        .min(256)
        .max(1 << 20)
        .default(4096),
      "Largest accepted reading message, bytes",
      { env: "SEALTRAIL_MAX_MESSAGE_BYTES" },
    ),
    packetOverheadBytes: setting(
      z.coerce
        .number()
        .int()
        .min(64)
        .max(1 << 16)
        .default(256),
      "MQTT packets may exceed maxMessageBytes by this much (topic, ids); a larger declared length closes the socket at once",
      { env: "SEALTRAIL_PACKET_OVERHEAD_BYTES" },
    ),
    connectTimeoutMs: setting(
      z.coerce.number().int().min(100).default(10_000),
      "A socket that has not sent CONNECT by then is closed, ms",
      { env: "SEALTRAIL_CONNECT_TIMEOUT_MS" },
    ),
    maxTopicLevels: setting(
      z.coerce.number().int().min(3).max(100).default(8),
      "Deepest topic a PUBLISH or SUBSCRIBE may name",
      { env: "SEALTRAIL_MAX_TOPIC_LEVELS" },
    ),
    maxFutureSkewMs: setting(
      z.coerce
        .number()
        .int()
        .min(0)
        .default(5 * 60_000),
      "How far ahead of the server clock a reading's ts may be",
      { env: "SEALTRAIL_MAX_FUTURE_SKEW_MS" },
    ),
    tokenMaxSkewSeconds: setting(
      z.coerce.number().int().min(1).default(300),
      "CONNECT token iat window, seconds",
      { env: "SEALTRAIL_TOKEN_MAX_SKEW_S" },
    ),
    deviceRatePerSecond: setting(
      z.coerce.number().positive().default(20),
      "Sustained readings per second one device may publish",
      { env: "SEALTRAIL_DEVICE_RATE" },
    ),
    deviceRateBurst: setting(
      z.coerce.number().int().min(1).default(200),
      "Readings a device may publish at once above its rate, e.g. a backlog after an outage",
      { env: "SEALTRAIL_DEVICE_BURST" },
    ),
    connectRatePerIpPerSecond: setting(
      z.coerce.number().positive().default(20),
      "Sustained CONNECTs per second from one IP address",
      { env: "SEALTRAIL_CONNECT_RATE_PER_IP" },
    ),
    connectBurstPerIp: setting(
      z.coerce.number().int().min(1).default(500),
      "CONNECTs one IP address may make at once, e.g. a NAT of devices reconnecting after a gateway restart",
      { env: "SEALTRAIL_CONNECT_BURST_PER_IP" },
    ),
    verifier: setting(
      z.enum(["native", "noble"]).default("native"),
      "Signature verifier: native libsecp256k1, or the pure-JS noble fallback where the addon is unavailable",
      { env: "SEALTRAIL_VERIFIER" },
    ),
    secp256k1: setting(
      z.enum(["auto", "system", "bundled"]).default("auto"),
      "Which libsecp256k1 the native verifier uses: the system's (apt-get install libsecp256k1-dev; bin/dev builds its addon; ~22 % faster), the copy bundled by the secp256k1 package, or auto (system when built)",
      { env: "SEALTRAIL_SECP256K1" },
    ),
    verifyPoolSize: setting(
      z.coerce
        .number()
        .int()
        .min(0)
        .max(256)
        .default(() => availableParallelism()),
      "Worker threads verifying signatures; 0 verifies on the main thread",
      { env: "SEALTRAIL_VERIFY_POOL_SIZE", defaultText: "the number of cores" },
    ),
    verifyBatchMax: setting(
      z.coerce.number().int().min(1).max(65_536).default(64),
      "Most readings sent to a verify worker in one message; bigger batches cost less CPU but wait longer",
      { env: "SEALTRAIL_VERIFY_BATCH_MAX" },
    ),
    verifyGatherMs: setting(
      z.coerce.number().int().min(0).max(50).default(2),
      "How long readings gather before they go to an idle verify worker, ms: each message wakes a thread, so fewer, fuller messages cost less CPU; 0 = at once",
      { env: "SEALTRAIL_VERIFY_GATHER_MS" },
    ),
    verifyInlineMaxLoad: setting(
      z.coerce.number().min(0).max(1).default(0.6),
      "Native verifier: readings are checked on the main thread while its event loop is busy less than this share of the time (inline checks included), on the verify pool beyond; 0 = always the pool",
      { env: "SEALTRAIL_VERIFY_INLINE_MAX_LOAD" },
    ),
    revocationPollMs: setting(
      z.coerce.number().int().min(0).default(2_000),
      "How often to re-read device records so a revocation made by another process closes the live session; 0 = only revocations made through this gateway's registry",
      { env: "SEALTRAIL_REVOCATION_POLL_MS" },
    ),
    externalBrokerUrl: setting(
      z.string().default(""),
      "External mode: the broker to consume from, e.g. mqtt://broker:1883",
      { env: "SEALTRAIL_EXTERNAL_BROKER_URL", secret: "url" },
    ),
    externalClientId: setting(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,40}$/)
        .default("sealtrail-gateway-1"),
      "External mode: this gateway's fixed client id prefix; its persistent sessions keep unacknowledged readings across restarts",
      { env: "SEALTRAIL_EXTERNAL_CLIENT_ID" },
    ),
    externalConnections: setting(
      z.coerce.number().int().min(1).max(256).default(16),
      "External mode: consumer sessions per gateway; each takes one reading at a time, so this is the ingest concurrency",
      { env: "SEALTRAIL_EXTERNAL_CONNECTIONS" },
    ),
    externalShareGroup: setting(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/)
        .default("sealtrail"),
      "External mode: shared subscription group, $share/{group}/devices/+/readings",
      { env: "SEALTRAIL_EXTERNAL_SHARE_GROUP" },
    ),
    externalUsername: setting(z.string().default(""), "External mode: broker user name of the gateway", {
      env: "SEALTRAIL_EXTERNAL_USERNAME",
    }),
    externalPassword: setting(z.string().default(""), "External mode: broker password of the gateway", {
      env: "SEALTRAIL_EXTERNAL_PASSWORD",
      secret: "value",
    }),
    rabbitmqUrls: setting(
      z
        .array(setting(z.string().regex(/^amqps?:\/\//), "One RabbitMQ node's AMQP URL", { secret: "url" }))
        .default([]),
      'RabbitMQ mode: the AMQP URLs of the cluster\'s nodes (JSON list, e.g. ["amqp://gateway:secret@rabbit-1:5672"]), tried in turn when a connection fails',
      { env: "SEALTRAIL_RABBITMQ_URLS", format: "json", secret: "url" },
    ),
    rabbitmqQueues: setting(
      z.coerce.number().int().min(1).max(256).default(4),
      "RabbitMQ mode: quorum queues the readings are spread over by device (consistent hash); every gateway declares and consumes the same number",
      { env: "SEALTRAIL_RABBITMQ_QUEUES" },
    ),
    rabbitmqPrefetch: setting(
      z.coerce.number().int().min(1).max(65_535).default(256),
      "RabbitMQ mode: unacknowledged deliveries a gateway holds per queue; the ingest concurrency",
      { env: "SEALTRAIL_RABBITMQ_PREFETCH" },
    ),
    rabbitmqConsumers: setting(
      z.enum(["competing", "single-active"]).default("competing"),
      "RabbitMQ mode: competing: every gateway takes deliveries from every queue (throughput grows with gateways); single-active: one gateway per queue at a time, the others on standby (per-device order kept across gateways). Fixed when the queues are first declared",
      { env: "SEALTRAIL_RABBITMQ_CONSUMERS" },
    ),
    rabbitmqVhost: setting(
      z.string().min(1).default("/"),
      "RabbitMQ mode: the virtual host devices log in to (the MQTT plugin's mqtt.vhost); the auth service refuses every other",
      { env: "SEALTRAIL_RABBITMQ_VHOST" },
    ),
    rabbitmqAuthPort: setting(
      z.coerce.number().int().min(-1).max(65535).default(-1),
      "RabbitMQ mode: port of this gateway's HTTP auth service, which RabbitMQ's rabbitmq_auth_backend_http calls for device logins and permissions; -1 = not served by this gateway, 0 = a free port",
      { env: "SEALTRAIL_RABBITMQ_AUTH_PORT" },
    ),
    rabbitmqAuthHost: setting(
      z.string().default("127.0.0.1"),
      "RabbitMQ mode: interface the HTTP auth service binds (only RabbitMQ's nodes need to reach it)",
      { env: "SEALTRAIL_RABBITMQ_AUTH_HOST" },
    ),
    groupCommitMs: setting(
      z.coerce.number().int().min(0).max(100).default(20),
      "How long a group of readings gathers before its commit (one fsync for all), ms from its first reading; longer: fewer fsyncs, higher latency",
      { env: "SEALTRAIL_GROUP_COMMIT_MS" },
    ),
    batchMaxSize: setting(
      z.coerce.number().int().min(1).max(4_000_000).default(10_000),
      "A batch seals when it holds this many messages",
      { env: "SEALTRAIL_BATCH_MAX_SIZE", demo: 1000 },
    ),
    batchMaxAgeMs: setting(
      z.coerce.number().int().min(100).default(60_000),
      "A batch also seals when its oldest message is this old, ms",
      { env: "SEALTRAIL_BATCH_MAX_AGE_MS", demo: 5000 },
    ),
  })
  .superRefine((config, ctx) => {
    if (config.mqttTlsPort !== undefined)
      for (const key of ["mqttTlsCertFile", "mqttTlsKeyFile"] as const)
        if (config[key] === undefined)
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "required when SEALTRAIL_MQTT_TLS_PORT is set",
          });
    if (config.mode === "external" && config.externalBrokerUrl === "")
      ctx.addIssue({
        code: "custom",
        path: ["externalBrokerUrl"],
        message: "required when SEALTRAIL_GATEWAY_MODE=external",
      });
    if (config.mode === "rabbitmq" && config.rabbitmqUrls.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["rabbitmqUrls"],
        message: "required when SEALTRAIL_GATEWAY_MODE=rabbitmq",
      });
  });

export type GatewaySection = z.infer<typeof gatewaySection>;
