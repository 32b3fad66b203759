// The SBML side of the command line: `compile --emit sbml|antimony`, `validate model.xml`
// (libSBML's consistency report) and `sim model.xml` (read back and simulate).
//
//   crnnc validate model.xml   →   "model.xml: 0 errors, 0 warnings (libSBML 5.18, all checks, units included)"

import { readFileSync } from "node:fs";
import type { CRN } from "../ir/types.js";
import { printTrajectory, type IO } from "./io.js";
import { emitSbml } from "../backends/sbml/emit.js";
import { emitAntimony } from "../backends/antimony.js";
import { checkSbml, type SbmlIssue } from "../backends/sbml/libsbml.js";
import { readSbml } from "../backends/sbml/read.js";
import { runSim, SimUsageError, type SimFlags } from "./sim.js";
import { runSchedule } from "../train/trainer.js";
import { makeProtocol } from "../train/protocol.js";
import { DatasetError, loadDataset } from "../data/datasets.js";
import type { Protocol } from "../ir/protocol.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { VERSION } from "../version.js";
export { renameDiagnostics } from "../backends/sbml/ids.js";
import { simulateModel } from "../sbml/run.js";
import { METHODS, isStochastic } from "../sim/simulate.js";

export async function emitSbmlText(ir: CRN, emit: "sbml" | "antimony", schedule: string | undefined, io: IO): Promise<string> {
  if (schedule !== undefined && schedule !== "none" && schedule !== "events") throw new SimUsageError(`--schedule must be none or events, got \`${schedule}\``);
  const protocol = schedule === "none" ? undefined : scheduleProtocol(ir, io);
  const opts = { version: VERSION, ...(protocol ? { protocol } : {}) };
  return emit === "sbml" ? emitSbml(ir, opts) : emitAntimony(ir, opts);
}

/** The schedule SBML and Antimony carry: the cyclic order (one seeded permutation, repeated), compact in an event. */
function scheduleProtocol(ir: CRN, io: IO): Protocol | undefined {
  if (ir.kind !== "train" || !ir.train) return undefined;
  try {
    return makeProtocol(ir, loadDataset(ir.train.dataset, ir.train.split, ir.train.seed), { order: "cyclic" });
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    io.stderr(`crnnc: warning: no training schedule written: ${e.message}\n`);
    return undefined;
  }
}

function readText(file: string, io: IO): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    io.stderr(`crnnc: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}\n`);
    return undefined;
  }
}

/** `crnnc validate FILE`: libSBML's reading errors and consistency report; exit 1 on errors. */
export async function runValidate(file: string, io: IO): Promise<number> {
  const xml = readText(file, io);
  if (xml === undefined) return 1;
  const { read, consistency } = await checkSbml(xml);
  const all = [...read, ...consistency];
  const isErr = (e: SbmlIssue) => e.severity === "error" || e.severity === "fatal";
  const errors = all.filter(isErr).length;
  const warnings = all.length - errors;
  const out: string[] = [];
  const cats = [...new Set(all.map((e) => e.category))];
  for (const c of cats) {
    const items = all.filter((e) => e.category === c);
    const ne = items.filter(isErr).length;
    out.push(`${c}: ${ne} error${ne === 1 ? "" : "s"}, ${items.length - ne} warning${items.length - ne === 1 ? "" : "s"}`);
    for (const e of items) out.push(`  ${file}:${e.line || "?"}: ${e.severity}${e.id ? ` ${e.id}` : ""}: ${e.message.replace(/\s*\n\s*/g, " ")}`);
  }
  const readFailed = read.some(isErr);
  out.push(
    `${file}: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}${readFailed ? " (the file could not be read as SBML; consistency not checked)" : " (libSBML 5.18 consistency checks, all categories, units included)"}`,
  );
  (errors ? io.stderr : io.stdout)(out.join("\n") + "\n");
  return errors ? 1 : 0;
}

/** `crnnc sim model.xml`: read the SBML back into a CRN and run it like a .crnn file. */
export async function runSbmlSim(file: string, f: SimFlags, io: IO): Promise<number> {
  const xml = readText(file, io);
  if (xml === undefined) return 1;
  const r = await readSbml(xml, file);
  // The XML is the source: a located diagnostic shows its line with a caret.
  if (r.diagnostics.length) io.stderr(formatDiagnostics(r.diagnostics, { sources: new Map([[file, xml]]), color: io.color }) + "\n");
  if (!r.ir) return 1;
  const ir = r.ir;
  if (ir.kind === "train" && r.protocol) {
    if (f.order !== undefined) throw new SimUsageError("--order does not apply to an SBML model: its schedule event fixes the sample sequence");
    // --seed still seeds the noise draws; --iterations runs that many periods of the sequence.
    const protocol = { ...r.protocol, ...(f.iterations !== undefined ? { iterations: f.iterations } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}) };
    return runSim(ir, { ...f, protocol }, io);
  }
  if (r.protocol) {
    // A schedule without crnnc's network annotations: walk it, print the final state.
    const period = r.period!;
    const iterations = f.iterations ?? Math.max(1, Math.ceil((f.until ?? period) / period));
    const tr = runSchedule(ir, { ...r.protocol, iterations }, period, {
      rtol: f.rtol ?? 1e-8,
      atol: f.atol ?? 1e-12,
      ...(f.method ? { method: f.method as "rodas5" } : {}),
    });
    const final = tr.values[tr.values.length - 1]!;
    io.stdout(`${ir.name} at t = ${tr.t[tr.t.length - 1]}\n` + ir.species.map((s, i) => `  ${s.id}  ${final[i]!.toPrecision(10)}`).join("\n") + "\n");
    return 0;
  }
  if (ir.kind === "crn" && ir.imported) return runModel(ir, f, io);
  if (f.amounts) throw new SimUsageError("--amounts applies to an SBML model that is not crnnc's own network");
  return runSim(ir, f, io);
}

/** An SBML model with SBML's meaning (rules, events, compartments): its species (and the values that change) over time. */
function runModel(ir: CRN, f: SimFlags, io: IO): number | Promise<number> {
  if (isStochastic(f.method)) return import("./ensemble.js").then((m) => m.runStochastic("sbml", f, io));
  const until = f.until ?? 10;
  const points = f.points ?? 2;
  if (f.method !== undefined && !(METHODS as readonly string[]).includes(f.method))
    throw new SimUsageError(`--method must be one of ${METHODS.join(", ")}, got \`${f.method}\``);
  const r = simulateModel(ir, {
    until,
    points,
    ...(f.amounts ? { amounts: "all" as const } : {}),
    ...(f.method ? { method: f.method as (typeof METHODS)[number] } : {}),
    ...(f.rtol !== undefined ? { rtol: f.rtol } : {}),
    ...(f.atol !== undefined ? { atol: f.atol } : {}),
    ...(f.seed !== undefined ? { seed: f.seed } : {}),
  });
  if (r.diagnostics.length) io.stderr(formatDiagnostics(r.diagnostics, { sources: new Map(), color: io.color }) + "\n");
  if (r.diagnostics.some((d) => d.severity === "error")) return 1;
  // Whatever was computed is written, also when the run stopped early.
  printTrajectory(io, f, { name: ir.name, timeLabel: "time", ids: r.ids, t: r.t, values: r.values });
  if (r.stopped) {
    io.stderr(`crnnc: the run stopped at t = ${+r.stopped.time.toPrecision(6)}: ${r.stopped.message}. Values up to t = ${r.t[r.t.length - 1]} are shown.\n`);
    return 1;
  }
  return 0;
}
