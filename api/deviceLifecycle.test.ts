import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bytesToHex } from "#protocol";
import { EXAMPLE_ADMIN_TOKEN, exampleDevice, startTestApi, type TestApi } from "./testing/index.ts";

const ADMIN = { authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` };
const JSON_ADMIN = { ...ADMIN, "content-type": "application/json" };

describe("revoking and rotating device keys (admin)", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  const revoke = (address: string, headers: Record<string, string> = ADMIN) =>
    t.fetch(`${t.base}/devices/${address}/revoke`, { method: "POST", headers });
  const rotate = (address: string, body: unknown, headers: Record<string, string> = JSON_ADMIN) =>
    t.fetch(`${t.base}/devices/${address}/rotate`, { method: "POST", headers, body: JSON.stringify(body) });
  const get = async (address: string) => (await t.fetch(`${t.base}/devices/${address}`)).json();

  describe("POST /devices/{address}/revoke", () => {
    it("revokes an active device once: 200 with the revoked record, then 409 DEVICE_REVOKED", async () => {
      const device = exampleDevice("lifecycle revoke");
      await t.registry.register(device.publicKey, "to revoke");
      const before = Date.now();
      const res = await revoke(device.address);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ address: device.address, status: "revoked", rotatedTo: null });
      expect(body.revokedAt).toBeGreaterThanOrEqual(before);
      // GET adds the key's registry state: the revocation waits for the registrar, behind the registration.
      expect(await get(device.address)).toEqual({
        ...body,
        onChain: {
          status: "pending",
          registration: expect.objectContaining({ state: "pending" }),
          revocation: expect.objectContaining({ state: "pending", requestedAt: body.revokedAt }),
        },
      });
      // The gateway's view (what authenticate and ingest read) follows at once.
      expect(t.registry.get(device.address)?.revokedAt).toBe(body.revokedAt);

      const again = await revoke(device.address);
      expect(again.status).toBe(409);
      expect((await again.json()).error.code).toBe("DEVICE_REVOKED");
      expect((await get(device.address)).revokedAt).toBe(body.revokedAt);
    });

    it("answers 404 DEVICE_NOT_FOUND for an unknown device and 400 INVALID_ADDRESS for a malformed one", async () => {
      const unknown = await revoke(`0x${"12".repeat(20)}`);
      expect(unknown.status).toBe(404);
      expect((await unknown.json()).error.code).toBe("DEVICE_NOT_FOUND");
      const malformed = await revoke("0x1234");
      expect(malformed.status).toBe(400);
      expect((await malformed.json()).error.code).toBe("INVALID_ADDRESS");
    });

    it("answers 401 without a token and 403 with a wrong one, and revokes nothing", async () => {
      const device = exampleDevice("lifecycle unauthorized");
      await t.registry.register(device.publicKey, "stays");
      const missing = await revoke(device.address, {});
      expect(missing.status).toBe(401);
      expect((await missing.json()).error.code).toBe("UNAUTHORIZED");
      const wrong = await revoke(device.address, { authorization: "Bearer EXAMPLE-wrong-token-789" });
      expect(wrong.status).toBe(403);
      expect((await get(device.address)).status).toBe("active");
    });

    it("answers 405 with Allow: POST for a GET", async () => {
      const res = await t.fetch(`${t.base}/devices/0x${"12".repeat(20)}/revoke`);
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    });
  });

  describe("POST /devices/{address}/rotate", () => {
    it("registers the new key naming the old one and revokes the old one at the same instant (201)", async () => {
      const old = exampleDevice("lifecycle rotate old");
      const next = exampleDevice("lifecycle rotate new");
      await t.registry.register(old.publicKey, "reefer 9");
      const res = await rotate(old.address, { publicKey: bytesToHex(next.publicKey) });
      expect(res.status).toBe(201);
      expect(res.headers.get("location")).toBe(`/api/v1/devices/${next.address}`);
      const { revoked, registered } = await res.json();
      expect(revoked).toMatchObject({ address: old.address, status: "revoked", rotatedTo: next.address });
      expect(registered).toMatchObject({
        address: next.address,
        status: "active",
        label: "reefer 9",
        rotatedFrom: old.address,
        revokedAt: null,
      });
      expect(registered.registeredAt).toBe(revoked.revokedAt);
      // The rotation is one registry operation: the old key's revocation and the new key's registration.
      const rotation = expect.objectContaining({ state: "pending", requestedAt: revoked.revokedAt });
      expect(await get(old.address)).toEqual({
        ...revoked,
        onChain: { status: "pending", registration: expect.any(Object), revocation: rotation },
      });
      expect(await get(next.address)).toEqual({
        ...registered,
        onChain: { status: "pending", registration: rotation, revocation: null },
      });
      expect(t.registry.get(old.address)?.revokedAt).toBe(revoked.revokedAt);
      expect(t.registry.get(next.address)?.revokedAt).toBeNull();
    });

    it("answers 409 as the contract refuses: a key registered already (itself included), a revoked old key", async () => {
      const a = exampleDevice("lifecycle 409 a");
      const b = exampleDevice("lifecycle 409 b");
      const c = exampleDevice("lifecycle 409 c");
      await t.registry.register(a.publicKey, "a");
      await t.registry.register(b.publicKey, "b");
      for (const target of [a, b]) {
        const res = await rotate(a.address, { publicKey: bytesToHex(target.publicKey) });
        expect(res.status).toBe(409);
        expect((await res.json()).error.code).toBe("DEVICE_ALREADY_REGISTERED");
      }
      await revoke(b.address);
      const res = await rotate(b.address, { publicKey: bytesToHex(c.publicKey), label: "c" });
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe("DEVICE_REVOKED");
      expect((await t.fetch(`${t.base}/devices/${c.address}`)).status).toBe(404);
    });

    it.each([
      ["no token", 401, "UNAUTHORIZED", {}],
      ["a wrong token", 403, "FORBIDDEN", { authorization: "Bearer EXAMPLE-wrong-token-789" }],
      ["a body not declared JSON", 415, "UNSUPPORTED_MEDIA_TYPE", { ...ADMIN, "content-type": "text/plain" }],
    ])("answers a request with %s with %i %s", async (_what, status, code, headers) => {
      const res = await rotate(
        `0x${"12".repeat(20)}`,
        { publicKey: "0x02" },
        headers as Record<string, string>,
      );
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    });

    it.each([
      ["an unknown field", { publicKey: `0x02${"11".repeat(32)}`, owner: "me" }, "INVALID_BODY"],
      ["a label with a line break", { publicKey: `0x02${"11".repeat(32)}`, label: "a\nb" }, "INVALID_BODY"],
      ["no key", {}, "INVALID_PUBLIC_KEY"],
      ["a key off the curve", { publicKey: `0x02${"ff".repeat(32)}` }, "INVALID_PUBLIC_KEY"],
    ])("answers 400 for a body with %s", async (_what, body, code) => {
      const device = exampleDevice("lifecycle bad body");
      await t.registry.register(device.publicKey, "x");
      const res = await rotate(device.address, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe(code);
    });

    it("answers 404 DEVICE_NOT_FOUND for an unknown old key", async () => {
      const res = await rotate(`0x${"12".repeat(20)}`, {
        publicKey: bytesToHex(exampleDevice("nobody").publicKey),
      });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("DEVICE_NOT_FOUND");
    });
  });
});
