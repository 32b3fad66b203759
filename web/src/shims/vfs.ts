// The playground's file system: what the compiler, the dataset loader and the version lookup
// read with node:fs on a computer, served from memory in the browser. The stdlib, the examples
// and package.json are bundled as text; the bundled datasets are fetched (mnist01 is 0.5 MB) the
// first time a run or an export needs one (preloadDataset). Paths are those the shims make up:
// the package sits at /crnnc, which is also the working directory (node-url.ts, process.ts).
//
//   readText("/crnnc/stdlib/smooth_relu.crnn")  →  "activation smooth_relu(h = 1) { ... }"

export const ROOT = "/crnnc";

const files = new Map<string, string>();
const binaries = new Map<string, Uint8Array>();

const std = import.meta.glob("../../../stdlib/*.crnn", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const examples = import.meta.glob("../../../examples/*.crnn", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const datasets = import.meta.glob("../../../data/*.json", { query: "?raw", import: "default" }) as Record<string, () => Promise<string>>;
import pkg from "../../../package.json";

const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);
for (const [p, text] of Object.entries(std)) files.set(`${ROOT}/stdlib/${base(p)}`, text);
for (const [p, text] of Object.entries(examples)) files.set(`${ROOT}/examples/${base(p)}`, text);
files.set(`${ROOT}/package.json`, JSON.stringify({ name: pkg.name, version: pkg.version }));

/** The examples by name (`xor` → its source), in name order. */
export const EXAMPLES: ReadonlyMap<string, string> = new Map(
  Object.entries(examples)
    .map(([p, text]) => [base(p).replace(/\.crnn$/, ""), text] as [string, string])
    .sort((a, b) => a[0].localeCompare(b[0])),
);

/** The bundled dataset files' names (`iris`, `mnist01`). */
export const DATASETS: readonly string[] = Object.keys(datasets).map((p) => base(p).replace(/\.json$/, ""));

/** Fetch a bundled dataset's file into the file system (once); unknown names are left alone. */
export async function preloadDataset(name: string): Promise<void> {
  const path = `${ROOT}/data/${name}.json`;
  if (files.has(path)) return;
  const entry = Object.entries(datasets).find(([p]) => base(p) === `${name}.json`);
  if (entry) files.set(path, await entry[1]());
}

export function readText(path: string): string | undefined {
  return files.get(path);
}

/** A binary file (libSBML's WebAssembly), read back by readFileSync without an encoding. */
export function writeBinary(path: string, bytes: Uint8Array): void {
  binaries.set(path, bytes);
}

export function readBinary(path: string): Uint8Array | undefined {
  return binaries.get(path);
}

export function writeText(path: string, text: string): void {
  files.set(path, text);
}

export function isDir(path: string): boolean {
  const prefix = path.endsWith("/") ? path : `${path}/`;
  for (const k of files.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

export function list(dir: string): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const out = new Set<string>();
  for (const k of files.keys()) if (k.startsWith(prefix)) out.add(k.slice(prefix.length).split("/")[0]!);
  return [...out].sort();
}
