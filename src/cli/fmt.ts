// `crnnc fmt FILE... [--check] [--write]`: the canonical formatting of .crnn files (the printer of
// src/format/, the same as the prettier plugin `crnnc/prettier`).
//   - no flag: print the formatted text of one FILE to stdout;
//   - --check: list (on stdout) the files whose formatting would change; exit 1 if any;
//   - --write: rewrite the files that change, atomically, and list them; with --check too, the
//     exit code still says whether anything needed formatting.
// A file with syntax errors is never rewritten: its diagnostics are printed as `crnnc check`
// prints them and the exit code is 1. Exit 2 for usage errors.
//
//   crnnc fmt --check examples/*.crnn stdlib/*.crnn

import { UsageError } from "../util/usage-error.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { IO } from "./io.js";
import { formatText } from "../format/format.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { displayName } from "../load/loader.js";
import { writeFileAtomic } from "../util/atomic.js";

export interface FmtFlags {
  check?: boolean;
  write?: boolean;
}

export class FmtUsageError extends UsageError {}

export function runFmt(files: string[], flags: FmtFlags, io: IO): number {
  if (files.length === 0) throw new FmtUsageError("fmt needs at least one FILE");
  if (!flags.check && !flags.write && files.length > 1)
    throw new FmtUsageError(`fmt prints one file to stdout; for ${files.length} files use --check or --write`);
  let failed = false;
  let changed = 0;
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      io.stderr(`crnnc fmt: cannot read ${f}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message}\n`);
      failed = true;
      continue;
    }
    const name = displayName(resolve(f));
    let r: ReturnType<typeof formatText>;
    try {
      r = formatText(text, name);
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      failed = true;
      continue;
    }
    if (r.text === undefined) {
      io.stderr(formatDiagnostics(r.diagnostics, { sources: new Map([[name, text]]), ...(r.omitted ? { omitted: r.omitted } : {}), color: io.color }) + "\n");
      failed = true;
      continue;
    }
    if (!flags.check && !flags.write) {
      io.stdout(r.text);
      continue;
    }
    if (r.text === text) continue;
    changed++;
    if (flags.write) {
      try {
        writeFileAtomic(f, r.text);
      } catch (e) {
        io.stderr(`crnnc fmt: cannot write ${f}: ${(e as Error).message}\n`);
        failed = true;
        continue;
      }
    }
    io.stdout(`${f}\n`);
  }
  if (flags.check && changed > 0)
    io.stderr(
      `crnnc fmt: ${changed} of ${files.length} file${files.length === 1 ? "" : "s"} ${flags.write ? "reformatted" : "not formatted (run crnnc fmt --write)"}\n`,
    );
  return failed || (flags.check && changed > 0) ? 1 : 0;
}
