import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { clientErrorStatus } from "./http/answerClientError.ts";
import { openApiValidator, startTestApi, type TestApi } from "./testing/index.ts";

/**
 * Sends `request` over a raw TCP connection and collects what comes back until the server closes; says
 * whether the connection was reset (an ECONNRESET can make the client lose the answer).
 */
function exchange(port: number, request: string): Promise<{ text: string; reset: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    let reset = false;
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      reset = error.code === "ECONNRESET" || error.code === "EPIPE";
    });
    socket.on("close", () => resolve({ text: Buffer.concat(chunks).toString("latin1"), reset }));
    // The answer may come while the request is still being written: keep writing, as a real client would.
    socket.on("connect", () => socket.end(request));
  });
}

/** The status and the JSON body of a raw HTTP/1.1 answer. */
function parse(text: string): { statusLine: string; headers: Headers; body: string } {
  const [head = "", body = ""] = text.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = new Headers(
    lines.map((l): [string, string] => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { statusLine, headers, body };
}

describe("requests too large to parse (before any route)", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    [
      "a 100 kB request line",
      414,
      "URI_TOO_LONG",
      `GET /api/v1/readings?x=${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ],
    ["a 1 MB request line", 414, "URI_TOO_LONG", `GET /${"a".repeat(1_000_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    [
      "100 kB of headers",
      431,
      "HEADERS_TOO_LARGE",
      `GET /api/v1/status HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 1000 }, (_, i) => `X-Filler-${i}: ${"b".repeat(90)}\r\n`).join("")}\r\n`,
    ],
    [
      "one 100 kB header",
      431,
      "HEADERS_TOO_LARGE",
      `GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ${"c".repeat(100_000)}\r\n\r\n`,
    ],
  ])(
    "answers %s with a proper %i status line and the JSON error before closing, without a reset",
    async (_what, status, code, request) => {
      const { text, reset } = await exchange(t.api.port, request);
      const answer = parse(text);
      expect(answer.statusLine).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer.headers.get("connection")).toBe("close");
      expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String) } });
      expect(reset).toBe(false);
      // The document describes these answers (components/responses), as it does every other.
      const name = status === 414 ? "UriTooLong" : "HeadersTooLarge";
      openApiValidator().checkAgainst(`#/components/responses/${name}`, {
        method: "GET",
        url: "http://127.0.0.1/",
        status,
        headers: answer.headers,
        body: answer.body,
      });
    },
  );

  it("still serves the next connection normally", async () => {
    await exchange(t.api.port, `GET /${"a".repeat(100_000)} HTTP/1.1\r\n\r\n`);
    expect((await t.fetch(`${t.base}/devices`)).status).toBe(200);
  });

  it("answers a malformed request line with 400 BAD_REQUEST", async () => {
    const { text } = await exchange(t.api.port, "NOT HTTP AT ALL\r\n\r\n");
    expect(parse(text).statusLine).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(parse(text).body).error.code).toBe("BAD_REQUEST");
  });

  it("tells a request line that never ended from headers that ran over", () => {
    const overflow = (raw: string, bytesParsed?: number) =>
      clientErrorStatus(
        Object.assign(new Error("Header overflow"), {
          code: "HPE_HEADER_OVERFLOW",
          rawPacket: Buffer.from(raw),
          ...(bytesParsed === undefined ? {} : { bytesParsed }),
        }),
      ).status;
    expect(overflow(`GET /${"a".repeat(20_000)}`)).toBe(414);
    expect(overflow(`GET / HTTP/1.1\r\nX: ${"a".repeat(20_000)}`)).toBe(431);
    expect(overflow(`${"a".repeat(20_000)}`)).toBe(431);
  });
});
