// The CRN IR: plain data that every pass, analysis, backend, the simulator and the trainer share,
// and the only door between compiling and using. Species, parameters and reactions are in a
// deterministic order; reactions and expressions refer to species and parameters by index, so a
// parameter's value lives in one place (`parameters`) and a sweep or a noise draw changes that
// value, never the reactions.
//
//   { reactants: [{ s: 3, n: 2 }], products: [{ s: 3, n: 1 }], rate: { kind: "mass", k: { k: "param", p: 0 } },
//     tag: "forward", origin: { template: "std/smooth_relu.smooth_relu.node", span, site } }

import type { Span } from "./span.js";
import type { Expr } from "./expr.js";

export type { Span };

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
/** Every species role, in a fixed order. */
export const ROLES: readonly Role[] = ["input", "target", "node", "weight", "bias", "slope", "aux", "gradient", "catalyst", "species"];

export type Tag = "forward" | "backward" | "update" | "crn";
/** Every sub-network tag, in a fixed order. */
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
  /** Stoichiometric coefficient, a positive integer (an imported model's rate-law reaction: any positive number). */
  n: number;
}

/** A species' concentration, in a rate law. */
export interface SpeciesLeaf {
  k: "species";
  s: number;
}
/** A parameter's value: an index into `CRN.parameters`. */
export interface ParamLeaf {
  k: "param";
  p: number;
}
/** An argument of a function the IR carries (the z of a closed form σ(z)). */
export interface ArgLeaf {
  k: "arg";
  i: number;
}

/** A rate law: over species and parameters. */
export type IRExpr = Expr<SpeciesLeaf | ParamLeaf>;
/** A constant: over parameters only (a mass-action rate constant such as `2 * k`, a derived parameter). */
export type ConstExpr = Expr<ParamLeaf>;
/** An activation's closed form σ(z): over its argument z (arg 0) and parameters. */
export type ClosedForm = Expr<ArgLeaf | ParamLeaf>;

export type Rate =
  /** Mass action: k · Π x_i^{n_i}, with k a constant expression over the parameters (`k_div`, `2 * k`, `10`). */
  | { kind: "mass"; k: ConstExpr }
  /** A whole rate law (not mass action), e.g. with characteristic functions. */
  | { kind: "law"; expr: IRExpr };

/**
 * What a parameter is: a rate constant of the reactions (template rates, η, the annihilation
 * rate), a numeric parameter of an activation (h, α), or a setting of the training protocol (T).
 */
export type ParamRole = "rate" | "activation" | "protocol";
/** Every parameter role, in a fixed order. */
export const PARAM_ROLES: readonly ParamRole[] = ["rate", "activation", "protocol"];

export interface Parameter {
  /** Unique among parameters and species; a valid SBML id. */
  id: string;
  /** The name the source gives it: `k` for both `k` and `k_fast_relu` when lowering had to tell two apart. */
  name: string;
  value: number;
  /** How the value follows from other parameters (a template default such as `10 * k`): recomputed when they change. */
  expr?: ConstExpr;
  role: ParamRole;
  /** Its unit, when it has one: `1/s`, `1/(M*s)`, `s` (a rate constant used at several reaction orders has none). */
  unit?: string;
  /** Where its value is set: the template's `rate` line, the network's or the train block's override. */
  span?: Span;
  /** What it belongs to, for people: `std/smooth_relu`, `train block`, `activation sigmoid (layer 2)`. */
  owner: string;
}

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
  activation?: {
    name: string;
    /** The declaration it resolved to (`std/smooth_relu.smooth_relu`): a user's `smooth_relu` is another one. */
    qualified: string;
    /** Its numeric parameters: name → index into `CRN.parameters`. */
    params: Record<string, number>;
    /** σ(z), the steady state its `node` settles to, as the activation declares it (`closed(z) = ...`); absent if it declares none. */
    closed?: ClosedForm;
  };
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

export type Distribution = { kind: "uniform"; low: number; high: number } | { kind: "normal"; mean: number; std: number } | { kind: "constant"; value: number };

export type DatasetSpec = ({ kind: "builtin"; name: string } | { kind: "csv"; path: string; features?: string[]; targets?: string[] }) & {
  scale?: number;
  shift?: number;
};

export interface TrainSettings {
  /** The data, with the train block's `shift`/`scale` (every feature x becomes (x + shift) · scale). */
  dataset: DatasetSpec;
  iterations: number;
  /** Fraction of the data used for training; the rest validates. */
  split: number;
  seed: number;
  evaluate: number;
  init: { weights: Distribution; biases: Distribution };
  noise?: NoiseSettings;
  /** The parameters training reads, as indices into `CRN.parameters`: η, the period T, and the annihilation rate if rails annihilate. */
  params: { eta: number; period: number; annihilate?: number };
}

/** What an event changes: a state variable (a species' amount, a rate-ruled size or value) or a parameter. */
export type EventTarget = { k: "species"; s: number } | { k: "param"; p: number };

/**
 * An SBML event of an imported model (SBML L3V2 §4.12): when `trigger` turns from false to
 * true (≠ 0 is true), its assignments run after `delay`, with the values of the trigger time
 * if `useValuesFromTriggerTime`; of events due at once, the higher `priority` runs first.
 */
export interface IREvent {
  id: string;
  trigger: IRExpr;
  /** The trigger's value just before t = 0: false lets an event fire at t = 0. */
  initialValue: boolean;
  /** false: a delayed assignment is dropped if the trigger turns false before it runs. */
  persistent: boolean;
  delay?: IRExpr;
  priority?: IRExpr;
  useValuesFromTriggerTime: boolean;
  /** `scale` multiplies the value (a species' concentration × its compartment's size = its amount). */
  assignments: { target: EventTarget; value: IRExpr; scale?: IRExpr }[];
}

/**
 * An imported model's meaning beyond reactions (SBML): the state is every species' *amount*
 * (plus sizes and values that rate rules change, and time when the math reads it); rate laws
 * are in amount per time; nothing is clipped at zero. `symbols` says how each SBML id's value
 * follows from the state — a species' concentration is its amount over its compartment's size —
 * for output; `events` change the state or parameters at their times.
 */
export interface ImportedModel {
  symbols: { id: string; kind: "species" | "compartment" | "parameter"; value: IRExpr; amount?: IRExpr; size?: IRExpr; onlySubstance?: boolean }[];
  events: IREvent[];
  /** The species index that holds time (d/dt = 1), when the model's math reads time. */
  time?: number;
  /** Some state may be negative (a rate rule, an event, a negative value): no clip at zero. */
  signed: boolean;
}

export interface CRN {
  /** What the source defined: a raw `crn`, a `network` (forward CRN only), or a `train` (all three). */
  kind: "crn" | "network" | "train";
  name: string;
  /** Display name of the source file. */
  source: string;
  species: Species[];
  /** Every rate constant, activation parameter and protocol setting, once. */
  parameters: Parameter[];
  reactions: Reaction[];
  /** Layer sizes and activations (networks only), input layer first. */
  layers?: LayerInfo[];
  train?: TrainSettings;
  /** Set for a model read from SBML that needs more than reactions: see `ImportedModel`. */
  imported?: ImportedModel;
}
