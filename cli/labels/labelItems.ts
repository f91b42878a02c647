import { buildDigitalLink, type Gs1Key, isGs1Error, type ParsedDigitalLink, parseDigitalLink } from "#gs1";
import { CliError, CliErrorCode } from "../errors.ts";

/** Most labels on one sheet: a printer's job, not a batch export (a sheet of 1,000 is ~2 MB of HTML). */
export const MAX_LABELS = 1000;

/** What to print labels for: Digital Link URIs as written, a GTIN with a serial range, or a lot. */
export type LabelSource =
  | { kind: "uris"; uris: string[] }
  | {
      kind: "range";
      /** Public base URL plus resolver path prefix: the Digital Links are written under it. */
      prefix: string;
      gtin: string;
      from: number;
      to: number;
      serialPrefix: string;
      /** Serial numbers left-padded with zeros to this many digits (0: no padding). */
      width: number;
      lot?: string;
    }
  | { kind: "lot"; prefix: string; gtin: string; lot: string; copies: number };

function refuse(message: string, cause?: unknown): never {
  throw new CliError(CliErrorCode.Usage, message, cause === undefined ? {} : { cause });
}

/** Runs a gs1/ call, turning its refusal into a usage error that names the input. */
function gs1<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
    return refuse(`${what}: ${cause.shortMessage} (${String(cause.details.rule)})`, cause);
  }
}

/**
 * The Digital Links to print, each parsed by gs1/ (so a label never carries an invalid key): URIs as
 * written (blank lines and `#` comments skipped), `GTIN + serial from..to` (each serial `serialPrefix` +
 * the number, zero-padded to `width`; with a lot when given), or `copies` labels of one lot. Throws USAGE
 * for an invalid item or more than MAX_LABELS.
 * @example labelItems({ kind: "lot", prefix: "https://x.example", gtin: "09506000134352", lot: "L1", copies: 2 }).length // 2
 */
export function labelItems(source: LabelSource): { uri: string; item: ParsedDigitalLink }[] {
  const count =
    source.kind === "uris"
      ? source.uris.length
      : source.kind === "lot"
        ? source.copies
        : source.to - source.from + 1;
  if (!Number.isSafeInteger(count) || count < 1) refuse("nothing to print");
  if (count > MAX_LABELS) refuse(`${count} labels asked for; one sheet holds at most ${MAX_LABELS}`);
  if (source.kind === "uris") {
    return source.uris.map((uri, i) => ({
      uri,
      item: gs1(`line ${i + 1} (${uri.slice(0, 80)})`, () => parseDigitalLink(uri)),
    }));
  }
  const out: { uri: string; item: ParsedDigitalLink }[] = [];
  for (let i = 0; i < count; i++) {
    let key: Gs1Key;
    let lot: string | undefined;
    if (source.kind === "lot") {
      key = { type: "lgtin", gtin: source.gtin, lot: source.lot };
    } else {
      const n = String(source.from + i).padStart(source.width, "0");
      key = { type: "sgtin", gtin: source.gtin, serial: `${source.serialPrefix}${n}` };
      lot = source.lot;
    }
    const uri = gs1(`item ${i + 1}`, () =>
      buildDigitalLink(key, { prefix: source.prefix, ...(lot === undefined ? {} : { lot }) }),
    );
    out.push({ uri, item: parseDigitalLink(uri) });
  }
  return out;
}
