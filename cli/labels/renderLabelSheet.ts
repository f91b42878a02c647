import QRCode from "qrcode";
import type { ParsedDigitalLink } from "#gs1";
import { humanReadable } from "./humanReadable.ts";

/** Versioned like every format Sealtrail writes: the sheet names its format in a meta tag. */
export const LABEL_SHEET_FORMAT = "sealtrail-labels-v1";

export type LabelSheetOptions = {
  /** QR error-correction level; Q or H survive a scuffed label better, at the cost of a denser symbol. */
  ecl: "L" | "M" | "Q" | "H";
  title: string;
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The key's main lines under the QR code: "GTIN 09506000134352", "Serial S1" … */
function keyLines(item: ParsedDigitalLink): string[] {
  const k = item.key;
  switch (k.type) {
    case "sgtin":
      return [`GTIN ${k.gtin}`, ...(item.lot === undefined ? [] : [`Lot ${item.lot}`]), `Serial ${k.serial}`];
    case "lgtin":
      return [`GTIN ${k.gtin}`, `Lot ${k.lot}`];
    case "gtin":
      return [`GTIN ${k.gtin}`];
    case "sscc":
      return [`SSCC ${k.sscc}`];
    case "gln":
      return [`GLN ${k.gln}`];
    case "giai":
      return [`GIAI ${k.giai}`];
    case "grai":
      return [`GRAI ${k.grai}`];
  }
}

// Print layout: 3 labels across an A4 page, each QR 30 mm wide including the 4-module quiet zone ISO/IEC
// 18004 asks for, the text below it. No script and no outside resource: the sheet prints offline.
const STYLE = `@page{size:A4;margin:10mm}body{font-family:sans-serif;margin:0}
.sheet{display:grid;grid-template-columns:repeat(3,1fr);gap:4mm}
figure{margin:0;padding:3mm;border:0.2mm dashed #999;break-inside:avoid;text-align:center}
figure svg{width:30mm;height:30mm}figcaption{font-size:8pt;line-height:1.3}
.hri{font-family:monospace;font-size:7pt}.uri{font-size:6pt;word-break:break-all;color:#444}`;

/**
 * A printable HTML sheet of labels: for each Digital Link, its QR code as an inline SVG drawn by the qrcode
 * library (4-module quiet zone), the key in words, the HRI element string and the URI itself. Each figure
 * carries the encoded URI in `data-uri`, so a checker can compare the drawing with the text.
 * @example await renderLabelSheet([{ uri, item: parseDigitalLink(uri) }], { ecl: "M", title: "Lot L1" })
 */
export async function renderLabelSheet(
  labels: readonly { uri: string; item: ParsedDigitalLink }[],
  options: LabelSheetOptions,
): Promise<string> {
  const figures: string[] = [];
  for (const { uri, item } of labels) {
    const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: options.ecl, margin: 4 });
    const lines = keyLines(item)
      .map((l) => `<div>${escapeHtml(l)}</div>`)
      .join("");
    figures.push(
      `<figure data-uri="${escapeHtml(uri)}">${svg.trim()}<figcaption>${lines}<div class="hri">${escapeHtml(humanReadable(item))}</div><div class="uri">${escapeHtml(uri)}</div></figcaption></figure>`,
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="${LABEL_SHEET_FORMAT}">
<title>${escapeHtml(options.title)}</title><style>${STYLE}</style></head>
<body><main class="sheet">
${figures.join("\n")}
</main></body></html>
`;
}
