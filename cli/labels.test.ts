import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { expectedQrModules, qrModulesOfSvg } from "../api/testing/index.ts";
import { MAX_LABELS } from "./labels/labelItems.ts";
import { main } from "./main.ts";
import { captureIo } from "./testing/index.ts";

const BASE = "https://trace.example.com";
const GTIN = "09506000134352";

async function sealtrail(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Each label of a sheet: the URI it claims, its QR's modules, its caption text. */
function labelsOf(html: string) {
  return [
    ...html.matchAll(/<figure data-uri="([^"]*)">(<svg[\s\S]*?<\/svg>)<figcaption>([\s\S]*?)<\/figcaption>/g),
  ].map(([, uri, svg, caption]) => ({
    uri: uri!.replaceAll("&#38;", "&"),
    modules: qrModulesOfSvg(svg!),
    text: caption!
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim(),
  }));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-labels-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("sealtrail labels", () => {
  it("prints a serial range: each QR is qrcode's symbol for that item's Digital Link, with the GTIN, serial and HRI beside it", async () => {
    const out = join(dir, "sheet.html");
    const run = await sealtrail(
      "labels",
      "--gtin",
      GTIN,
      "--serials",
      "8-11",
      "--serial-prefix",
      "SN-",
      "--serial-width",
      "3",
      "--lot",
      "L/7",
      "--base-url",
      BASE,
      "--prefix",
      "/id",
      "--ecl",
      "Q",
      "--out",
      out,
    );
    expect(run).toEqual({ code: 0, out: `Wrote 4 labels to ${out}\n`, err: "" });
    const labels = labelsOf(readFileSync(out, "utf8"));
    expect(labels.map((l) => l.uri)).toEqual(
      ["008", "009", "010", "011"].map((n) => `${BASE}/id/01/${GTIN}/10/L%2F7/21/SN-${n}`),
    );
    for (const [i, label] of labels.entries()) {
      const serial = `SN-${String(8 + i).padStart(3, "0")}`;
      expect(label.modules).toEqual(expectedQrModules(`${BASE}/id/01/${GTIN}/10/L%2F7/21/${serial}`, "Q", 4));
      expect(label.text).toContain(`GTIN ${GTIN} Lot L/7 Serial ${serial}`);
      expect(label.text).toContain(`(01) ${GTIN} (10) L/7 (21) ${serial}`);
    }
  });

  it("prints a lot's labels and a file of Digital Links as written (an SSCC, a GLN, an item with an expiry date)", async () => {
    const lot = join(dir, "lot.html");
    expect(
      (
        await sealtrail(
          "labels",
          "--gtin",
          "9506000134352",
          "--lot",
          "L1",
          "--copies",
          "2",
          "--base-url",
          BASE,
          "--out",
          lot,
        )
      ).code,
    ).toBe(0);
    const lotLabels = labelsOf(readFileSync(lot, "utf8"));
    expect(lotLabels.map((l) => l.uri)).toEqual([`${BASE}/01/${GTIN}/10/L1`, `${BASE}/01/${GTIN}/10/L1`]);
    expect(lotLabels[0]!.modules).toEqual(expectedQrModules(`${BASE}/01/${GTIN}/10/L1`, "M", 4));

    const list = join(dir, "uris.txt");
    const uris = [
      "https://id.gs1.org/00/106141412345678908",
      "https://example.com/414/9506000134352",
      `${BASE}/01/${GTIN}/21/A1?17=271231`,
    ];
    writeFileSync(list, `# pallets and places\n${uris.join("\n")}\n\n`);
    const sheet = join(dir, "list.html");
    expect((await sealtrail("labels", "--uris", list, "--out", sheet)).code).toBe(0);
    const labels = labelsOf(readFileSync(sheet, "utf8"));
    expect(labels.map((l) => l.uri)).toEqual(uris);
    for (const label of labels) expect(label.modules).toEqual(expectedQrModules(label.uri, "M", 4));
    expect(labels.map((l) => /\(\d+\).*$/.exec(l.text)?.[0].split(" https")[0])).toEqual([
      "(00) 106141412345678908",
      "(414) 9506000134352",
      `(01) ${GTIN} (21) A1 (17) 271231`,
    ]);
  });

  it.each([
    ["an invalid GTIN", ["--gtin", "09506000134353", "--lot", "L1"], /not a GTIN.*check digit/i],
    [
      "a serial too long for AI 21",
      ["--gtin", GTIN, "--serials", "1-2", "--serial-prefix", "X".repeat(20)],
      /item 1:.*AI 21/,
    ],
    [`more than ${MAX_LABELS} labels`, ["--gtin", GTIN, "--serials", `1-${MAX_LABELS + 1}`], /at most 1000/],
    ["an empty base URL", ["--gtin", GTIN, "--lot", "L1", "--base-url", ""], /prefix is http/],
  ])("refuses %s with exit status 2 and writes nothing", async (_what, args, message) => {
    const out = join(dir, "sheet.html");
    const base = args.includes("--base-url") ? [] : ["--base-url", BASE];
    const run = await sealtrail("labels", ...args, ...base, "--out", out);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    expect(() => readFileSync(out)).toThrow();
  });

  it("never replaces an existing sheet without --force", async () => {
    const out = join(dir, "sheet.html");
    writeFileSync(out, "printed already");
    const args = ["labels", "--gtin", GTIN, "--lot", "L1", "--base-url", BASE, "--out", out];
    expect((await sealtrail(...args)).code).toBe(1);
    expect(readFileSync(out, "utf8")).toBe("printed already");
    expect((await sealtrail(...args, "--force")).code).toBe(0);
    expect(labelsOf(readFileSync(out, "utf8"))).toHaveLength(1);
  });
});
