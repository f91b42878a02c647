import { gs1CheckDigit } from "../checkDigit.ts";

/*
 * The event hash writes every GS1 identifier as a constrained canonical GS1 Digital Link URI: on
 * id.gs1.org, numeric AIs, GTIN-14, only the finest level of identification (a serial drops the lot), no CPV,
 * no query string. EPC URNs (id, class and id-pattern forms) are converted, Digital Links on other domains
 * moved to id.gs1.org.
 *
 * This follows the reference implementation of the CBV 2.0 event hash (RalphTro/epcis-event-hash-generator,
 * dl_normaliser.py) rule for rule, including where it is lenient or odd, because a hash is only useful if
 * everybody computes the same one: for example it does not verify the check digits of Digital Links, and
 * percent-encodes only ! ( ) * + , : in values taken from EPC URNs. It is deliberately separate from the
 * strict parsers (parseEpcUrn, parseDigitalLink), which refuse what they do not accept.
 */

// A set-82 character or escape as EPC URNs write them, and the narrower set of the CPI scheme.
const EPC =
  "(?:%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])";
const CPI = "(?:%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])";
// The characters the reference accepts in a canonical Digital Link value (no %: escapes fail its checks).
const DL = "[\"'\\-.0-9;-?A-Z_a-z]";

/**
 * `(\d{6}\.\d{total-6})|...|(\d{12}\.\d{total-12})`: company prefix and reference, `total` digits together.
 * `last12` replaces the 12-digit alternative where the reference writes it differently; `anchored` ends
 * each alternative with `$`, as its patterns for all-numeric keys do.
 */
function split(total: number, last12?: string, anchored = false): string {
  const parts: string[] = [];
  for (let L = 6; L <= 11; L++) parts.push(`\\d{${L}}\\.\\d{${total - L}}`);
  parts.push(last12 ?? `\\d{12}\\.\\d{${total - 12}}`);
  return `(?:${parts.map((p) => `(?:${p}${anchored ? "$" : ""})`).join("|")})`;
}

/** `(\d{6}\.X{1,max-6})|...`: a company prefix and a reference that fill `max` characters together. */
function splitChars(max: number, chars: string): string {
  const parts: string[] = [];
  for (let L = 6; L <= 12; L++) parts.push(`\\d{${L}}\\.${chars}{1,${max - L}}`);
  return `(?:${parts.map((p) => `(?:${p})`).join("|")})`;
}

const ENCODED: Readonly<Record<string, string>> = {
  "!": "%21",
  "(": "%28",
  ")": "%29",
  "*": "%2A",
  "+": "%2B",
  ",": "%2C",
  ":": "%3A",
};
const TO_ENCODE = /[!()*+,:]/g;

/** The reference's percent-encoding of values from EPC URNs (which escape " % & / < > ? themselves). */
function encode(value: string): string {
  TO_ENCODE.lastIndex = 0;
  return TO_ENCODE.test(value) ? value.replace(TO_ENCODE, (c) => ENCODED[c]!) : value;
}

const withCheck = (digits: string): string => digits + gs1CheckDigit(digits);

/** GTIN-13 body (indicator + company prefix + item reference) from `gcp.indicatorItemref`. */
function gtinBody(uri: string, gcpStart: number, dot: number): string {
  const gcp = uri.slice(gcpStart, dot);
  const itemRef = uri.slice(dot + 1, dot + 1 + (13 - gcp.length));
  return itemRef.slice(0, 1) + gcp + itemRef.slice(1);
}

/** `gcp.reference` with the reference filling 12 digits (GLN, GDTI, SGCN, PGLN bodies). */
function body12(uri: string, gcpStart: number, dot: number): string {
  const gcp = uri.slice(gcpStart, dot);
  return gcp + uri.slice(dot + 1, dot + 1 + (12 - gcp.length));
}

type Rule = { readonly pattern: RegExp; readonly build: (uri: string, dot: number) => string };

const G = "https://id.gs1.org";

// One rule per EPC URN scheme, keyed by the scheme's literal prefix (the reference tries them in turn;
// each starts with a different literal, so looking the prefix up gives the same answer).
const EPC_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  [
    "urn:epc:id:sgtin:",
    {
      pattern: new RegExp(`^urn:epc:id:sgtin:${split(13)}\\.${EPC}{1,20}$`),
      build: (u, d) => `${G}/01/${withCheck(gtinBody(u, 17, d))}/21/${encode(u.slice(32))}`,
    },
  ],
  [
    "urn:epc:id:sscc:",
    {
      pattern: new RegExp(`^urn:epc:id:sscc:${split(17, undefined, true)}`),
      build: (u, d) => `${G}/00/${withCheck(u.slice(d + 1, d + 2) + u.slice(16, d) + u.slice(d + 2))}`,
    },
  ],
  [
    "urn:epc:id:sgln:",
    {
      pattern: new RegExp(`^urn:epc:id:sgln:${split(12, "\\d{12}\\.")}\\.${EPC}{1,20}$`),
      build: (u, d) => {
        const extension = u.slice(30);
        const gln = `${G}/414/${withCheck(body12(u, 16, d))}`;
        return extension === "0" ? gln : `${gln}/254/${encode(extension)}`;
      },
    },
  ],
  [
    "urn:epc:id:grai:",
    {
      pattern: new RegExp(`^urn:epc:id:grai:${split(12, "\\d{12}\\.\\.")}\\.${EPC}{1,16}$`),
      build: (u, d) => `${G}/8003/${withCheck(`0${body12(u, 16, d)}`)}${encode(u.slice(30))}`,
    },
  ],
  [
    "urn:epc:id:giai:",
    {
      pattern: new RegExp(`^urn:epc:id:giai:${splitChars(30, EPC)}$`),
      build: (u, d) => `${G}/8004/${u.slice(16, d)}${encode(u.slice(d + 1))}`,
    },
  ],
  [
    "urn:epc:id:gsrn:",
    {
      pattern: new RegExp(`^urn:epc:id:gsrn:${split(17, undefined, true)}`),
      build: (u, d) => `${G}/8018/${withCheck(u.slice(16, d) + u.slice(d + 1))}`,
    },
  ],
  [
    "urn:epc:id:gsrnp:",
    {
      pattern: new RegExp(`^urn:epc:id:gsrnp:${split(17, undefined, true)}`),
      build: (u, d) => `${G}/8017/${withCheck(u.slice(17, d) + u.slice(d + 1))}`,
    },
  ],
  [
    "urn:epc:id:gdti:",
    {
      // No dot between document type and serial in the reference's pattern: the serial's own dot matches.
      pattern: new RegExp(`^urn:epc:id:gdti:${split(12, "\\d{12}\\.\\.")}${EPC}{1,20}$`),
      build: (u, d) => `${G}/253/${withCheck(body12(u, 16, d))}${encode(u.slice(30))}`,
    },
  ],
  [
    "urn:epc:id:cpi:",
    {
      pattern: new RegExp(`^urn:epc:id:cpi:${splitChars(30, CPI)}\\.\\d{1,12}$`),
      build: (u, d) => {
        const last = u.lastIndexOf(".");
        return `${G}/8010/${encode(u.slice(15, d) + u.slice(d + 1, last))}/8011/${u.slice(last + 1)}`;
      },
    },
  ],
  [
    "urn:epc:id:sgcn:",
    {
      pattern: new RegExp(`^urn:epc:id:sgcn:${split(12, "\\d{12}\\.")}\\.\\d{1,12}$`),
      build: (u, d) => `${G}/255/${withCheck(body12(u, 16, d))}${u.slice(30)}`,
    },
  ],
  [
    "urn:epc:id:ginc:",
    {
      pattern: new RegExp(`^urn:epc:id:ginc:${splitChars(30, EPC)}$`),
      build: (u, d) => `${G}/401/${u.slice(16, d)}${encode(u.slice(d + 1))}`,
    },
  ],
  [
    "urn:epc:id:gsin:",
    {
      pattern: new RegExp(`^urn:epc:id:gsin:${split(16, undefined, true)}`),
      build: (u, d) => `${G}/402/${withCheck(u.slice(16, d) + u.slice(d + 1))}`,
    },
  ],
  [
    "urn:epc:id:itip:",
    {
      pattern: new RegExp(`^urn:epc:id:itip:${split(13)}\\.\\d{2}\\.\\d{2}\\.${EPC}{1,20}$`),
      build: (u, d) =>
        `${G}/8006/${withCheck(gtinBody(u, 16, d))}${u.slice(31, 33)}${u.slice(34, 36)}/21/${encode(u.slice(37))}`,
    },
  ],
  [
    "urn:epc:id:upui:",
    {
      pattern: new RegExp(`^urn:epc:id:upui:${split(13)}\\.${EPC}{1,28}$`),
      build: (u, d) => `${G}/01/${withCheck(gtinBody(u, 16, d))}/235/${encode(u.slice(31))}`,
    },
  ],
  [
    "urn:epc:id:pgln:",
    {
      pattern: new RegExp(`^urn:epc:id:pgln:${split(12, "\\d{12}\\.")}$`),
      build: (u, d) => `${G}/417/${withCheck(body12(u, 16, d))}`,
    },
  ],
  [
    "urn:epc:class:lgtin:",
    {
      pattern: new RegExp(`^urn:epc:class:lgtin:${split(13)}\\.${EPC}{1,20}$`),
      build: (u, d) => `${G}/01/${withCheck(gtinBody(u, 20, d))}/10/${encode(u.slice(35))}`,
    },
  ],
  [
    "urn:epc:idpat:sgtin:",
    {
      pattern: new RegExp(`^urn:epc:idpat:sgtin:${split(13)}\\.\\*$`),
      build: (u, d) => `${G}/01/${withCheck(gtinBody(u, 20, d))}`,
    },
  ],
  [
    "urn:epc:idpat:grai:",
    {
      pattern: new RegExp(`^urn:epc:idpat:grai:${split(12, "\\d{12}\\.\\.")}\\.\\*$`),
      build: (u, d) => `${G}/8003/${withCheck(`0${body12(u, 19, d)}`)}`,
    },
  ],
  [
    "urn:epc:idpat:gdti:",
    {
      pattern: new RegExp(`^urn:epc:idpat:gdti:${split(12, "\\d{12}\\.\\.")}\\.\\*$`),
      build: (u, d) => `${G}/253/${withCheck(body12(u, 19, d))}`,
    },
  ],
  [
    "urn:epc:idpat:sgcn:",
    {
      pattern: new RegExp(`^urn:epc:idpat:sgcn:${split(12, "\\d{12}\\.\\.")}\\.\\*$`),
      build: (u, d) => `${G}/255/${withCheck(body12(u, 19, d))}`,
    },
  ],
  [
    "urn:epc:idpat:cpi:",
    {
      pattern: new RegExp(`^urn:epc:idpat:cpi:${splitChars(30, CPI)}\\.\\*$`),
      build: (u, d) => `${G}/8010/${encode(u.slice(18, d) + u.slice(d + 1, u.lastIndexOf(".")))}`,
    },
  ],
  [
    "urn:epc:idpat:itip:",
    {
      pattern: new RegExp(`^urn:epc:idpat:itip:${split(13)}\\.\\d{2}\\.\\d{2}\\.\\*$`),
      build: (u, d) => `${G}/8006/${withCheck(gtinBody(u, 19, d))}${u.slice(34, 36)}${u.slice(37, 39)}`,
    },
  ],
  [
    "urn:epc:idpat:upui:",
    {
      pattern: new RegExp(`^urn:epc:idpat:upui:${split(13)}\\.\\*$`),
      build: (u, d) => `${G}/01/${withCheck(gtinBody(u, 19, d))}`,
    },
  ],
]);

const KEY_AIS =
  "01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai";
const DIGITAL_LINK = new RegExp(
  `^https?:(\\/\\/((([^\\/?#]*)@)?([^\\/?#:]*)(:([^\\/?#]*))?))?((([^?#]*)(\\/(${KEY_AIS})\\/)(\\d{4}[^\\/]+)(\\/[^/]+\\/[^/]+)?[/]?(\\?([^?\\n]*))?(#([^\\n]*))?)|(\\/[A-Za-z_-]{10}$))`,
);
const ANY_SHORT_NAME =
  /\/(?:gtin|itip|cpid|gln|party|gsrnp|gsrn|gcn|sscc|gdti|ginc|gsin|grai|giai|cpv|lot|ser)\//;
const SHORT_NAMES: readonly [string, string][] = [
  ["/gtin/", "/01/"],
  ["/itip/", "/8006/"],
  ["/cpid/", "/8010/"],
  ["/gln/", "/414/"],
  ["/party/", "/417/"],
  ["/gsrnp/", "/8017/"],
  ["/gsrn/", "/8018/"],
  ["/gcn/", "/255/"],
  ["/sscc/", "/00/"],
  ["/gdti/", "/253/"],
  ["/ginc/", "/401/"],
  ["/gsin/", "/402/"],
  ["/grai/", "/8003/"],
  ["/giai/", "/8004/"],
  ["/cpv/", "/22/"],
  ["/lot/", "/10/"],
  ["/ser/", "/21/"],
];
// The reference's check for "already on id.gs1.org" (its dots match any character, kept as they are).
const ON_GS1 =
  /^(?:https:\/\/id.gs1.org\/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)\/(\d{4}[^/]+)(\/[^/]+\/[^/]+)?[/]?(\?([^?\n]*))?(#([^\n]*))?|(\/[A-Za-z_-]{10}$))/;
const PRIMARY_SEARCH = [
  "/00/",
  "/01/",
  "/253/",
  "/255/",
  "/401/",
  "/402/",
  "/414/",
  "/417/",
  "/8003/",
  "/8004/",
  "/8006/",
  "/8010/",
  "/8017/",
  "/8018/",
];
const CPV_LAST = new RegExp(
  `^https:\\/\\/id.gs1.org\\/(?:8006\\/\\d{18}|01\\/\\d{14})\\/22\\/(${DL}{0,20})$`,
);
const CPV_THEN = /^https:\/\/id.gs1.org\/(?:8006\/\d{18}|01\/\d{14})\/22\/([/"'\-.0-9;-?A-Z_a-z]{0,20})$/;
const LOT_AND_SERIAL = new RegExp(
  `^https:\\/\\/id.gs1.org\\/(?:8006\\/\\d{18}|01\\/(\\d{14}))\\/10\\/(${DL}{0,20})\\/21\\/(${DL}{0,20})$`,
);
const VALID: readonly RegExp[] = [
  /^https:\/\/id.gs1.org\/00\/(\d{18})$/,
  new RegExp(`^https:\\/\\/id.gs1.org\\/01\\/(\\d{14})\\/21\\/(${DL}{0,20})$`),
  new RegExp(`^https:\\/\\/id.gs1.org\\/01\\/(\\d{14})\\/10\\/(${DL}{0,20})$`),
  /^https:\/\/id.gs1.org\/01\/(\d{14})$/,
  new RegExp(`^https:\\/\\/id.gs1.org\\/01\\/(\\d{14})\\/235\\/(${DL}{0,28})$`),
  new RegExp(`^https:\\/\\/id.gs1.org\\/253\\/(\\d{13})(${DL}{0,17})$`),
  /^https:\/\/id.gs1.org\/255\/(\d{13})(\d{0,12})$/,
  new RegExp(`^https:\\/\\/id.gs1.org\\/401\\/(${DL}{0,30})$`),
  /^https:\/\/id.gs1.org\/402\/(\d{17})$/,
  /^https:\/\/id.gs1.org\/414\/(\d{13})$/,
  new RegExp(`^https:\\/\\/id.gs1.org\\/414\\/(\\d{13})\\/254\\/(${DL}{0,20})$`),
  /^https:\/\/id.gs1.org\/417\/(\d{13})$/,
  new RegExp(`^https:\\/\\/id.gs1.org\\/8003\\/(\\d{14})(${DL}{0,16})$`),
  new RegExp(`^https:\\/\\/id.gs1.org\\/8004\\/(${DL}{0,30})$`),
  new RegExp(`^https:\\/\\/id.gs1.org\\/8006\\/(\\d{18})\\/21\\/(${DL}{0,20})$`),
  new RegExp(`^https:\\/\\/id.gs1.org\\/8006\\/(\\d{18})\\/10\\/(${DL}{0,20})$`),
  /^https:\/\/id.gs1.org\/8006\/(\d{18})$/,
  /^https:\/\/id.gs1.org\/8010\/([#\-/0-9A-Z]{0,30})\/8011\/(\d{0,12})$/,
  /^https:\/\/id.gs1.org\/8010\/([#\-/0-9A-Z]{0,30})$/,
  /^https:\/\/id.gs1.org\/8017\/(\d{18})$/,
  /^https:\/\/id.gs1.org\/8018\/(\d{18})$/,
];

function canonicalDigitalLink(input: string): string | undefined {
  if (!DIGITAL_LINK.test(input)) return undefined;
  let uri = input;
  const query = uri.indexOf("?");
  if (query >= 0) uri = uri.slice(0, query);
  if (ANY_SHORT_NAME.test(uri)) for (const [name, ai] of SHORT_NAMES) uri = uri.replaceAll(name, ai);
  if (!ON_GS1.test(uri)) {
    for (const key of PRIMARY_SEARCH) {
      const at = uri.indexOf(key);
      if (at !== -1) {
        uri = G + uri.slice(at);
        break;
      }
    }
  }
  if (!/^https:\/\/id.gs1.org\/01\/\d{14}/.test(uri)) {
    if (/^https:\/\/id.gs1.org\/01\/\d{13}/.test(uri)) uri = uri.replaceAll("/01/", "/01/0");
    else if (/^https:\/\/id.gs1.org\/01\/\d{12}/.test(uri)) uri = uri.replaceAll("/01/", "/01/00");
    else if (/^https:\/\/id.gs1.org\/01\/\d{8}/.test(uri)) uri = uri.replaceAll("/01/", "/01/000000");
  }
  // Drop the CPV: the hash identifies the item, not the variant.
  const afterCpv = uri.slice(uri.indexOf("/22/") + 4);
  if (CPV_LAST.test(uri)) uri = uri.slice(0, uri.indexOf("/22/"));
  if (CPV_THEN.test(uri)) uri = uri.slice(0, uri.indexOf("/22/")) + afterCpv.slice(afterCpv.indexOf("/"));
  // A serial identifies more finely than a lot: keep only the serial.
  if (LOT_AND_SERIAL.test(uri)) {
    const at = uri.indexOf("/10/");
    const rest = uri.slice(at + 4);
    uri = uri.slice(0, at) + rest.slice(rest.indexOf("/"));
  }
  return VALID.some((pattern) => pattern.test(uri)) ? uri : undefined;
}

/**
 * The constrained canonical GS1 Digital Link URI of a GS1 identifier written as an EPC URN (id, class or
 * id pattern) or a Digital Link, or undefined when `text` is neither.
 * @example canonicalIdentifier("urn:epc:id:sgtin:0614141.107346.2017")
 *   // "https://id.gs1.org/01/10614141073464/21/2017"
 */
export function canonicalIdentifier(text: string): string | undefined {
  const dot = text.indexOf(".");
  if (dot < 0) return undefined;
  if (text.startsWith("urn:epc:")) {
    // The scheme's literal prefix ends at the fourth colon.
    let colon = 7;
    for (let n = 0; n < 2 && colon >= 0; n++) colon = text.indexOf(":", colon + 1);
    const rule = colon < 0 ? undefined : EPC_RULES.get(text.slice(0, colon + 1));
    return rule?.pattern.test(text) ? rule.build(text, dot) : undefined;
  }
  if (text.startsWith("http")) return canonicalDigitalLink(text);
  return undefined;
}
