// A sweep as a Slurm job array: the sbatch script (one array task per shard; array task I runs
// `crnnc sweep … --shard I/N`, counted from 1 like the shards, with its task's CPUs as worker
// threads), the submission (`sbatch --parsable --array=LIST`), the wait for the array (polling
// `squeue`, every 0.5 s at first and at most every 30 s: `sbatch --wait` polls at ≥ 2 s steps
// growing to 10 s, which made a small sweep wait seconds for nothing), and the end state of
// each task (`scontrol show job`) for reporting a failed one with its log.
//
//   sbatchScript({ dir: "/scratch/sweep-sine", cwd: "/home/me", node: "/usr/bin/node",
//                  cli: "/opt/crnnc/dist/cli/crnnc.js", args: ["examples/sine.crnn", "--over", "h=2,4"],
//                  shards: 4, name: "sine" }, { cpusPerTask: 8 })
//   → "#!/bin/bash\n#SBATCH --job-name=crnnc-sweep-sine\n#SBATCH --array=1-4\n…"

import { execFile, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { SweepUsageError } from "./grid.js";

export const SCRIPT_NAME = "sweep.sbatch";

/** Where the Slurm-specific options of `crnnc sweep --slurm` go. */
export interface SlurmOptions {
  partition?: string;
  /** Wall-time limit of each array task, as sbatch takes it (`HH:MM:SS`, `D-HH:MM:SS`, minutes). */
  time?: string;
  /** CPUs of each array task: its worker threads. */
  cpusPerTask?: number;
  /** At most this many array tasks at once (`--array=…%K`). */
  arrayLimit?: number;
  /** More `#SBATCH` lines, each as sbatch takes it on its command line (`--mem=8G`, `--account=abc`). */
  sbatchArgs?: readonly string[];
}

/** What an array task runs: `node CLI sweep ARGS --out DIR --shard I/N --workers C`, from `cwd`. */
export interface SlurmJob {
  /** The sweep's output folder (absolute). */
  dir: string;
  /** The folder the tasks run in (absolute): where the command was given, so relative paths mean the same. */
  cwd: string;
  node: string;
  cli: string;
  /** The sweep's arguments after `sweep`, without --out, --shard, --workers and the Slurm options. */
  args: readonly string[];
  shards: number;
  /** For the job's name. */
  name: string;
}

/** A word for bash: as it is when it is safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Where array task I writes its stdout and stderr (appended over resubmissions). */
export function taskLogPath(dir: string, index: number | "%a"): string {
  return join(dir, "logs", `shard-${index}.out`);
}

/** Check `--time`: what sbatch accepts (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS). */
export function checkTime(t: string): string {
  if (!/^(\d+(-\d+)?)(:\d+){0,2}$/.test(t)) throw new SweepUsageError(`--time needs HH:MM:SS (or minutes, D-HH:MM:SS), got \`${t}\``);
  return t;
}

/** An --array list of task ids: runs of consecutive ids as ranges (`1-3,5`), with `%K`. */
export function arraySpec(tasks: readonly number[], limit?: number): string {
  const sorted = [...new Set(tasks)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",") + (limit !== undefined ? `%${limit}` : "");
}

/**
 * The job-array script of a sweep (`crnnc sweep … --slurm` writes it to DIR/sweep.sbatch):
 * every shard a task, array task I running shard I/N; sbatch's `--array` on the command line
 * picks some.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { sbatchScript } from "crnnc";
 * const script = sbatchScript(
 *   { dir: "/scratch/sweep-sine", cwd: process.cwd(), node: process.execPath, cli: "/opt/crnnc/dist/cli/crnnc.js",
 *     args: ["examples/sine.crnn", "--over", "h=1,2,4", "--seeds", "8"], shards: 6, name: "sine" },
 *   { cpusPerTask: 4, time: "02:00:00" },
 * );
 * writeFileSync("sweep.sbatch", script);   // then: sbatch sweep.sbatch
 * ```
 */
export function sbatchScript(job: SlurmJob, opts: SlurmOptions = {}): string {
  const n = job.shards;
  const directives = [
    `--job-name=crnnc-sweep-${job.name.replace(/[^A-Za-z0-9_.-]/g, "_")}`,
    `--array=${arraySpec(
      Array.from({ length: n }, (_, i) => i + 1),
      opts.arrayLimit,
    )}`,
    `--output=${taskLogPath(job.dir, "%a")}`,
    "--open-mode=append",
    "--ntasks=1",
    ...(opts.cpusPerTask !== undefined ? [`--cpus-per-task=${opts.cpusPerTask}`] : []),
    ...(opts.partition !== undefined ? [`--partition=${opts.partition}`] : []),
    ...(opts.time !== undefined ? [`--time=${opts.time}`] : []),
    ...(opts.sbatchArgs ?? []),
  ];
  const command = [
    job.node,
    job.cli,
    "sweep",
    ...job.args,
    "--out",
    job.dir,
    "--shard",
    `"\${SLURM_ARRAY_TASK_ID}/${n}"`,
    "--workers",
    `"\${SLURM_CPUS_PER_TASK:-1}"`,
  ]
    .map((w) => (w.startsWith('"$') ? w : shellQuote(w)))
    .join(" ");
  return [
    "#!/bin/bash",
    `# crnnc sweep as a Slurm job array, written by \`crnnc sweep … --slurm\`: array task I runs`,
    `# shard I of ${n} (counted from 1), its runs on \${SLURM_CPUS_PER_TASK:-1} worker threads, logged in`,
    `# ${job.dir}/points-I.jsonl. The same command again submits only the shards with runs missing;`,
    `# by hand: sbatch --array=2,5 ${shellQuote(join(job.dir, SCRIPT_NAME))}. Then: crnnc sweep collect ${shellQuote(job.dir)}`,
    ...directives.map((d) => `#SBATCH ${d}`),
    "set -eu",
    `cd ${shellQuote(job.cwd)}`,
    `echo "crnnc sweep: shard \${SLURM_ARRAY_TASK_ID}/${n}, job \${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID} on $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)" >&2`,
    `exec ${command}`,
    "",
  ].join("\n");
}

/** Is `sbatch` on the PATH? */
export function haveSbatch(): boolean {
  return spawnSync("sbatch", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Submit the script's array tasks `tasks` with sbatch: the job id, or sbatch's complaint. */
export function submit(script: string, tasks: readonly number[], arrayLimit?: number): Promise<{ jobId: string; code: number; stderr: string }> {
  const args = ["--parsable", `--array=${arraySpec(tasks, arrayLimit)}`, script];
  return new Promise((done) => {
    execFile("sbatch", args, { encoding: "utf8" }, (err, stdout, stderr) => {
      const m = /^(\d+)(;\S+)?\s*$/m.exec(stdout);
      done({ jobId: m ? m[1]! : "", code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr: stderr || (err?.message ?? "") });
    });
  });
}

/**
 * Wait until no task of the job is pending or running (`squeue -j ID` lists none), polling
 * every 0.5 s at first, then less often, at most every 30 s. Resolves early when `signal`
 * aborts; squeue failing ten times in a row (the controller gone) rejects.
 */
export async function waitForJob(jobId: string, signal?: AbortSignal): Promise<void> {
  let pause = 500;
  let failures = 0;
  while (!signal?.aborted) {
    const r = await new Promise<{ ok: boolean; out: string; err: string }>((done) =>
      execFile("squeue", ["-h", "-j", jobId, "-o", "%i %T"], { encoding: "utf8" }, (err, stdout, stderr) => done({ ok: !err, out: stdout, err: stderr })),
    );
    if (r.ok) {
      failures = 0;
      if (r.out.trim() === "") return;
    } else if (/Invalid job id/i.test(r.err))
      return; // finished long enough ago for Slurm to forget it
    else if (++failures >= 10) throw new Error(`squeue -j ${jobId} keeps failing: ${r.err.trim()}`);
    await sleep(pause, undefined, signal ? { signal } : {}).catch(() => {});
    pause = Math.min(30_000, Math.round(pause * 1.25));
  }
}

/** How each array task of a job ended, by task id, as `scontrol show job` knows it (empty once Slurm has forgotten the job). */
export function taskStates(jobId: string): Map<number, { state: string; exitCode: string }> {
  const r = spawnSync("scontrol", ["show", "job", "-o", jobId], { encoding: "utf8" });
  const states = new Map<number, { state: string; exitCode: string }>();
  if (r.status !== 0) return states;
  for (const line of r.stdout.split("\n")) {
    const task = /\bArrayTaskId=(\d+)\b/.exec(line);
    const state = /\bJobState=(\S+)/.exec(line);
    if (task && state) states.set(Number(task[1]), { state: state[1]!, exitCode: /\bExitCode=(\S+)/.exec(line)?.[1] ?? "?" });
  }
  return states;
}
