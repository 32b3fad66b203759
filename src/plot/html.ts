// Self-contained HTML pages for the reports: one file with its CSS inline, the plots as inline
// SVG, no scripts and nothing loaded from elsewhere, so it opens offline and can be mailed or
// archived as is. Every piece of text that comes from a run (names, paths, messages) goes
// through escapeHtml; `htmlPage` takes sections that are already HTML.
//
//   htmlPage("xor_net on xor", [table(["setting", "value"], [["eta", "0.002"]]), `<figure>${svg}</figure>`])

import { VERSION } from "../version.js";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const CSS = `body{font-family:Helvetica,Arial,sans-serif;color:#222;margin:2em auto;max-width:1100px;padding:0 1em;line-height:1.4}
h1{font-size:1.5em;font-weight:normal}h2{font-size:1.2em;font-weight:normal;border-bottom:1px solid #ddd;margin-top:2em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}th,td{border:1px solid #ddd;padding:.2em .6em;text-align:left;vertical-align:top}
th{background:#f6f6f6;font-weight:normal}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#555}
.warn{color:#a33}footer{margin-top:3em;font-size:.8em;color:#777}`;

/** A whole page: title (escaped) and sections (HTML). */
export function htmlPage(title: string, sections: readonly string[]): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="crnnc ${escapeHtml(VERSION)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    `<h1>${escapeHtml(title)}</h1>`,
    ...sections,
    `<footer>Written by crnnc ${escapeHtml(VERSION)}.</footer>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** A table of text cells (all escaped); cells that look like numbers are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => (/^[-+]?[\d.]+(e[-+]?\d+)?%?$/i.test(c) ? `<td class="num">${escapeHtml(c)}</td>` : `<td>${escapeHtml(c)}</td>`);
  return [
    "<table>",
    `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`),
    "</tbody>",
    "</table>",
  ].join("\n");
}

/** A section: heading (escaped) and body (HTML). */
export function section(heading: string, ...body: string[]): string {
  return [`<h2>${escapeHtml(heading)}</h2>`, ...body].join("\n");
}

/** A figure: inline SVG and a caption (escaped). */
export function figure(svg: string, caption?: string): string {
  return `<figure>${svg}${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ""}</figure>`;
}
