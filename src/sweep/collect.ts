// `crnnc sweep collect DIR`: merge the resume logs of a sweep's folder — points.jsonl and
// every shard's points-I.jsonl, made on one machine or by the tasks of a cluster job — into
// summary.json and summary.csv, exactly as a sweep on one machine writes them (the same runs
// give the same bytes), and say which runs are missing (by shard, when sharded) and which
// failed (from the shards' shard-I.json). Reads only the folder: OUT/sweep.json says what the
// sweep was, the logs' run keys say which runs belong to it; the sources are not needed.
//
//   collect("sweep-sine")  →  { total: 6, done: 5, missing: [{ shard: 2, label: "h=4", seed: 2 }], ... }

import { join } from "node:path";
import { pointLabel, SweepUsageError } from "./grid.js";
import { keyOf, planRuns, readLogs, writeSummaries } from "./sweep.js";
import { readManifest, readStatus, type SweepManifest } from "./shard.js";
import type { SummaryRow } from "./summary.js";

export interface CollectOutcome {
  manifest: SweepManifest;
  rows: SummaryRow[];
  total: number;
  done: number;
  /** Runs in no log: their shard (when sharded), point label and seed. */
  missing: { shard?: number; label: string; seed: number }[];
  /** Runs a shard reported as failed and no log holds. */
  failed: { shard: number; label: string; seed: number; error: string }[];
  /** Shards with missing runs and no shard-I.json, or one saying they were interrupted: they did not get to the end. */
  unfinished: number[];
  files: { json: string; csv: string };
}

/**
 * Merge the logs of a sweep's folder into its summaries (summary.json, summary.csv) and report
 * what is missing. Throws a SweepUsageError when the folder holds no sweep.
 *
 * @example
 * ```ts
 * import { collectSweep } from "crnnc";
 * const c = collectSweep("sweep-sine");
 * console.log(`${c.done} of ${c.total} runs`, c.missing.length ? "missing some" : "complete");
 * ```
 */
export function collectSweep(dir: string): CollectOutcome {
  const manifest = readManifest(dir);
  if (typeof manifest === "string") throw new SweepUsageError(manifest);
  const { points, runs, shardOf } = planRuns(manifest, manifest.shards);
  const { done } = readLogs(dir);
  const statuses = new Map<number, ReturnType<typeof readStatus>>();
  const status = (s: number) => (statuses.has(s) ? statuses.get(s) : statuses.set(s, readStatus(dir, s)).get(s));
  const missing: CollectOutcome["missing"] = [];
  const failed: CollectOutcome["failed"] = [];
  const unfinished = new Set<number>();
  runs.forEach((r, i) => {
    if (done.has(keyOf(manifest, points, r))) return;
    const label = pointLabel(points[r.point]!);
    const shard = shardOf?.[i];
    const st = shard === undefined ? undefined : status(shard);
    const f = st?.failed.find((x) => x.seed === r.seed && pointLabel(x.point) === label);
    if (f) failed.push({ shard: shard!, label, seed: r.seed, error: f.error });
    else {
      missing.push({ ...(shard !== undefined ? { shard } : {}), label, seed: r.seed });
      if (shard !== undefined && (!st || st.interrupted)) unfinished.add(shard);
    }
  });
  const rows = writeSummaries(manifest, dir, done, failed.length);
  return {
    manifest,
    rows,
    total: runs.length,
    done: rows.reduce((a, r) => a + r.runs, 0),
    missing,
    failed,
    unfinished: [...unfinished].sort((a, b) => a - b),
    files: { json: join(dir, "summary.json"), csv: join(dir, "summary.csv") },
  };
}
