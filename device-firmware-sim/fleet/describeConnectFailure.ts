import { isSimError, SimErrorCode } from "../errors.ts";

type Errno = Error & { code?: unknown; address?: unknown; port?: unknown; errors?: unknown };

/**
 * Why a CONNECT failed, in the words an operator searches for: the socket error and the address it was
 * about (`ECONNREFUSED 127.0.0.1:1883`, `ENOTFOUND broker.example`), else the client's own reason
 * (`no CONNACK within 5000 ms`, a refused CONNACK with its return code).
 * @example describeConnectFailure(error) // "ECONNREFUSED 127.0.0.1:1883"
 */
export function describeConnectFailure(error: unknown): string {
  // The clients wrap the socket's error as the cause of a SimError; look for it down the chain. Not
  // `instanceof Error`: Node's own errors come from another realm when this runs inside a vm (Jest).
  for (
    let e = error as Errno | undefined, depth = 0;
    isObject(e) && depth < 5;
    e = e.cause as Errno, depth++
  ) {
    const errno = socketError(e);
    if (errno) return errno;
  }
  if (isSimError(error, SimErrorCode.ConnectRefused))
    return `CONNACK return code ${String(error.details.returnCode)} (${error.shortMessage})`;
  if (isSimError(error)) return error.shortMessage;
  return isObject(error) && typeof (error as Errno).message === "string"
    ? (error as Errno).message
    : String(error);
}

function isObject(value: unknown): value is Errno {
  return typeof value === "object" && value !== null;
}

function socketError(e: Errno): string | undefined {
  if (typeof e.code !== "string" || !/^E[A-Z]+$/.test(e.code)) return undefined;
  // Happy eyeballs (a name with several addresses) fails with an AggregateError listing each attempt.
  const attempts = Array.isArray(e.errors) ? (e.errors as Errno[]) : [e];
  const where = attempts
    .map((a) =>
      typeof a.address === "string" ? `${a.address}${a.port === undefined ? "" : `:${a.port}`}` : "",
    )
    .filter((w) => w !== "");
  if (where.length > 0) return `${e.code} ${where.join(", ")}`;
  // getaddrinfo errors carry the host name only in the message ("getaddrinfo ENOTFOUND broker.example").
  const message = String(e.message);
  return message.includes(e.code) ? message.slice(message.indexOf(e.code)) : e.code;
}
