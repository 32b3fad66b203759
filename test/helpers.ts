// Shared test helpers: compile in-memory sources, find species, run the CLI in-process.
import { compile, type CompileResult } from "../src/compile.js";
import type { CRN } from "../src/ir/types.js";
import { main } from "../src/cli/main.js";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");

/** Compile source text as if it were a file in the repo's test/ folder. */
export function compileText(text: string, opts: Parameters<typeof compile>[1] = {}): CompileResult {
  return compile(text, { file: resolve(ROOT, "test", "input.crnn"), ...opts });
}

/** Compile and insist on success. */
export function mustCompile(text: string, opts: Parameters<typeof compile>[1] = {}): CRN {
  const r = compileText(text, opts);
  if (!r.ir) throw new Error(`compile failed:\n${r.diagnostics.map((d) => `${d.code} ${d.span?.line}:${d.span?.col} ${d.message}`).join("\n")}`);
  return r.ir;
}

export function speciesIndex(ir: CRN): Map<string, number> {
  return new Map(ir.species.map((s, i) => [s.id, i]));
}

/** Run the CLI in-process; returns exit code and captured output. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), color: false });
  return { code, stdout, stderr };
}

/** mulberry32: a tiny seeded PRNG with values in [0, 1), independent of crnnc's own. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
