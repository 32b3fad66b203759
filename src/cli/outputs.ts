// Output paths are checked before any work starts: a training run that would end by failing to
// write its results (a missing directory, a directory in place of a file, its own input) is
// refused up front, not after hours of integration.
//
//   checkOutputs({ "--json": "/nonexistent/a.json" }, ["x.crnn"])
//     →  throws "--json /nonexistent/a.json: the directory /nonexistent does not exist"

import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Why an output path cannot be written (a message for a usage error), or undefined if it can. */
export function checkOutputs(outputs: Record<string, string | undefined>, inputs: readonly string[]): string | undefined {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const ins = new Set(inputs.map(real));
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(outputs)) {
    if (path === undefined) continue;
    const full = real(path);
    if (ins.has(full)) return `${flag} ${path}: refusing to write over the input file`;
    const other = seen.get(full);
    if (other) return `${flag} ${path}: ${other} writes the same file`;
    seen.set(full, `${flag}`);
    let st;
    try {
      st = statSync(full);
    } catch {
      /* a new file: its directory is checked below */
    }
    if (st?.isDirectory()) return `${flag} ${path}: is a directory (give a file name inside it)`;
    const dir = dirname(full);
    let dst;
    try {
      dst = statSync(dir);
    } catch {
      return `${flag} ${path}: the directory ${dirname(path)} does not exist`;
    }
    if (!dst.isDirectory()) return `${flag} ${path}: ${dirname(path)} is not a directory`;
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      return `${flag} ${path}: the directory ${dirname(path)} is not writable`;
    }
  }
  return undefined;
}
