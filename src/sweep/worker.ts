// Worker-thread entry of `crnnc sweep`: receives jobs one at a time, runs each (on the
// structure it compiled once, with the point's values) and posts back the record, or the error
// if the run could not be made at all (a blow-up is a record, not an error), with how many
// compilations this worker has made so far.
//
//   main → worker  { file, point: { epsilon: 0.02 }, seed: 1, iterations: 100 }
//   worker → main  { record: { averageTrainError: 0.11, ... }, counts: { compiles: 1, models: 1 } }   or   { error: "...", counts }

import { parentPort } from "node:worker_threads";
import { Runner, RunError, type Job } from "./point.js";

if (!parentPort) throw new Error("src/sweep/worker.ts runs as a worker thread (crnnc sweep)");
const port = parentPort;

const runner = new Runner();
const counts = () => ({ compiles: runner.compiles, models: runner.models });

port.on("message", (job: Job) => {
  try {
    const record = runner.run(job);
    port.postMessage({ record, counts: counts() });
  } catch (e) {
    const error = e instanceof RunError ? e.message : `internal error: ${(e as Error)?.stack ?? String(e)}`;
    port.postMessage({ error, counts: counts() });
  }
});
