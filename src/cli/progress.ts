// The training run's progress on stderr: on a terminal one line redrawn in place — a bar, the
// iteration, E, accuracy and the time left — that always fits the terminal's width (a line that
// wraps cannot be redrawn and fills the screen with copies); piped, about twenty plain lines.
//
//   [########........]  120/300  E 0.261  A 75%  ETA 3s

import type { Progress } from "../train/trainer.js";
import type { CRN } from "../ir/types.js";
import { duration } from "../util/duration.js";
import type { IO } from "./io.js";

/** The bar's widest: beyond this the line only gets emptier. */
const MAX_BAR = 40;

/** The status text of a progress report (without the bar). */
export function progressText(p: Progress): string {
  const e = p.last;
  const acc = e?.trainAccuracy !== undefined ? `  A ${(e.trainAccuracy * 100).toFixed(0)}%` : "";
  const val = e?.validationError !== undefined ? `  Eval ${e.validationError.toPrecision(3)}` : "";
  const eta = p.iteration > 0 ? (p.elapsedMs / p.iteration) * (p.iterations - p.iteration) : 0;
  return `${String(p.iteration).padStart(String(p.iterations).length)}/${p.iterations}  E ${e ? e.trainError.toPrecision(3) : "-"}${acc}${val}  ETA ${duration(eta)}`;
}

/**
 * The line drawn at `columns` wide: the bar takes what the text leaves (up to 40), and a
 * terminal too narrow for the text gets the text cut, never a wrapped line.
 */
export function progressLine(p: Progress, columns: number): string {
  const text = progressText(p);
  const room = columns - 1 - text.length - 3;
  if (room < 5) return text.slice(0, Math.max(0, columns - 1));
  const width = Math.min(MAX_BAR, room);
  const fill = Math.round((width * p.iteration) / p.iterations);
  return `[${"#".repeat(fill)}${".".repeat(width - fill)}] ${text}`;
}

export function progressPrinter(ir: CRN, io: IO & { tty?: boolean }, quiet: boolean) {
  const evalEvery = ir.train!.evaluate;
  let lastDraw = 0;
  let drawn = false;
  return {
    update: (p: Progress) => {
      if (quiet) return;
      const now = performance.now();
      if (io.tty) {
        if (now - lastDraw < 100 && p.iteration < p.iterations) return;
        lastDraw = now;
        // The width now: the user may resize the terminal during a run.
        io.stderr(`\r${progressLine(p, io.columns?.() ?? 80)}\x1b[K`);
        drawn = true;
      } else if (p.iteration % evalEvery === 0 || p.iteration === p.iterations) {
        // Plain lines: about 20 per run.
        const evals = Math.ceil(p.iterations / evalEvery);
        const every = Math.max(1, Math.floor(evals / 20)) * evalEvery;
        if (p.iteration % every === 0 || p.iteration === p.iterations) io.stderr(progressText(p) + "\n");
      }
    },
    done: () => {
      if (drawn) io.stderr("\n");
    },
    /** A message in the middle of a run: on its own line, under the progress bar (redrawn next time). */
    note: (m: string) => {
      io.stderr(`${drawn ? "\r\x1b[K" : ""}crnnc: note: ${m}\n`);
      lastDraw = 0;
    },
  };
}
