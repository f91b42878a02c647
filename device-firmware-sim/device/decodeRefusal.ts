import { decodeCbor } from "#protocol";

/** A refusal as the gateway publishes it on `devices/{address}/errors`. */
export type GatewayRefusal = {
  /** Message id of the refused reading, when the gateway could compute one. */
  id: string | null;
  /** Reason code (BAD_SIGNATURE, EQUIVOCATION, CLOCK_SKEW, …; docs/protocol.md lists them). */
  code: string;
  detail: string;
};

/**
 * Codes for which resending the same bytes later can succeed (docs/protocol.md §11): the message stays in
 * the outbox. Any other refusal of a message is final for those bytes: it is dropped and seq moves on.
 */
export const RETRYABLE_REFUSALS: ReadonlySet<string> = new Set(["UNAVAILABLE", "RATE_LIMITED", "CLOCK_SKEW"]);

/** Refusals after which honest firmware stops publishing and waits for its operator (§11). */
export const HALTING_REFUSALS: ReadonlySet<string> = new Set(["EQUIVOCATION"]);

/**
 * Decodes the CBOR map `{id, code, detail}` from the errors topic; undefined when it is not one
 * (firmware logs and ignores what it cannot read rather than crash on it).
 * @example decodeRefusal(payload)?.code // "BAD_SIGNATURE"
 */
export function decodeRefusal(payload: Uint8Array): GatewayRefusal | undefined {
  let value: unknown;
  try {
    value = decodeCbor(payload);
  } catch {
    return undefined;
  }
  if (!(value instanceof Map)) return undefined;
  const id = value.get("id");
  const code = value.get("code");
  const detail = value.get("detail");
  if (typeof code !== "string" || code.length === 0 || code.length > 64) return undefined;
  return {
    id: typeof id === "string" ? id : null,
    code,
    detail: typeof detail === "string" ? detail.slice(0, 500) : "",
  };
}
