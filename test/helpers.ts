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

/** An activation written independently of crnnc: σ and σ'. */
export interface TestActivation {
  f: (z: number) => number;
  df: (z: number) => number;
}

/** The smooth ReLU of paper eq. 3 and its slope, for tests. */
export const smoothRelu = (h: number): TestActivation => ({
  f: (z) => (z + Math.sqrt(z * z + 4 * h)) / 2,
  df: (z) => 0.5 * (1 + z / Math.sqrt(z * z + 4 * h)),
});

/**
 * Forward pass and backprop of L = |y − ŷ|² for a dense network with per-layer activations,
 * written independently of crnnc. w[ℓ][i][j]: from node j of layer ℓ to node i of layer ℓ+1.
 */
export function backprop(net: { w: number[][][]; b: number[][]; acts: TestActivation[] }, a: number[], yhat: number[]) {
  const xs = [a];
  const zs: number[][] = [];
  for (let l = 0; l < net.w.length; l++) {
    const z = net.w[l]!.map((row, i) => row.reduce((s, w, j) => s + w * xs[l]![j]!, net.b[l]![i]!));
    zs.push(z);
    xs.push(z.map(net.acts[l]!.f));
  }
  const L = net.w.length;
  let dx = xs[L]!.map((y, i) => 2 * (y - yhat[i]!));
  const gw: number[][][] = [];
  const gb: number[][] = [];
  for (let l = L - 1; l >= 0; l--) {
    const dz = dx.map((d, i) => d * net.acts[l]!.df(zs[l]![i]!));
    gb[l] = dz;
    gw[l] = dz.map((d) => xs[l]!.map((x) => d * x));
    dx = xs[l]!.map((_, j) => dz.reduce((s, d, i) => s + d * net.w[l]![i]![j]!, 0));
  }
  return { y: xs[L]!, xs, zs, gw, gb };
}

/** Gaussian elimination with partial pivoting on a dense copy. */
export function denseSolve(A: number[][], r: number[]): number[] {
  const n = r.length;
  const a = A.map((row, i) => [...row, r[i]!]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[p]![k]!)) p = i;
    [a[k], a[p]] = [a[p]!, a[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = a[i]![k]! / a[k]![k]!;
      for (let j = k; j <= n; j++) a[i]![j]! -= f * a[k]![j]!;
    }
  }
  const u = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= a[i]![j]! * u[j]!;
    u[i] = s / a[i]![i]!;
  }
  return u;
}
