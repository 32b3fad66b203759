// Where the commands write and how they learn about the terminal: a value, so tests run the
// commands in-process with captured output.
//
//   await main(["check", "x.crnn"], { stdout: (s) => (out += s), stderr: (s) => (err += s), color: false })

import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic.js";
import { csvText } from "../util/csv.js";

export interface IO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Colour diagnostics: stderr is a terminal, or FORCE_COLOR asks for it; never with NO_COLOR. */
  color: boolean;
  /** stderr's width in columns, asked each time (a terminal can be resized); absent when not a terminal. */
  columns?: () => number;
  /** stderr is a terminal: draw a progress bar rather than lines. */
  tty?: boolean;
  /** Install a Ctrl-C handler; returns its removal. */
  onSigint?: (handler: () => void) => () => void;
}

export const defaultIO: IO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  color: wantColor(process.env, Boolean(process.stderr.isTTY)),
  columns: () => process.stderr.columns || 80,
  tty: Boolean(process.stderr.isTTY),
  onSigint: (handler) => {
    let count = 0;
    const h = () => {
      if (++count > 1) process.exit(130);
      handler();
    };
    process.on("SIGINT", h);
    return () => process.off("SIGINT", h);
  },
};

/**
 * Colour or not, by the conventions users set: NO_COLOR (any non-empty value) turns it off
 * (no-color.org); FORCE_COLOR turns it on also when piped, except FORCE_COLOR=0 or false, which
 * turns it off; otherwise colour on a terminal only.
 */
export function wantColor(env: Record<string, string | undefined>, tty: boolean): boolean {
  if (env["NO_COLOR"]) return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force !== "false";
  return tty;
}

/** Is this file SBML (by its extension, or an XML declaration at its start)? */
export function isSbmlPath(file: string): boolean {
  if (/\.(xml|sbml)$/i.test(file)) return true;
  try {
    return readFileSync(file, "utf8").slice(0, 200).trimStart().startsWith("<?xml");
  } catch {
    return false;
  }
}

/**
 * A trajectory on the command line: at `--points N` (or with `--csv`) every sample as CSV
 * (`timeLabel`, then one column per id) to the file or stdout; without `--points`, the final
 * values as a list. The raw-crn and SBML runs print alike.
 */
export function printTrajectory(
  io: IO,
  f: { points?: number; csv?: string },
  run: { name: string; timeLabel: string; ids: readonly string[]; t: readonly number[]; values: readonly ArrayLike<number>[] },
): void {
  if (f.points !== undefined || f.csv) {
    const text = csvText(
      [run.timeLabel, ...run.ids],
      run.t.map((t, i) => [t, ...Array.from(run.values[i]!)]),
    );
    if (f.csv) writeFileAtomic(f.csv, text);
    else io.stdout(text);
  }
  if (f.points === undefined) {
    const final = run.values[run.values.length - 1]!;
    const w = Math.max(...run.ids.map((s) => s.length), 7);
    io.stdout(`${run.name} at t = ${run.t[run.t.length - 1]}\n` + run.ids.map((s, i) => `  ${s.padEnd(w)}  ${final[i]!.toPrecision(10)}`).join("\n") + "\n");
  }
}
