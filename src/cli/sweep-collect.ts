// `crnnc sweep collect DIR [--plot]`: merge every resume log of a sweep's folder (points.jsonl
// and each shard's points-I.jsonl) into summary.json and summary.csv (sweep/collect.ts) and the
// sensitivity plot when the sweep asked for one; print the table; list the runs missing, by
// shard with the array task's log when there is one, and the failed ones. Also the plot writer
// of `crnnc sweep --plot`.
//
//   crnnc sweep collect sweep-sine   →  the table, "5 of 6 runs done; …",
//                                       "  shard 2/3: h=4 seed 2 — it did not finish; its log: …"  (exit 1)

import { existsSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { SweepUsageError, type Axis } from "../sweep/grid.js";
import { collectSweep } from "../sweep/collect.js";
import { summaryTable, type SummaryRow } from "../sweep/summary.js";
import { taskLogPath } from "../sweep/slurm.js";
import type { IO } from "./io.js";

/** The sensitivity plot of a sweep's rows, as OUT/sensitivity.svg and OUT/sensitivity.html. */
export async function writePlot(
  out: string,
  axes: readonly Axis[],
  rows: readonly SummaryRow[],
  info: { network: string; file: string; seeds: number; iterations: number },
  io: IO,
) {
  const { sweepPlot } = await import("../sweep/plot.js");
  const plot = await sweepPlot(axes, rows, info);
  const svg = join(out, "sensitivity.svg");
  const html = join(out, "sensitivity.html");
  writeFileAtomic(svg, plot.svg);
  writeFileAtomic(html, plot.html);
  io.stdout(`plot: ${svg}, ${html}\n`);
}

/**
 * `crnnc sweep collect DIR [--plot]`: the summaries (and the plot) from every log in DIR, and
 * what is missing or failed, by shard with its task's log. Exit 0 complete, 1 runs missing or
 * failed, 2 DIR is not a sweep's folder.
 */
export async function collectCli(positionals: string[], values: Record<string, unknown>, io: IO): Promise<number> {
  const extra = Object.keys(values).filter((k) => values[k] !== undefined && k !== "plot" && k !== "quiet");
  if (extra.length) throw new SweepUsageError(`sweep collect takes DIR [--plot] [--quiet], not --${extra[0]}`);
  if (positionals.length !== 1) throw new SweepUsageError(`sweep collect takes exactly one DIR (the sweep's --out folder), got ${positionals.length}`);
  const dir = positionals[0]!;
  const c = collectSweep(dir);
  const m = c.manifest;
  if (!values["quiet"]) io.stdout(summaryTable(m.axes, c.rows));
  io.stdout(`${c.done} of ${c.total} runs done; ${c.files.json}, ${c.files.csv}\n`);
  if ((m.plot || values["plot"]) && m.axes.length)
    await writePlot(dir, m.axes, c.rows, { network: m.network, file: m.file, seeds: m.seeds.length, iterations: m.iterations }, io);
  const of = m.shards ? `/${m.shards}` : "";
  for (const f of c.failed) io.stderr(`crnnc: run ${f.label} seed ${f.seed} failed (shard ${f.shard}${of}): ${f.error}\n`);
  if (c.missing.length) {
    io.stderr(`crnnc: ${c.missing.length} run${c.missing.length === 1 ? "" : "s"} missing\n`);
    const byShard = new Map<number | undefined, string[]>();
    for (const x of c.missing) byShard.set(x.shard, [...(byShard.get(x.shard) ?? []), `${x.label} seed ${x.seed}`]);
    for (const [shard, list] of byShard) {
      const log = shard === undefined ? undefined : taskLogPath(dir, shard);
      const why =
        shard === undefined ? "" : c.unfinished.includes(shard) ? ` — it did not finish${log && existsSync(log) ? `; its log: ${log}` : ""}` : " — not run yet";
      io.stderr(`  ${shard === undefined ? "" : `shard ${shard}${of}: `}${list.join(", ")}${why}\n`);
    }
  }
  if (c.missing.length || c.failed.length) {
    io.stderr(
      `crnnc: rerun the sweep's command to make them (${m.shards ? `each shard's --shard I/${m.shards}, or --slurm to submit the shards with runs missing` : "it resumes"}), then collect again\n`,
    );
    return 1;
  }
  return 0;
}
