import type { Socket } from "node:net";
import { ApiErrorCode } from "../errors.ts";

/** How long a refused connection is kept reading (and discarding) what the client still sends, ms. */
export const LINGER_MS = 2_000;

type ParserError = Error & { code?: string; rawPacket?: Buffer; bytesParsed?: number };

const answered = new WeakSet<Socket>();

const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  414: "URI Too Long",
  431: "Request Header Fields Too Large",
};

/**
 * The answer to a request that Node's HTTP parser refused before any route saw it.
 * A header overflow (request line and headers over `maxHeaderSize`, 16 KiB by default) is 414 when the
 * request line itself is what ran over, 431 otherwise; the parser reports both as HPE_HEADER_OVERFLOW, so
 * they are told apart by the bytes it was parsing: no line break before the point of failure in a chunk
 * that starts with a method means the request line never ended. (A request line split over several reads
 * whose overflow lands in a later one is answered 431: still a proper refusal.)
 */
export function clientErrorStatus(error: ParserError): { status: number; code: string; message: string } {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW": {
      const raw = error.rawPacket;
      const parsed = raw?.subarray(0, error.bytesParsed ?? raw.length);
      if (parsed && /^[A-Z]+ /.test(parsed.subarray(0, 16).toString("latin1")) && !parsed.includes(0x0a)) {
        return { status: 414, code: ApiErrorCode.UriTooLong, message: "the request line is too long" };
      }
      return {
        status: 431,
        code: ApiErrorCode.HeadersTooLarge,
        message: "the request headers are too large",
      };
    }
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        status: 408,
        code: ApiErrorCode.RequestTimeout,
        message: "the request took too long to arrive",
      };
    default:
      return { status: 400, code: ApiErrorCode.BadRequest, message: "the request is malformed" };
  }
}

/**
 * The server's `clientError` listener: answers a request the HTTP parser refused with a proper status line
 * and the API's JSON error body, then closes the connection gracefully. Node's default handler destroys
 * the socket right after writing; with the client still sending (a 100 kB request line), the unread bytes
 * make the kernel reset the connection, and the reset can discard the answer before the client reads it.
 * Here the connection is half-closed after the answer and whatever still arrives is read and dropped
 * (the parser keeps consuming the socket and failing) until the client closes, or LINGER_MS passes.
 * @example server.on("clientError", answerClientError)
 */
export function answerClientError(error: Error, socket: Socket): void {
  // The parser keeps failing on every later chunk of this connection: answer once.
  if (answered.has(socket)) return;
  answered.add(socket);
  const code = (error as ParserError).code;
  if (code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, code: apiCode, message } = clientErrorStatus(error as ParserError);
  const body = JSON.stringify({ error: { code: apiCode, message } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Cache-Control: no-store\r\n" +
      "X-Content-Type-Options: nosniff\r\n" +
      "Connection: close\r\n\r\n" +
      body,
  );
  socket.on("error", () => {});
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
