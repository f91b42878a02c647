/** One RabbitMQ auth request's fields, each as the bytes it stands for. */
export type AuthForm = {
  /** A field as text (UTF-8); "" when absent. */
  text(name: string): string;
  /** A field's bytes; empty when absent. */
  bytes(name: string): Buffer;
};

/**
 * Parses an `application/x-www-form-urlencoded` body or query string byte for byte. URLSearchParams
 * decodes percent-escapes as UTF-8 and replaces invalid sequences with U+FFFD, which would corrupt a
 * binary CONNECT token (RabbitMQ percent-encodes the MQTT password's raw bytes); this keeps them.
 * @example parseAuthForm("username=0xab&password=%D2%84").bytes("password") // <Buffer d2 84>
 */
export function parseAuthForm(body: string): AuthForm {
  const fields = new Map<string, Buffer>();
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodeField(eq < 0 ? pair : pair.slice(0, eq)).toString("utf8");
    // The first occurrence wins: a field repeated by a crafted request cannot override it.
    if (!fields.has(name)) fields.set(name, decodeField(eq < 0 ? "" : pair.slice(eq + 1)));
  }
  return {
    text: (name) => fields.get(name)?.toString("utf8") ?? "",
    bytes: (name) => fields.get(name) ?? Buffer.alloc(0),
  };
}

function decodeField(encoded: string): Buffer {
  const out = Buffer.alloc(encoded.length);
  let n = 0;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25 /* % */ && i + 2 < encoded.length && isHex(encoded, i + 1) && isHex(encoded, i + 2)) {
      out[n++] = Number.parseInt(encoded.slice(i + 1, i + 3), 16);
      i += 2;
    } else if (c === 0x2b /* + */) {
      out[n++] = 0x20;
    } else if (c < 0x80) {
      out[n++] = c;
    } else {
      // Not valid in a form body; kept as its UTF-8 bytes rather than dropped.
      const bytes = Buffer.from(encoded[i]!, "utf8");
      return Buffer.concat([out.subarray(0, n), bytes, decodeField(encoded.slice(i + 1))]);
    }
  }
  return out.subarray(0, n);
}

function isHex(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
