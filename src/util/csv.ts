// CSV text as crnnc writes it everywhere (histories, trajectories, ensembles, sweep summaries):
// a header line, one line per row, cells joined by commas, an empty cell for a missing value,
// a final newline. Numbers are written as JavaScript prints them (shortest round-trip form), so a
// reader gets the very doubles back.
//
//   csvText(["time", "X"], [[0, 1], [0.5, 0.25]])   →   "time,X\n0,1\n0.5,0.25\n"

/**
 * Header and rows as CSV text (cells are numbers or plain names: nothing here needs quoting).
 *
 * @example
 * ```ts
 * import { csvText } from "crnnc";
 * csvText(["time", "X"], [[0, 1], [0.5, 0.25]]);   // "time,X\n0,1\n0.5,0.25\n"
 * ```
 */
export function csvText(header: readonly string[], rows: Iterable<ArrayLike<unknown>>): string {
  const lines = [header.join(",")];
  for (const row of rows) lines.push(Array.from(row, (c) => (c === undefined || c === null ? "" : String(c))).join(","));
  return lines.join("\n") + "\n";
}
