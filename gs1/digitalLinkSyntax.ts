/**
 * The part of the GS1 Digital Link URI syntax Sealtrail speaks: its primary keys, the key qualifiers each
 * takes (in the only order allowed), and the deprecated alphabetic short names decoders still accept.
 */

/** Primary key AI → its qualifier AIs, in the order they must appear in the path. */
export const PRIMARY_KEYS: Readonly<Record<string, readonly string[]>> = {
  "01": ["22", "10", "21"],
  "00": [],
  "414": ["254"],
  "8004": [],
  "8003": [],
};

export const QUALIFIERS: ReadonlySet<string> = new Set(["22", "10", "21", "254"]);

/** Short names of Digital Link 1.0 (deprecated since 1.1; parsed, never written). */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  gtin: "01",
  cpv: "22",
  lot: "10",
  ser: "21",
  sscc: "00",
  gln: "414",
  glnx: "254",
  giai: "8004",
  grai: "8003",
};

/**
 * AIs that are GS1 keys or key qualifiers: they identify, so they belong in the path and are refused in the
 * query string, where only data attributes (expiry date, weight, ...) go.
 */
export const IDENTIFYING_AIS: ReadonlySet<string> = new Set([
  "00",
  "01",
  "10",
  "21",
  "22",
  "235",
  "253",
  "254",
  "255",
  "401",
  "402",
  "414",
  "417",
  "8003",
  "8004",
  "8006",
  "8010",
  "8011",
  "8017",
  "8018",
]);

/** Longest value of any AI (company-internal AIs 91–99 are X..90). */
export const MAX_ATTRIBUTE_LENGTH = 90;
