import fc from "fast-check";
import { gs1CheckDigit } from "./checkDigit.ts";
import type { Gs1Key } from "./keys.ts";

// Generators of valid GS1 keys for the property tests (not part of the public API).

const SET_82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

export const digits = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(""));

export const withCheckDigit = (length: number) =>
  digits(length - 1).map((body) => body + gs1CheckDigit(body));

/** 1..max characters of GS1 AI character set 82. */
export const set82 = (max: number) =>
  fc.array(fc.constantFrom(...SET_82), { minLength: 1, maxLength: max }).map((chars) => chars.join(""));

/** A GTIN-14 of any kind (GTIN-8/12/13 are GTIN-14s with leading zeros). */
export const gtin = withCheckDigit(14);

/** A valid key of any type, with a company prefix length that fits it (for EPC URNs). */
export const keyWithPrefixLength: fc.Arbitrary<{ key: Gs1Key; companyPrefixLength: number }> = fc
  .integer({ min: 6, max: 12 })
  .chain((L) =>
    fc
      .oneof(
        gtin.map((g): Gs1Key => ({ type: "gtin", gtin: g })),
        fc.tuple(gtin, set82(20)).map(([g, serial]): Gs1Key => ({ type: "sgtin", gtin: g, serial })),
        fc.tuple(gtin, set82(20)).map(([g, lot]): Gs1Key => ({ type: "lgtin", gtin: g, lot })),
        withCheckDigit(18).map((sscc): Gs1Key => ({ type: "sscc", sscc })),
        withCheckDigit(13).map((gln): Gs1Key => ({ type: "gln", gln })),
        fc
          .tuple(
            withCheckDigit(13),
            set82(20).filter((e) => e !== "0"),
          )
          .map(([gln, extension]): Gs1Key => ({ type: "gln", gln, extension })),
        fc
          .tuple(digits(L), set82(30 - L))
          .map(([prefix, reference]): Gs1Key => ({ type: "giai", giai: prefix + reference })),
        fc.tuple(digits(12), set82(16)).map(
          ([body, serial]): Gs1Key => ({
            type: "grai",
            grai: `0${body}${gs1CheckDigit(`0${body}`)}`,
            serial,
          }),
        ),
      )
      .map((key) => ({ key, companyPrefixLength: L })),
  );

export const key: fc.Arbitrary<Gs1Key> = keyWithPrefixLength.map((k) => k.key);
