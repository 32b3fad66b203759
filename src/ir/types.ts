// The CRN IR: plain data that every pass, analysis, backend and the simulator share.
// Species and reactions are in a deterministic order; reactions refer to species by index.
//
//   { reactants: [{ s: 3, n: 2 }], products: [{ s: 3, n: 1 }], rate: { kind: "mass", k: 1 },
//     tag: "forward", origin: { template: "std/smooth_relu.smooth_relu.node", span, site } }

import type { Span, BinaryOp } from "../syntax/ast.js";
import type { FnName } from "../check/expr.js";

export type Role =
  | "input" // X0_j: the network's input, held by the schedule
  | "target" // Yhat_i: the training target ŷ
  | "node" // X{l}_i, Y_i: a node's value x = σ(z)
  | "weight" // W{l}_i_j_{p,m}
  | "bias" // B{l}_i_{p,m}
  | "slope" // DX{l}_i, DY_i: σ'(z)
  | "aux" // A{l}_i, ...: auxiliary species of a template (locals)
  | "gradient" // LY, LZ, LX, LW: dual-rail gradient species of the backward CRN
  | "catalyst" // H: fixed-concentration catalyst
  | "species"; // a species of a raw crn block

export type Tag = "forward" | "backward" | "update" | "crn";
export const TAGS: readonly Tag[] = ["forward", "backward", "update", "crn"];

export interface Species {
  id: string;
  role: Role;
  /** Paper notation family: X, Y, W, B, H, DX, DY, A, LY, LZ, LX, LW, Yhat, or the template local name. */
  family?: string;
  /** Layer ℓ (nodes: layer of the node; weights, biases, LZ, LW: ℓ of w^ℓ, z^ℓ). */
  layer?: number;
  /** Node index i (0-based); for weights the destination node. */
  index?: number;
  /** Source node j of a weight (0-based). */
  from?: number;
  rail?: "p" | "m";
  /** Initial concentration. */
  init: number;
}

export interface Term {
  /** Species index. */
  s: number;
  /** Stoichiometric coefficient, a positive integer. */
  n: number;
}

export type IRExpr =
  | { k: "num"; v: number }
  | { k: "species"; s: number }
  | { k: "neg"; a: IRExpr }
  | { k: "bin"; op: BinaryOp; a: IRExpr; b: IRExpr }
  | { k: "fn"; f: FnName; args: IRExpr[] };

export type Rate =
  /** Mass action: k · Π x_i^{n_i}. `name` is the named rate constant it came from (`k_div`, `eta`), `scale` its factor. */
  | { kind: "mass"; k: number; name?: string; scale?: number }
  /** A whole rate law (not mass action), e.g. with characteristic functions. */
  | { kind: "law"; expr: IRExpr };

export interface Origin {
  /** Qualified template name, e.g. `std/smooth_relu.smooth_relu.slope`, or `crn divide`. */
  template: string;
  /** Where the template reaction is written. */
  span: Span;
  /** Where it was instantiated (the dense layer, the train block, the call). */
  site?: Span;
  /** For a rate law: where its `rate(...)` is written. */
  lawSpan?: Span;
}

export interface Reaction {
  reactants: Term[];
  products: Term[];
  rate: Rate;
  tag: Tag;
  origin: Origin;
}

export interface LayerInfo {
  size: number;
  /** Activation of this layer's nodes (absent for the input layer). */
  activation?: { name: string; params: Record<string, number> };
}

export interface NoiseSettings {
  epsilon: number;
  /** t0: the noise is redrawn at each t = k·t0 ... */
  resample: number;
  /** t1: ... and held for t1, zero otherwise (paper eq. 18). */
  hold: number;
  /** What it hits: sub-network tags (`forward`, `backward`, `update`) and/or `nodes` (the −x² decay). */
  on: string[];
}

export type Distribution =
  | { kind: "uniform"; low: number; high: number }
  | { kind: "normal"; mean: number; std: number }
  | { kind: "constant"; value: number };

export interface TrainSettings {
  /** The data, with the train block's `shift`/`scale` (every feature x becomes (x + shift) · scale). */
  dataset: ({ kind: "builtin"; name: string } | { kind: "csv"; path: string; features?: string[]; targets?: string[] }) & { scale?: number; shift?: number };
  eta: number;
  period: number;
  iterations: number;
  /** Fraction of the data used for training; the rest validates. */
  split: number;
  seed: number;
  evaluate: number;
  init: { weights: Distribution; biases: Distribution };
  /** Rate of the rail annihilation reactions W.p + W.m -> 0, if switched on. */
  annihilate?: number;
  noise?: NoiseSettings;
}

export interface CRN {
  /** What the source defined: a raw `crn`, a `network` (forward CRN only), or a `train` (all three). */
  kind: "crn" | "network" | "train";
  name: string;
  /** Display name of the source file. */
  source: string;
  species: Species[];
  reactions: Reaction[];
  /** Layer sizes and activations (networks only), input layer first. */
  layers?: LayerInfo[];
  train?: TrainSettings;
  /** Named rate constants in effect, by name (defaults after overrides). */
  rates: Record<string, number>;
}
