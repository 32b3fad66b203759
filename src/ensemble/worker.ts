// Worker-thread entry of an ensemble (`crnnc sim --runs N`): loads the model once, then runs the
// runs it is sent and posts each one's values back (the main thread sums them in run order, so
// the result does not depend on how many workers there are).
//
//   main → worker  { job, runs: [0, 2, 4] }
//   worker → main  { i: 0, values: Float64Array, events: 1234 } … then { done: true }   or   { error: "..." }

import { parentPort, workerData } from "node:worker_threads";
import { loadEnsembleModel, type EnsembleJob } from "./model.js";

if (!parentPort) throw new Error("src/ensemble/worker.ts runs as a worker thread");
const port = parentPort;
const model = loadEnsembleModel(workerData as EnsembleJob);

port.on("message", (msg: { runs: number[] }) => {
  try {
    for (const i of msg.runs) {
      const r = model.run(i);
      port.postMessage({ i, values: r.values, events: r.events }, [r.values.buffer as ArrayBuffer]);
    }
    port.postMessage({ done: true });
  } catch (e) {
    port.postMessage({ error: (e as Error).message ?? String(e) });
  }
});
