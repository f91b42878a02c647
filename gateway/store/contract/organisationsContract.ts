// The store contract: organisations, their keys and credentials.
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { Address } from "#protocol";
import type { StoreUnderTest } from "./context.ts";
import { address, publicKey } from "./fixtures.ts";

/** Organisations with GLNs and keys, the keys' lifecycle, credentials. */
export function organisationsContract(current: () => StoreUnderTest): void {
  describe("organisations", () => {
    let store: StoreUnderTest;
    beforeEach(() => {
      store = current();
    });

    const k1 = address("org key 1");
    const k2 = address("org key 2");
    const create = (id: string, glns: string[], keys: Address[], createdAt = 1) =>
      store.createOrganisation({
        id,
        name: `${id} GmbH`,
        glns,
        keys: keys.map((a) => ({ address: a, publicKey: publicKey(a) })),
        createdAt,
      });

    it("creates an organisation with its GLNs (sorted) and keys; nothing is written when the id, a GLN or a key is taken", async () => {
      const created = await create("acme", ["4012345000023", "4012345000016"], [k1], 5);
      expect(created).toEqual({
        status: "created",
        organisation: {
          id: "acme",
          name: "acme GmbH",
          glns: ["4012345000016", "4012345000023"],
          createdAt: 5,
          keys: [
            {
              address: k1,
              organisation: "acme",
              publicKey: publicKey(k1),
              registeredAt: 5,
              revokedAt: null,
              rotatedFrom: null,
              rotatedTo: null,
            },
          ],
        },
      });
      expect((await create("acme", [], [])).status).toBe("id-taken");
      expect(await create("beta", ["4012345000099", "4012345000016"], [k2])).toEqual({
        status: "gln-taken",
        gln: "4012345000016",
        organisation: "acme",
      });
      expect(await create("beta", ["4012345000099"], [k2, k1])).toEqual({
        status: "key-taken",
        address: k1,
      });
      expect(await store.getOrganisation("beta")).toBeUndefined();
      expect(await store.getOrganisationKey(k2)).toBeUndefined();
      await create("beta", ["4012345000099"], [k2], 3);
      expect((await store.listOrganisations()).map((o) => o.id)).toEqual(["beta", "acme"]);
    });

    it("adds, revokes and rotates an organisation's keys with the device keys' outcomes", async () => {
      await create("acme", [], [k1]);
      await create("beta", [], [k2]);
      const k3 = address("org key 3");
      const k4 = address("org key 4");
      expect(
        (await store.addOrganisationKey("nobody", { address: k3, publicKey: publicKey(k3) }, 2)).status,
      ).toBe("unknown-organisation");
      expect(
        (await store.addOrganisationKey("acme", { address: k2, publicKey: publicKey(k2) }, 2)).status,
      ).toBe("key-taken");
      expect(
        await store.addOrganisationKey("acme", { address: k3, publicKey: publicKey(k3) }, 2),
      ).toMatchObject({
        status: "added",
        key: { address: k3, organisation: "acme", registeredAt: 2 },
      });
      // Another organisation's key is "unknown" here: no probing across organisations.
      expect((await store.revokeOrganisationKey("acme", k2, 3)).status).toBe("unknown");
      expect((await store.revokeOrganisationKey("acme", k3, 3)).status).toBe("revoked");
      expect(await store.revokeOrganisationKey("acme", k3, 4)).toMatchObject({
        status: "already-revoked",
        key: { revokedAt: 3 },
      });
      const to = { address: k4, publicKey: publicKey(k4) };
      expect(
        (
          await store.rotateOrganisationKey({
            organisation: "acme",
            from: k1,
            to: { ...to, address: k2 },
            at: 5,
          })
        ).status,
      ).toBe("key-taken");
      expect((await store.rotateOrganisationKey({ organisation: "acme", from: k2, to, at: 5 })).status).toBe(
        "unknown",
      );
      expect((await store.rotateOrganisationKey({ organisation: "acme", from: k3, to, at: 5 })).status).toBe(
        "revoked",
      );
      expect(await store.rotateOrganisationKey({ organisation: "acme", from: k1, to, at: 5 })).toMatchObject({
        status: "rotated",
        from: { address: k1, revokedAt: 5, rotatedTo: k4 },
        to: { address: k4, organisation: "acme", registeredAt: 5, rotatedFrom: k1 },
      });
      expect((await store.getOrganisation("acme"))?.keys.map((k) => k.address)).toEqual([k1, k3, k4]);
    });

    it("finds an active credential by its token's digest only", async () => {
      await create("acme", [], []);
      const digest = publicKey("token").subarray(1);
      const credential = { id: "c1", organisation: "acme", label: "ci", createdAt: 9, revokedAt: null };
      expect(await store.createCredential({ ...credential, tokenSha256: digest })).toEqual(credential);
      expect(await store.findCredential(digest)).toEqual(credential);
      expect(await store.findCredential(publicKey("other").subarray(1))).toBeUndefined();
      await store.createCredential({
        ...credential,
        id: "c2",
        revokedAt: 10,
        tokenSha256: publicKey("old").subarray(1),
      });
      expect(await store.findCredential(publicKey("old").subarray(1))).toBeUndefined();
    });
  });
}
