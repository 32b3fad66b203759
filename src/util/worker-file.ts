// Where a stage's worker-thread entry is, wherever the calling module runs from: compiled beside
// it (dist/<stage>/worker.js), bundled beside the CLI (dist/cli/<stage>-worker.js, which the
// bundled chunks call from), or in dist/ when the caller runs from the TypeScript sources (tests).
//
//   new Worker(workerFile(import.meta.url, "sweep"))

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function workerFile(caller: string, stage: string): URL {
  const built = new URL(`../../dist/${stage}/worker.js`, caller);
  for (const u of [new URL("./worker.js", caller), new URL(`./${stage}-worker.js`, caller), built]) if (existsSync(fileURLToPath(u))) return u;
  throw new Error(`cannot find the ${stage} worker ${fileURLToPath(built)}: build crnnc first (npx tsc -p .)`);
}
