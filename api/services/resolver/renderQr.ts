import { createHash } from "node:crypto";
import QRCode from "qrcode";
import { ApiError, ApiErrorCode } from "../../errors.ts";

export type QrFormat = "svg" | "png";
/** QR error-correction levels (ISO/IEC 18004): L 7 %, M 15 %, Q 25 %, H 30 % of the symbol recoverable. */
export type QrErrorCorrection = "L" | "M" | "Q" | "H";

/** How a QR code is drawn; every field bounded by {@link QR_LIMITS}. */
export type QrOptions = {
  ecl: QrErrorCorrection;
  /** Width and height in pixels (PNG) or user units (SVG); a symbol that needs more modules is drawn larger. */
  size: number;
  /** Quiet zone in modules; ISO/IEC 18004 asks for 4, GS1's QR guidance too. */
  margin: number;
};

/**
 * Bounds and defaults of the QR options: a request cannot make the server draw a huge image. PNG cost grows
 * with the pixels: ~10 ms at 256 px, ~210 ms at 1024 px (median, docs/resolver.md), hence the cap.
 */
export const QR_LIMITS = {
  size: { min: 64, max: 1024, default: 256 },
  margin: { min: 0, max: 16, default: 4 },
  ecl: { values: ["L", "M", "Q", "H"] as const, default: "M" as const },
} as const;

const MEDIA_TYPE: Record<QrFormat, string> = { svg: "image/svg+xml", png: "image/png" };

function invalid(message: string): never {
  throw new ApiError(400, ApiErrorCode.InvalidQrOptions, message);
}

function integerIn(
  value: unknown,
  name: string,
  { min, max, default: fallback }: { min: number; max: number; default: number },
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^[0-9]{1,5}$/.test(value))
    invalid(`${name} is an integer ${min}..${max}`);
  const n = Number(value);
  if (n < min || n > max) invalid(`${name} is an integer ${min}..${max}`);
  return n;
}

/**
 * Reads `ecl`, `size` and `margin` from a query (absent ones take their defaults). Throws INVALID_QR_OPTIONS
 * (400) for a value outside {@link QR_LIMITS} or given twice.
 * @example parseQrOptions({ ecl: "Q", size: "512" }) // { ecl: "Q", size: 512, margin: 4 }
 */
export function parseQrOptions(query: Record<string, unknown>): QrOptions {
  const ecl = query.ecl ?? QR_LIMITS.ecl.default;
  if (typeof ecl !== "string" || !(QR_LIMITS.ecl.values as readonly string[]).includes(ecl)) {
    invalid("ecl is one of L, M, Q, H");
  }
  return {
    ecl: ecl as QrErrorCorrection,
    size: integerIn(query.size, "size", QR_LIMITS.size),
    margin: integerIn(query.margin, "margin", QR_LIMITS.margin),
  };
}

/** A drawn QR code: its bytes, media type and a strong ETag (the SHA-256 of the bytes). */
export type RenderedQr = { body: Buffer; mediaType: string; etag: string };

/**
 * Draws `text` as a QR code with the qrcode library (byte mode as it chooses, the smallest version that
 * holds the text at this error-correction level, its own mask choice). Deterministic: the same text and
 * options give the same bytes, so the ETag is stable. Throws INVALID_QR_OPTIONS when the text does not fit
 * in a QR code (version 40) at this level.
 * @example (await renderQr("https://x.example/01/09506000134352/21/A1", "svg", parseQrOptions({}))).mediaType // "image/svg+xml"
 */
export async function renderQr(text: string, format: QrFormat, options: QrOptions): Promise<RenderedQr> {
  const drawing = { errorCorrectionLevel: options.ecl, margin: options.margin, width: options.size };
  let body: Buffer;
  try {
    body =
      format === "svg"
        ? Buffer.from(await QRCode.toString(text, { ...drawing, type: "svg" }), "utf8")
        : await QRCode.toBuffer(text, { ...drawing, type: "png" });
  } catch (cause) {
    // qrcode's one refusal of valid input: too much data for the largest symbol.
    if (cause instanceof Error && /too big/i.test(cause.message)) {
      throw new ApiError(
        400,
        ApiErrorCode.InvalidQrOptions,
        `the Digital Link (${text.length} characters) does not fit in a QR code at level ${options.ecl}`,
        { cause },
      );
    }
    throw cause;
  }
  const etag = `"${createHash("sha256").update(body).digest("base64url")}"`;
  return { body, mediaType: MEDIA_TYPE[format], etag };
}
