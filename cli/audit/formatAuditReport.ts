import { type AuditBlock, auditDocument } from "./auditDocument.ts";
import type { AuditRun } from "./runAudit.ts";

/** The report formats `--report` writes, chosen by the file's extension. */
export type AuditReportFormat = "json" | "markdown" | "html";

/** `.json`, `.md`/`.markdown`, `.html`/`.htm`; null for anything else. */
export function reportFormatOf(file: string): AuditReportFormat | null {
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === "json") return "json";
  if (ext === "md" || ext === "markdown") return "markdown";
  if (ext === "html" || ext === "htm") return "html";
  return null;
}

/**
 * The audit report in one format. JSON: `sealtrail-audit-report-v1` (the verifier's report under `report`,
 * every failure). Markdown and HTML: the same document for a person; the HTML is one self-contained file
 * (inline style, no script, nothing fetched), safe to open whatever the package's strings hold.
 * @example writeFileSync("audit.md", formatAuditReport(run, "markdown"))
 */
export function formatAuditReport(run: AuditRun, format: AuditReportFormat): string {
  if (format === "json") return `${JSON.stringify(run, null, 2)}\n`;
  const blocks = auditDocument(run);
  return format === "markdown" ? toMarkdown(blocks) : toHtml(blocks, run);
}

// Package strings reach the report (failure details quote them): a cell must not end a table row or
// open markup, so pipes, newlines, backticks and angle brackets are escaped.
const mdText = (text: string) => text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/\r?\n|\r/g, " ");

function toMarkdown(blocks: AuditBlock[]): string {
  const out: string[] = [];
  let first = true;
  for (const b of blocks) {
    if (b.kind === "heading") {
      out.push(`${first ? "#" : "##"} ${mdText(b.text)}`, "");
      first = false;
    } else if (b.kind === "paragraph") out.push(mdText(b.text), "");
    else if (b.kind === "facts") {
      for (const [k, v] of b.rows) out.push(`- **${mdText(k)}:** ${mdText(v)}`);
      out.push("");
    } else {
      out.push(`| ${b.head.map(mdText).join(" | ")} |`, `|${b.head.map(() => "---").join("|")}|`);
      for (const row of b.rows) out.push(`| ${row.map(mdText).join(" | ")} |`);
      out.push("");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h1.valid{color:#146c2e}h1.invalid{color:#a4161a}h1.unverified,h1.not-anchored{color:#8a5a00}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td{word-break:break-all}dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0;word-break:break-all}`;

function toHtml(blocks: AuditBlock[], run: AuditRun): string {
  const body: string[] = [];
  let first = true;
  for (const b of blocks) {
    if (b.kind === "heading") {
      body.push(first ? `<h1 class="${run.report.status}">${html(b.text)}</h1>` : `<h2>${html(b.text)}</h2>`);
      first = false;
    } else if (b.kind === "paragraph") body.push(`<p>${html(b.text)}</p>`);
    else if (b.kind === "facts")
      body.push(`<dl>${b.rows.map(([k, v]) => `<dt>${html(k)}</dt><dd>${html(v)}</dd>`).join("")}</dl>`);
    else
      body.push(
        `<table><thead><tr>${b.head.map((h) => `<th scope="col">${html(h)}</th>`).join("")}</tr></thead><tbody>${b.rows
          .map((row) => `<tr>${row.map((c) => `<td>${html(c)}</td>`).join("")}</tr>`)
          .join("\n")}</tbody></table>`,
      );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Sealtrail audit: ${html(run.report.status)} — ${html(run.target)}</title><style>${STYLE}</style></head>
<body>
${body.join("\n")}
</body></html>
`;
}
