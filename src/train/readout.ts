// The network a training CRN implements, read off the species metadata: where each weight and
// bias rail, node, input and target lives in the state vector, and the forward pass with the
// current weights w = W.p − W.m, b = B.p − B.m (the readout of paper eq. 17) through each
// layer's closed form σ(z) — the one its activation declares next to its reactions
// (`closed(z) = ...`), compiled once. A layer whose activation declares none has no closed
// form: the readout then integrates the forward CRN (`ForwardReadout`, `--readout crn`).
//
//   const net = NetworkLayout.of(ir);  net.forward(net.parameters(state), [1, 0])  →  [0.97]

import type { ClosedForm, CRN, IRExpr, Term } from "../ir/types.js";
import type { Dataset, Sample } from "../ir/protocol.js";
import { mapLeaves } from "../ir/expr.js";
import { paramValues } from "../ir/parameters.js";
import { speciesInExpr } from "../ir/queries.js";
import { compileLaw } from "../sim/law-codegen.js";
import { toSteadyState, type SolverOptions } from "../sim/simulate.js";
import type { Engine } from "../sim/engine.js";
import type { Integrator, IntegratorSnapshot } from "../sim/rosenbrock.js";

/** A closed form compiled to a function of z, its parameters read from `params` (the IR's values). */
export function closedFunction(f: ClosedForm, params: Float64Array): (z: number) => number {
  const e = mapLeaves(f, (l): IRExpr => (l.k === "arg" ? { k: "species", s: 0 } : l));
  const law = compileLaw(e, [0], params);
  const z = new Float64Array(1);
  return (v) => ((z[0] = v), law.rate(z));
}

/**
 * Where a train or network IR keeps its network: the species of every node, weight and bias
 * rail by layer, and the closed-form forward pass with the weights read from a state.
 *
 * @example
 * ```ts
 * import { compileFile, NetworkLayout, train } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const run = train(ir, { iterations: 300 });
 * const net = NetworkLayout.of(ir);
 * console.log(net.forward(net.parameters(run.finalState), [1, 0]));   // ≈ [1]
 * ```
 */
export class NetworkLayout {
  readonly sizes: number[];
  /** [layer][i * fanIn + j] → species index of W.p / W.m (layer = ℓ of w^ℓ). */
  readonly wp: Int32Array[];
  readonly wm: Int32Array[];
  readonly bp: Int32Array[];
  readonly bm: Int32Array[];
  /** Node species per layer (layer 0: inputs); the `.p` rail of a dual-railed node. */
  readonly nodes: Int32Array[];
  /** The `.m` rail of each node of a dual-railed layer (leaky ReLU, tanh), else −1. */
  readonly nodesM: Int32Array[];
  readonly targets: Int32Array;
  readonly activations: ((z: number) => number)[];
  /** Activations (by name) of layers that declare no closed form: the readout must integrate the CRN. */
  readonly noClosedForm: string[];

  private constructor(ir: CRN) {
    const layers = ir.layers!;
    this.sizes = layers.map((l) => l.size);
    const L = layers.length - 1;
    this.wp = [];
    this.wm = [];
    this.bp = [];
    this.bm = [];
    this.nodes = [];
    this.nodesM = [];
    const find = (pred: (s: CRN["species"][number]) => boolean, count: number, key: (s: CRN["species"][number]) => number) => {
      const out = new Int32Array(count).fill(-1);
      ir.species.forEach((s, i) => {
        if (pred(s)) out[key(s)] = i;
      });
      return out;
    };
    for (let l = 0; l <= L; l++) {
      this.nodes.push(
        find(
          (s) => (s.role === "node" || s.role === "input") && s.layer === l && s.rail !== "m",
          this.sizes[l]!,
          (s) => s.index!,
        ),
      );
      this.nodesM.push(
        find(
          (s) => s.role === "node" && s.layer === l && s.rail === "m",
          this.sizes[l]!,
          (s) => s.index!,
        ),
      );
    }
    for (let l = 0; l < L; l++) {
      const fanIn = this.sizes[l]!;
      const n = this.sizes[l + 1]!;
      this.wp.push(
        find(
          (s) => s.role === "weight" && s.layer === l && s.rail === "p",
          n * fanIn,
          (s) => s.index! * fanIn + s.from!,
        ),
      );
      this.wm.push(
        find(
          (s) => s.role === "weight" && s.layer === l && s.rail === "m",
          n * fanIn,
          (s) => s.index! * fanIn + s.from!,
        ),
      );
      this.bp.push(
        find(
          (s) => s.role === "bias" && s.layer === l && s.rail === "p",
          n,
          (s) => s.index!,
        ),
      );
      this.bm.push(
        find(
          (s) => s.role === "bias" && s.layer === l && s.rail === "m",
          n,
          (s) => s.index!,
        ),
      );
    }
    this.targets = find(
      (s) => s.role === "target",
      this.sizes[L]!,
      (s) => s.index!,
    );
    this.noClosedForm = [];
    const params = paramValues(ir);
    this.activations = layers.slice(1).map((l) => {
      const closed = l.activation?.closed;
      if (!closed) {
        const name = l.activation?.name ?? "?";
        if (!this.noClosedForm.includes(name)) this.noClosedForm.push(name);
        return () => NaN;
      }
      return closedFunction(closed, params);
    });
  }

  static of(ir: CRN): NetworkLayout {
    if (!ir.layers) throw new Error("not a network");
    return new NetworkLayout(ir);
  }

  get inputs(): Int32Array {
    return this.nodes[0]!;
  }

  get outputs(): Int32Array {
    return this.nodes[this.nodes.length - 1]!;
  }

  /** The `.m` rails of the outputs (−1 where the output layer is not dual-railed). */
  get outputsM(): Int32Array {
    return this.nodesM[this.nodesM.length - 1]!;
  }

  /** The outputs' values y = Y (or Y.p − Y.m) read from a state `x` laid out by `at(s)`. */
  readOutputs(x: ArrayLike<number>, at: (s: number) => number = (s) => s): Float64Array {
    const m = this.outputsM;
    return Float64Array.from(this.outputs, (s, i) => x[at(s)]! - (m[i]! >= 0 ? x[at(m[i]!)]! : 0));
  }

  /** Current weights w^ℓ (row-major i * fanIn + j) and biases b^ℓ from the state. */
  parameters(x: ArrayLike<number>): { w: Float64Array[]; b: Float64Array[] } {
    return {
      w: this.wp.map((p, l) => Float64Array.from(p, (s, q) => x[s]! - x[this.wm[l]![q]!]!)),
      b: this.bp.map((p, l) => Float64Array.from(p, (s, q) => x[s]! - x[this.bm[l]![q]!]!)),
    };
  }

  /** The network's output for input `a` with parameters from `params` (closed form). */
  forward(params: { w: Float64Array[]; b: Float64Array[] }, a: ArrayLike<number>): Float64Array {
    let act = Float64Array.from(a);
    for (let l = 0; l < this.wp.length; l++) {
      const fanIn = this.sizes[l]!;
      const n = this.sizes[l + 1]!;
      const w = params.w[l]!;
      const b = params.b[l]!;
      const f = this.activations[l]!;
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let z = b[i]!;
        for (let j = 0; j < fanIn; j++) z += w[i * fanIn + j]! * act[j]!;
        next[i] = f(z);
      }
      act = next;
    }
    return act;
  }
}

/** The forward sub-CRN of a train IR (its forward reactions and the species they touch, plus inputs and outputs), and where its species sit in the whole. */
export function forwardSubnetwork(ir: CRN, net: NetworkLayout): { sub: CRN; ids: Int32Array } {
  const keep = new Set<number>();
  const reactions = ir.reactions.filter((r) => r.tag === "forward");
  for (const r of reactions) {
    for (const t of r.reactants) keep.add(t.s);
    for (const t of r.products) keep.add(t.s);
    if (r.rate.kind === "law") for (const s of speciesInExpr(r.rate.expr)) keep.add(s);
  }
  for (const s of [...net.inputs, ...net.outputs, ...net.outputsM]) if (s >= 0) keep.add(s);
  const ids = [...keep].sort((a, b) => a - b);
  const local = new Map(ids.map((s, i) => [s, i]));
  const term = (t: Term): Term => ({ s: local.get(t.s)!, n: t.n });
  const sub: CRN = {
    kind: "network",
    name: ir.name,
    source: ir.source,
    parameters: ir.parameters,
    ...(ir.layers ? { layers: ir.layers } : {}),
    species: ids.map((s) => ir.species[s]!),
    reactions: reactions.map((r) => ({
      ...r,
      reactants: r.reactants.map(term),
      products: r.products.map(term),
      rate:
        r.rate.kind === "law" ? { kind: "law", expr: mapLeaves(r.rate.expr, (l) => (l.k === "species" ? { k: "species", s: local.get(l.s)! } : l)) } : r.rate,
    })),
  };
  return { sub, ids: Int32Array.from(ids) };
}

/** The `crn` readout: the forward sub-CRN alone, integrated to steady state for each input. */
export class ForwardReadout {
  private readonly integ: Integrator;
  private readonly state: Float64Array;
  private readonly local: Map<number, number>;
  private readonly inp: Int32Array;

  /** `engine` is compiled for `forwardSubnetwork(ir, net).sub` (a sweep reuses one); its values are loaded here. */
  constructor(
    private readonly engine: Engine,
    sub: CRN,
    private readonly map: Int32Array,
    private readonly net: NetworkLayout,
    opts: SolverOptions,
  ) {
    engine.load(sub);
    this.integ = engine.integrator({ ...opts, rtol: Math.min(opts.rtol ?? 1e-8, 1e-8), atol: 1e-12 });
    this.state = new Float64Array(map.length);
    this.local = new Map(Array.from(map, (s, i) => [s, i]));
    this.inp = Int32Array.from(net.inputs, (s) => this.local.get(s)!);
  }

  /** Its integrator's memory (the last step size): a checkpoint stores it. */
  snapshot(): IntegratorSnapshot {
    return this.integ.snapshot();
  }

  restore(s: IntegratorSnapshot): void {
    this.integ.restore(s);
  }

  output(x: Float64Array, input: Float64Array): Float64Array {
    for (let i = 0; i < this.map.length; i++) this.state[i] = x[this.map[i]!]!;
    this.inp.forEach((s, j) => (this.state[s] = input[j]!));
    toSteadyState(this.engine.md, this.integ, this.state, 1e-10, 1e5);
    return this.net.readOutputs(this.state, (s) => this.local.get(s)!);
  }
}

/** Mean squared error (paper eq. 17) and accuracy (D.4: threshold 1/2 or argmax). */
export function errorAndAccuracy(set: Sample[], out: (s: Sample) => Float64Array, kind: Dataset["classification"]): { error: number; accuracy?: number } {
  let err = 0;
  let hits = 0;
  for (const s of set) {
    const y = out(s);
    for (let i = 0; i < y.length; i++) err += (y[i]! - s.y[i]!) ** 2;
    if (kind === "threshold") hits += Math.abs(y[0]! - s.y[0]!) <= 0.5 ? 1 : 0;
    else if (kind === "onehot") hits += argmax(y) === argmax(s.y) ? 1 : 0;
  }
  const n = Math.max(1, set.length);
  return { error: err / n, ...(kind ? { accuracy: hits / n } : {}) };
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
