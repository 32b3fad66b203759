// Shared by the benchmarks: a description of the machine, and the atomic rewrite of one
// marked section of docs/performance.md (each bench owns its section, nothing else changes).
//
//   writeSection(DOC, "<!-- bench:sim:start -->", "<!-- bench:sim:end -->", text)

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function machineInfo() {
  let cores;
  try {
    cores = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    cores = String(availableParallelism());
  }
  let cpu = "unknown CPU";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpu = m[1].trim();
  } catch {
    /* not Linux */
  }
  let rev = "";
  try {
    rev = execFileSync("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["-C", ROOT, "status", "--porcelain", "--", "src", "stdlib"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (dirty) rev += " + uncommitted changes in src/ or stdlib/";
  } catch {
    /* not a git checkout */
  }
  const line = `nproc ${cores}, ${cpu}, node ${process.version}`;
  return { cores, cpu, node: process.version, rev, line, load: loadavg()[0].toFixed(2) };
}

/** Replace the START…END section of `doc` (or append it), writing the file atomically. */
export function writeSection(DOC, START, END, text, title = "Performance") {
  mkdirSync(dirname(DOC), { recursive: true });
  let doc;
  if (existsSync(DOC)) {
    doc = readFileSync(DOC, "utf8");
    const s = doc.indexOf(START);
    const e = doc.indexOf(END);
    if (s >= 0 && e > s) doc = doc.slice(0, s) + text + doc.slice(e + END.length);
    else doc = `${doc.replace(/\s*$/, "")}\n\n${text}\n`;
  } else {
    const m = machineInfo();
    doc = `# ${title}\n\nMachine: nproc ${m.cores}, ${m.cpu}, node ${m.node}.\n\n${text}\n`;
  }
  const tmp = `${DOC}.${process.pid}.tmp`;
  writeFileSync(tmp, doc);
  renameSync(tmp, DOC);
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A numeric command-line flag (`--runs 1000`) of this process, or its default. */
export function numberFlag(name, dflt) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}
