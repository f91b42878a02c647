// Test support: reads back the module matrix of a QR code drawn by the qrcode library's SVG renderer, so a
// test can compare it with the matrix qrcode computes for the text it should hold (no decoder of our own).
import QRCode from "qrcode";

/**
 * The dark modules of a qrcode SVG (quiet zone included), row by row, from its one stroked path: `M x y`
 * starts a row at column x (y is the row's centre line, row + 0.5), `m dx 0` skips light modules, `h n`
 * draws n dark ones.
 * @example qrModulesOfSvg(await QRCode.toString("hi", { type: "svg" })).length // 29
 */
export function qrModulesOfSvg(svg: string): boolean[][] {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path stroke="[^"]*" d="([^"]*)"/.exec(svg)?.[1];
  if (!Number.isInteger(size) || d === undefined) throw new Error("not a qrcode SVG");
  const rows = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of d.matchAll(/([Mmh])(-?[0-9.]+)(?: (-?[0-9.]+))?/g)) {
    if (cmd === "M") {
      x = Number(a);
      y = Math.floor(Number(b));
    } else if (cmd === "m") {
      x += Number(a);
    } else {
      for (let i = 0; i < Number(a); i++) rows[y]![x + i] = true;
      x += Number(a);
    }
  }
  return rows;
}

/** The matrix qrcode computes for `text` at this level, with a quiet zone of `margin` light modules. */
export function expectedQrModules(text: string, ecl: "L" | "M" | "Q" | "H", margin: number): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: ecl });
  const size = modules.size + 2 * margin;
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => {
      const r = row - margin;
      const c = col - margin;
      return r >= 0 && c >= 0 && r < modules.size && c < modules.size && modules.get(r, c) === 1;
    }),
  );
}
