// Worker-thread entry of `crnnc sweep`: receives jobs one at a time, runs each (compile with
// the point's overrides, train) and posts back the record, or the error if the run could not
// be made at all (a blow-up is a record, not an error).
//
//   main → worker  { file, point: { epsilon: 0.02 }, seed: 1, iterations: 100 }
//   worker → main  { record: { averageTrainError: 0.11, ... } }   or   { error: "..." }

import { parentPort } from "node:worker_threads";
import { runOne, RunError, type Job } from "./point.js";

if (!parentPort) throw new Error("src/sweep/worker.ts runs as a worker thread (crnnc sweep)");
const port = parentPort;

port.on("message", (job: Job) => {
  try {
    port.postMessage({ record: runOne(job) });
  } catch (e) {
    const error = e instanceof RunError ? e.message : `internal error: ${(e as Error)?.stack ?? String(e)}`;
    port.postMessage({ error });
  }
});
