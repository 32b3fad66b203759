// The network a training CRN implements, read off the species metadata: where each weight and
// bias rail, node, input and target lives in the state vector, and the closed-form forward
// pass with the current weights w = W.p − W.m, b = B.p − B.m (the readout of paper eq. 17).
//
//   const net = NetworkLayout.of(ir);  net.forward(state, [1, 0])  →  [0.97]

import type { CRN } from "../ir/types.js";

/** Closed forms of the stdlib activations, for the default readout. */
export const CLOSED_FORMS: Record<string, (z: number, p: Record<string, number>) => number> = {
  smooth_relu: (z, p) => {
    const h = p["h"]!;
    // (z + √(z² + 4h)) / 2, written to stay accurate for z ≪ 0.
    const r = Math.sqrt(z * z + 4 * h);
    return z >= 0 ? (z + r) / 2 : (2 * h) / (r - z);
  },
  leaky_relu: (z, p) => (z >= 0 ? p["alpha"]! * z : p["beta"]! * z),
  // std/sigmoid and std/tanh cap the exponent at 30 (see there); so does the closed form.
  sigmoid: (z) => 1 / (1 + Math.exp(Math.min(-z, 30))),
  tanh: (z) => 1 / (1 + Math.exp(Math.min(-2 * z, 30))) - 1 / (1 + Math.exp(Math.min(2 * z, 30))),
};

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
  /** Names of layers' activations without a closed form (readout must integrate the CRN). */
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
      this.nodes.push(find((s) => (s.role === "node" || s.role === "input") && s.layer === l && s.rail !== "m", this.sizes[l]!, (s) => s.index!));
      this.nodesM.push(find((s) => s.role === "node" && s.layer === l && s.rail === "m", this.sizes[l]!, (s) => s.index!));
    }
    for (let l = 0; l < L; l++) {
      const fanIn = this.sizes[l]!;
      const n = this.sizes[l + 1]!;
      this.wp.push(find((s) => s.role === "weight" && s.layer === l && s.rail === "p", n * fanIn, (s) => s.index! * fanIn + s.from!));
      this.wm.push(find((s) => s.role === "weight" && s.layer === l && s.rail === "m", n * fanIn, (s) => s.index! * fanIn + s.from!));
      this.bp.push(find((s) => s.role === "bias" && s.layer === l && s.rail === "p", n, (s) => s.index!));
      this.bm.push(find((s) => s.role === "bias" && s.layer === l && s.rail === "m", n, (s) => s.index!));
    }
    this.targets = find((s) => s.role === "target", this.sizes[L]!, (s) => s.index!);
    this.noClosedForm = [];
    this.activations = layers.slice(1).map((l) => {
      const name = l.activation?.name ?? "";
      const f = CLOSED_FORMS[name];
      if (!f) {
        this.noClosedForm.push(name);
        return () => NaN;
      }
      const p = l.activation!.params;
      return (z: number) => f(z, p);
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
