import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import * as secp from "@noble/secp256k1";
import { bytesToHex, toChecksumAddress } from "#protocol";
import { EXAMPLE_ADMIN_TOKEN, exampleDevice, startTestApi, type TestApi } from "./testing/index.ts";

const device = exampleDevice("devices test");
const compressed = bytesToHex(device.publicKey);
// The same key as a 65-byte uncompressed point.
const uncompressed = bytesToHex(secp.Point.fromBytes(device.publicKey).toBytes(false));

/** The EIP-55 address with the case of its first letter flipped: a checksum error. */
function badChecksum(address: string): string {
  const checksummed = toChecksumAddress(address);
  const i = checksummed.slice(2).search(/[a-fA-F]/) + 2;
  const c = checksummed[i]!;
  const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
  return `${checksummed.slice(0, i)}${flipped}${checksummed.slice(i + 1)}`;
}

describe("devices API", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (body: unknown, headers: Record<string, string> = {}) =>
    t.fetch(`${t.base}/devices`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}`,
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  describe("POST /devices", () => {
    it("registers a new key with 201, then answers 200 with the same record when it is registered again", async () => {
      const first = await register({ publicKey: uncompressed, label: "reefer 7 probe" });
      expect(first.status).toBe(201);
      const created = await first.json();
      expect(created).toEqual({
        address: device.address,
        addressChecksummed: toChecksumAddress(device.address),
        publicKey: compressed,
        label: "reefer 7 probe",
        registeredAt: expect.any(Number),
        status: "active",
        revokedAt: null,
        flaggedAt: null,
        rotatedFrom: null,
        rotatedTo: null,
        giai: null,
      });
      expect(first.headers.get("location")).toBe(`/api/v1/devices/${device.address}`);

      const again = await register({ publicKey: compressed, label: "reefer 7 probe" });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(created);
    });

    it("answers 401 with WWW-Authenticate when the Authorization header is missing", async () => {
      const res = await t.fetch(`${t.base}/devices`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ publicKey: compressed, label: "x" }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await res.json()).error.code).toBe("UNAUTHORIZED");
    });

    it.each([
      ["a Basic scheme", `Basic ${Buffer.from("admin:x").toString("base64")}`],
      ["a Bearer without a token", "Bearer "],
      ["a token with spaces", `Bearer ${EXAMPLE_ADMIN_TOKEN} extra`],
    ])("answers 401 for a malformed Authorization header (%s)", async (_what, authorization) => {
      const res = await register({ publicKey: compressed, label: "x" }, { authorization });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer .*invalid_request/);
      expect((await res.json()).error.code).toBe("UNAUTHORIZED");
    });

    it("answers 403 for a well-formed but wrong token, and never echoes either token", async () => {
      const res = await register(
        { publicKey: compressed, label: "x" },
        { authorization: "Bearer EXAMPLE-wrong-token-123" },
      );
      expect(res.status).toBe(403);
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe("FORBIDDEN");
      expect(text).not.toContain("EXAMPLE-wrong-token");
      expect(text).not.toContain(EXAMPLE_ADMIN_TOKEN);
    });

    it.each([
      ["not on the curve", `0x02${"ff".repeat(32)}`],
      ["the wrong length", `0x02${"11".repeat(31)}`],
      ["not hex", `0x02${"zz".repeat(32)}`],
      ["without 0x", compressed.slice(2)],
      ["not a string", 12345],
    ])("refuses a public key that is %s with 400 INVALID_PUBLIC_KEY", async (_what, publicKey) => {
      const res = await register({ publicKey, label: "bad key" });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("INVALID_PUBLIC_KEY");
    });

    it.each([
      ["an empty label", { publicKey: compressed, label: "" }],
      ["a label over 100 characters", { publicKey: compressed, label: "x".repeat(101) }],
      ["a label with a line break", { publicKey: compressed, label: "a\nb" }],
      ["a missing label", { publicKey: compressed }],
      ["an unknown field", { publicKey: compressed, label: "x", admin: true }],
      ["an array", [compressed, "x"]],
    ])("refuses %s with 400 INVALID_BODY", async (_what, body) => {
      const res = await register(body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("INVALID_BODY");
    });

    it("accepts a label of exactly 100 characters, counted as characters not bytes", async () => {
      const other = exampleDevice("label length");
      const res = await register({ publicKey: bytesToHex(other.publicKey), label: "é".repeat(100) });
      expect(res.status).toBe(201);
    });

    it("refuses malformed JSON with 400 INVALID_BODY", async () => {
      const res = await register('{"publicKey": "0x02",');
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: { code: "INVALID_BODY", message: "the body is not valid JSON" },
      });
    });

    it("refuses a body that is not declared JSON with 415", async () => {
      const res = await register(JSON.stringify({ publicKey: compressed, label: "x" }), {
        "content-type": "text/plain",
      });
      expect(res.status).toBe(415);
      expect((await res.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    });

    it("refuses a body over 16 kB with 413 PAYLOAD_TOO_LARGE", async () => {
      const res = await register({ publicKey: compressed, label: "x", padding: "a".repeat(64 * 1024) });
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    });

    it("answers 405 with Allow for another method on /devices", async () => {
      const res = await t.fetch(`${t.base}/devices`, { method: "DELETE" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
      expect((await res.json()).error.code).toBe("METHOD_NOT_ALLOWED");
    });

    it("never logs the admin token or the Authorization header", async () => {
      await register(
        { publicKey: compressed, label: "x" },
        { authorization: "Bearer EXAMPLE-wrong-token-456" },
      );
      const logs = JSON.stringify(t.logged);
      expect(logs).not.toContain(EXAMPLE_ADMIN_TOKEN);
      expect(logs).not.toContain("EXAMPLE-wrong-token-456");
      expect(logs.toLowerCase()).not.toContain("authorization");
    });
  });

  describe("GET /devices/:address", () => {
    it("returns a registered device, looked up by lowercase or EIP-55 address", async () => {
      await register({ publicKey: compressed, label: "reefer 7 probe" });
      for (const address of [device.address, toChecksumAddress(device.address)]) {
        const res = await t.fetch(`${t.base}/devices/${address}`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({
          address: device.address,
          addressChecksummed: toChecksumAddress(device.address),
          publicKey: compressed,
          label: "reefer 7 probe",
          revokedAt: null,
          flaggedAt: null,
        });
      }
    });

    it("shows a revocation made through the registry", async () => {
      await register({ publicKey: compressed, label: "reefer 7 probe" });
      await t.registry.revoke(device.address, 1_700_000_000_000);
      const body = await (await t.fetch(`${t.base}/devices/${device.address}`)).json();
      expect(body.revokedAt).toBe(1_700_000_000_000);
    });

    it("answers 404 DEVICE_NOT_FOUND for an unknown address", async () => {
      const res = await t.fetch(`${t.base}/devices/0x${"12".repeat(20)}`);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("DEVICE_NOT_FOUND");
    });

    it.each([
      ["too short", "0x1234"],
      ["not hex", `0x${"zz".repeat(20)}`],
      ["a bad EIP-55 checksum", badChecksum(device.address)],
    ])("answers 400 INVALID_ADDRESS for an address that is %s", async (_what, address) => {
      const res = await t.fetch(`${t.base}/devices/${address}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("INVALID_ADDRESS");
    });
  });
});
