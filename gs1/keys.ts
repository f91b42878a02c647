/**
 * GS1 keys as plain data. Numeric keys are held in their canonical form: a GTIN always has 14 digits
 * (GTIN-8/12/13 left-padded with zeros), a GRAI's numeric part 14 (leading filler zero, check digit last).
 * `validateKey` turns a caller's key into this form or refuses it.
 */

/** A trade item class (GTIN, AI 01) without lot or serial. */
export type GtinKey = { readonly type: "gtin"; readonly gtin: string };
/** One serialised trade item: GTIN + serial (AI 21, X..20). */
export type SgtinKey = { readonly type: "sgtin"; readonly gtin: string; readonly serial: string };
/** One lot or batch of a trade item: GTIN + lot (AI 10, X..20). */
export type LgtinKey = { readonly type: "lgtin"; readonly gtin: string; readonly lot: string };
/** A logistic unit (pallet, parcel, container): SSCC (AI 00), 18 digits. */
export type SsccKey = { readonly type: "sscc"; readonly sscc: string };
/** A location or party: GLN (AI 414), 13 digits, with an optional extension (AI 254, X..20). */
export type GlnKey = { readonly type: "gln"; readonly gln: string; readonly extension?: string };
/** An individual asset, e.g. a sensor device: GIAI (AI 8004), X..30 starting with the company prefix. */
export type GiaiKey = { readonly type: "giai"; readonly giai: string };
/** A returnable asset: GRAI (AI 8003), 14 digits, with an optional serial (X..16). */
export type GraiKey = { readonly type: "grai"; readonly grai: string; readonly serial?: string };

export type Gs1Key = GtinKey | SgtinKey | LgtinKey | SsccKey | GlnKey | GiaiKey | GraiKey;
export type Gs1KeyType = Gs1Key["type"];

/** Maximum lengths of the alphanumeric parts (GS1 General Specifications, AI table). */
export const MAX_LENGTH = {
  serial: 20,
  lot: 20,
  cpv: 20,
  glnExtension: 20,
  giai: 30,
  graiSerial: 16,
} as const;
