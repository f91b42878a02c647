import { SealtrailError, type SealtrailErrorOptions } from "#protocol";

/**
 * Reasons a GS1 identifier, Digital Link URI, EPC URN or EPCIS event is refused. Stable: the API and the
 * capture interface answer with them. Every refusal's `details.rule` names the rule of the GS1 standard it
 * breaks, and `details.value` the offending text (cut to 120 characters).
 */
export const Gs1ErrorCode = {
  /** A GTIN, SSCC, GLN or GRAI whose last digit is not the mod-10 check digit of the others. */
  InvalidCheckDigit: "INVALID_CHECK_DIGIT",
  /** A numeric key of the wrong length or with non-digits (a GTIN is 8, 12, 13 or 14 digits, an SSCC 18, ...). */
  InvalidKeyFormat: "INVALID_KEY_FORMAT",
  /** A serial, lot, extension or asset reference with a character outside GS1 AI character set 82. */
  InvalidCharacter: "INVALID_CHARACTER",
  /** A serial, lot, extension or asset reference longer than its AI allows (or empty). */
  InvalidLength: "INVALID_LENGTH",
  /** A GS1 Digital Link URI that does not follow the standard's syntax. */
  InvalidDigitalLink: "INVALID_DIGITAL_LINK",
  /** An EPC URN that does not follow the EPC Tag Data Standard's URI syntax. */
  InvalidEpcUrn: "INVALID_EPC_URN",
  /** A GS1 Company Prefix length outside 6..12, or one the key cannot have. */
  InvalidCompanyPrefixLength: "INVALID_COMPANY_PREFIX_LENGTH",
  /** Input to the event hash that is not an EPCIS 2.0 event or document. */
  InvalidEpcisEvent: "INVALID_EPCIS_EVENT",
  /** A caller passed something of the wrong type. */
  InvalidArgument: "INVALID_ARGUMENT",
} as const;
export type Gs1ErrorCode = (typeof Gs1ErrorCode)[keyof typeof Gs1ErrorCode];

/** A refusal caused by the input (never by our own code). `details.rule` names the rule it breaks. */
export class Gs1Error extends SealtrailError {
  override name = "Gs1Error";
  declare readonly code: Gs1ErrorCode;

  constructor(code: Gs1ErrorCode, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}

/** True when `error` is a {@link Gs1Error}, optionally with the given code. */
export function isGs1Error(error: unknown, code?: Gs1ErrorCode): error is Gs1Error {
  return error instanceof Gs1Error && (code === undefined || error.code === code);
}

/** Throws a {@link Gs1Error} naming the broken `rule` and the offending `value` (cut to 120 characters). */
export function refuse(
  code: Gs1ErrorCode,
  shortMessage: string,
  rule: string,
  value: unknown,
  extra: Record<string, unknown> = {},
): never {
  const shown = typeof value === "string" ? value.slice(0, 120) : value;
  throw new Gs1Error(code, shortMessage, { details: { rule, value: shown, ...extra } });
}
