#!/usr/bin/env node
// Language-server latency (issue 17): how long after an edit an editor shows the diagnostics of
// examples/mnist.crnn. The bundled CLI's `crnnc lsp --stdio` runs as its own process, spoken to
// over JSON-RPC as an editor speaks to it (vscode-languageserver-protocol); each round sends one
// incremental edit (η 0.001 ↔ 0.002, then an unknown activation and back, so that both clean and
// erroneous versions are checked) and times from sending it to receiving the publishDiagnostics
// of that version: the server's debounce, a full check of the file (parse, scopes, templates,
// lowering of the 64-4-2 training CRN) and the index behind hover and rename, and the JSON-RPC
// both ways. Target: within 100 ms. Yardstick, in the same run and process: the library's
// compile() of the same text (dist/index.js, warm), i.e. what `crnnc check` does in-process.
// Writes docs/performance.md between <!-- bench:lsp:start --> and <!-- bench:lsp:end -->.
//
//   npm run build && node bench/lsp.mjs [--rounds N] [--no-docs]

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { loadavg } from "node:os";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
} from "vscode-languageserver-protocol/node";
import { machineInfo, writeSection } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DOC = join(ROOT, "docs", "performance.md");
const START = "<!-- bench:lsp:start -->";
const END = "<!-- bench:lsp:end -->";
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROUNDS = Number(opt("--rounds") ?? 40);
const TARGET_MS = 100;
const FILE = join(ROOT, "examples/mnist.crnn");

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
const ms = (x) => `${x.toFixed(1)} ms`;

const { compile } = await import(pathToFileURL(join(ROOT, "dist/index.js")).href);
const { DEBOUNCE_MS } = await import(pathToFileURL(join(ROOT, "dist/cli/lsp.js")).href);
const text0 = readFileSync(FILE, "utf8");
const uri = pathToFileURL(FILE).href;

// The edits, in turn: each is one range replaced in the current text.
const EDITS = [
  ["eta        0.001", "eta        0.002"],
  ["eta        0.002", "eta        0.001"],
  ["dense 4 smooth_relu", "dense 4 smooth_rlu"],
  ["dense 4 smooth_rlu", "dense 4 smooth_relu"],
];
function position(text, offset) {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const load0 = loadavg()[0].toFixed(2);
const started = new Date();
const proc = spawn(process.execPath, [join(ROOT, "dist/cli/crnnc.js"), "lsp", "--stdio"], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const waiting = new Map();
conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
  const w = waiting.get(p.version);
  if (w) w({ at: performance.now(), diagnostics: p.diagnostics });
});
conn.listen();
await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(ROOT).href, capabilities: {}, workspaceFolders: null });
await conn.sendNotification(InitializedNotification.type, {});

const published = (version) => new Promise((res) => waiting.set(version, res));
let version = 1;
let text = text0;
let t0 = performance.now();
let got = published(version);
await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "crnn", version, text } });
const first = (await got).at - t0;

const latencies = [];
/** Latencies of the edits that leave the file without errors (η changed: the whole training CRN is lowered). */
const clean = [];
const codes = new Set();
for (let r = 0; r < ROUNDS + 4; r++) {
  const [from, to] = EDITS[r % EDITS.length];
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`the edit \`${from}\` does not apply`);
  const range = { start: position(text, at), end: position(text, at + from.length) };
  text = text.slice(0, at) + to + text.slice(at + from.length);
  version++;
  got = published(version);
  t0 = performance.now();
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text: to }] });
  const p = await got;
  for (const d of p.diagnostics) codes.add(d.code);
  if (r >= 4) latencies.push(p.at - t0); // the first cycle warms the JIT
  if (r >= 4 && p.diagnostics.length === 0) clean.push(p.at - t0);
}
await conn.sendRequest(ShutdownRequest.type);
await conn.sendNotification(ExitNotification.type);
conn.dispose();

// The yardstick: the library's check of the same text, in this process, warm.
const compiles = [];
for (let r = 0; r < ROUNDS + 4; r++) {
  const src = r % 2 ? text0.replace("eta        0.001", "eta        0.002") : text0;
  const c0 = performance.now();
  const res = compile(src, { file: FILE });
  if (!res.ok) throw new Error("examples/mnist.crnn does not compile");
  if (r >= 4) compiles.push(performance.now() - c0);
}
const load1 = loadavg()[0].toFixed(2);

const med = median(latencies);
const p95 = quantile(latencies, 0.95);
const worst = Math.max(...latencies);
const check = median(compiles);
const pass = p95 <= TARGET_MS;
const m = machineInfo();
const section = `${START}
## Language server

Measured ${started.toISOString().replace(/\.\d+Z$/, "Z")} by \`node bench/lsp.mjs\` (after \`npm run build\`) on ${m.line}; crnnc at ${m.rev}. 1-minute load average ${load0} at the start and ${load1} at the end.

\`crnnc lsp --stdio\` (the bundled CLI) as its own process, spoken to over JSON-RPC; examples/mnist.crnn (64-4-2 with a train block: ${compile(text0, { file: FILE }).ir.reactions.length} reactions) opened, then ${ROUNDS} incremental edits after ${4} warm-up ones, one at a time, each waited for: η 0.001 → 0.002 → 0.001, then \`smooth_relu\` → \`smooth_rlu\` (an E0103 with its quick fix) → back. Latency = from sending the edit to receiving the publishDiagnostics of that version: the server's debounce of ${DEBOUNCE_MS} ms, a full check of the file and its symbol index, JSON-RPC both ways. Yardstick in the same run: the library's \`compile()\` of the same text in this process (what \`crnnc check\` does, warm), median of ${ROUNDS}.

| measure | time | ratio to the in-process check |
| --- | ---: | ---: |
| diagnostics after an edit, median | ${ms(med)} | ${(med / check).toFixed(2)}× |
| … 95th percentile | ${ms(p95)} | ${(p95 / check).toFixed(2)}× |
| … slowest | ${ms(worst)} | ${(worst / check).toFixed(2)}× |
| … median of the edits that leave no error (η: the whole training CRN lowered again) | ${ms(median(clean))} | ${(median(clean) / check).toFixed(2)}× |
| diagnostics after opening (cold server) | ${ms(first)} | ${(first / check).toFixed(2)}× |
| in-process check of the same text (yardstick) | ${ms(check)} | 1× |

Target: diagnostics within ${TARGET_MS} ms of an edit, taken as the 95th percentile: **${pass ? "PASS" : "MISS"}** (${ms(p95)}). ${DEBOUNCE_MS} ms of every latency is the debounce (the pause in typing the server waits for). An edit that leaves an error stops the check before lowering, so it is answered sooner than one that does not. Codes seen: ${[...codes].sort().join(", ") || "none"}.

    npm run build && node bench/lsp.mjs [--rounds N] [--no-docs]
${END}`;
console.log(section);
if (!args.includes("--no-docs")) writeSection(DOC, START, END, section);
process.exitCode = pass ? 0 : 1;
