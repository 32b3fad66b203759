// `crnnc sim FILE --method ssa|tau-leap`: one stochastic run of a raw crn or an SBML model
// (its values at --points times, as the ODE path prints them), or with --runs N an ensemble on
// worker threads, written in the Discrete Stochastic Models Test Suite's layout — `time`, then
// `S-mean` and `S-sd` for each species — to --csv (or stdout), and with percentiles and a few
// sample paths to --json.
//
//   crnnc sim examples/divide.crnn --method ssa --volume 100 --runs 1000 --until 2 --points 11 --csv ens.csv

import { availableParallelism } from "node:os";
import { runEnsemble, EnsembleModelError, type EnsembleJob } from "../ensemble/run.js";
import { writeFileAtomic } from "../util/atomic.js";
import { csvText } from "../util/csv.js";
import { DEFAULT_VOLUME } from "../sim/methods.js";
import type { IO } from "./io.js";

/** The flags of `crnnc sim` a stochastic run reads. */
export interface StochasticFlags {
  file?: string;
  target?: string;
  method?: string;
  until?: number;
  points?: number;
  volume?: number;
  runs?: number;
  workers?: number;
  seed?: number;
  amounts?: boolean;
  csv?: string;
  json?: string;
  /** An HTML page with the mean ± sd bands and sample paths (of the --trace'd species, or the first 6). */
  report?: string;
  trace?: string;
  quiet?: boolean;
  deterministic?: boolean;
}

export async function runStochastic(kind: "crnn" | "sbml", f: StochasticFlags, io: IO): Promise<number> {
  const runs = f.runs ?? 1;
  const job: EnsembleJob = {
    kind,
    file: f.file!,
    ...(f.target !== undefined ? { target: f.target } : {}),
    until: f.until ?? 10,
    points: f.points ?? (f.runs !== undefined ? 11 : 2),
    method: f.method as "ssa" | "tau-leap",
    ...(kind === "crnn" ? { volume: f.volume ?? DEFAULT_VOLUME } : {}),
    seed: f.seed ?? 1,
    ...(f.amounts ? { amounts: true } : {}),
  };
  if (kind === "sbml" && f.volume !== undefined) io.stderr("crnnc: note: --volume does not apply to an SBML model (its amounts are the molecule counts)\n");
  let r;
  try {
    r = await runEnsemble(job, runs, f.workers ?? availableParallelism(), (done) => {
      if (!f.quiet && runs > 1 && io.tty && (done % Math.max(1, Math.floor(runs / 100)) === 0 || done === runs)) io.stderr(`\r${done}/${runs} runs`);
    });
  } catch (e) {
    if (e instanceof EnsembleModelError) {
      io.stderr(`${e.message.trimEnd()}\n`);
      return 1;
    }
    throw e;
  }
  if (!f.quiet && runs > 1 && io.tty) io.stderr("\n");
  const ensemble = f.runs !== undefined;
  const csv = csvText(
    ["time", ...(ensemble ? r.ids.flatMap((id) => [`${id}-mean`, `${id}-sd`]) : r.ids)],
    r.t.map((t, i) => [t, ...(ensemble ? [...r.mean[i]!].flatMap((m, j) => [m, r.sd[i]![j]!]) : [...r.mean[i]!])]),
  );
  if (f.csv) writeFileAtomic(f.csv, csv);
  else if (f.points !== undefined || ensemble) io.stdout(csv);
  if (!ensemble && f.points === undefined && !f.csv) {
    const w = Math.max(...r.ids.map((s) => s.length), 7);
    const final = r.mean[r.mean.length - 1]!;
    io.stdout(
      `at t = ${r.t[r.t.length - 1]} (${job.method}${kind === "crnn" ? `, Ω = ${job.volume}` : ""}, seed ${job.seed})\n` +
        r.ids.map((s, j) => `  ${s.padEnd(w)}  ${final[j]!.toPrecision(10)}`).join("\n") +
        "\n",
    );
  }
  if (f.json) {
    const arr = (rows: Float64Array[]) => rows.map((row) => [...row]);
    const out = {
      method: job.method,
      ...(job.volume !== undefined ? { volume: job.volume } : {}),
      seed: job.seed,
      runs,
      ids: r.ids,
      t: r.t,
      mean: arr(r.mean),
      sd: arr(r.sd),
      p5: arr(r.quantiles.p5),
      p50: arr(r.quantiles.p50),
      p95: arr(r.quantiles.p95),
      paths: r.paths.map(arr),
      events: r.events,
      ...(f.deterministic ? {} : { timing: { wallMs: r.wallMs, workers: r.workers } }),
    };
    writeFileAtomic(f.json, JSON.stringify(out) + "\n");
  }
  if (f.report) {
    const { ensembleReport } = await import("../plot/ensemble.js"); // vega loads only when a report is asked for
    const ids = f.trace
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const missing = ids?.filter((id) => !r.ids.includes(id)) ?? [];
    if (missing.length) {
      io.stderr(`crnnc: --trace: no species \`${missing.join("`, `")}\` in ${job.file}\n`);
      return 2;
    }
    const html = await ensembleReport(
      r,
      { file: job.file, method: job.method, ...(job.volume !== undefined ? { volume: job.volume } : {}), seed: job.seed, events: r.events },
      { ...(ids?.length ? { ids } : {}), ...(kind === "sbml" ? { yTitle: f.amounts ? "amount (molecules)" : "value (as the model reports it)" } : {}) },
    );
    writeFileAtomic(f.report, html);
  }
  if (!f.quiet)
    io.stderr(
      `crnnc: ${runs} ${job.method} run${runs === 1 ? "" : "s"}, ${r.events} events, ${(r.wallMs / 1000).toFixed(2)} s on ${r.workers} thread${r.workers === 1 ? "" : "s"}\n`,
    );
  return 0;
}
