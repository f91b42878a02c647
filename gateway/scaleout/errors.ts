import { SealtrailError } from "#protocol";

/** Failures of the RabbitMQ scale-out mode (ours or the cluster's; a device's bad input is a Refusal). */
export const ScaleoutErrorCode = {
  /** No node of `rabbitmqUrls` accepted an AMQP connection before the start timeout. */
  Unreachable: "RABBITMQ_UNREACHABLE",
  /** The readings topology could not be declared (e.g. existing queues with other arguments). */
  Topology: "RABBITMQ_TOPOLOGY",
  /** The auth service's address was asked for before start(). */
  NotStarted: "RABBITMQ_AUTH_NOT_STARTED",
} as const;
export type ScaleoutErrorCode = (typeof ScaleoutErrorCode)[keyof typeof ScaleoutErrorCode];

export class ScaleoutError extends SealtrailError {
  override name = "ScaleoutError";
  declare readonly code: ScaleoutErrorCode;
  constructor(
    code: ScaleoutErrorCode,
    shortMessage: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, shortMessage, options);
  }
}
