// The typed AST of a .crnn file. Every node carries the span of source text it came from, so
// that checks can point at it and every generated reaction can say where it was written.
//
//   `A + B -> C @ k`  is  { kind: "reaction", reactants: [A, B], products: [C], rate: k }

import type { Span } from "../ir/span.js";
import type { BinaryOp } from "../ir/expr.js";

export type { Span, BinaryOp };

export type Expr =
  | { kind: "num"; value: number; span: Span }
  | { kind: "name"; name: string; span: Span }
  | { kind: "rail"; name: string; rail: string; span: Span; railSpan: Span }
  | { kind: "call"; callee: string; calleeSpan: Span; args: Arg[]; span: Span }
  | { kind: "neg"; operand: Expr; span: Span }
  | { kind: "bin"; op: BinaryOp; left: Expr; right: Expr; span: Span };

export interface Arg {
  name?: string;
  nameSpan?: Span;
  value: Expr;
  span: Span;
}

export interface Name {
  name: string;
  span: Span;
}

export interface SpeciesRef {
  name: string;
  rail?: string;
  nameSpan: Span;
  railSpan?: Span;
  span: Span;
}

export interface Term {
  coeff: number;
  /** Absent for the empty complex `0`. */
  species?: SpeciesRef;
  span: Span;
}

export interface RateSpec {
  /** `@ expr` is a mass-action constant; `@ rate(expr)` is a whole rate law. */
  kind: "mass" | "law";
  expr: Expr;
  span: Span;
}

export interface Reaction {
  kind: "reaction";
  reactants: Term[];
  products: Term[];
  rate?: RateSpec;
  span: Span;
}

export interface CallStmt {
  kind: "call";
  callee: string;
  calleeSpan: Span;
  args: Arg[];
  span: Span;
}

export interface LocalDecl {
  kind: "local";
  names: Name[];
  span: Span;
}

export interface ValueDecl {
  kind: "const" | "rate" | "catalyst";
  name: string;
  nameSpan: Span;
  value: Expr;
  span: Span;
  doc?: string;
}

export interface RequireDecl {
  kind: "require";
  cond: Expr;
  message?: string;
  span: Span;
}

export type Statement = Reaction | CallStmt | LocalDecl | ValueDecl | RequireDecl;

export interface Param {
  name: string;
  dual: boolean;
  span: Span;
}

export interface ModuleDecl {
  kind: "module";
  name: string;
  nameSpan: Span;
  params: Param[];
  body: Statement[];
  span: Span;
  doc?: string;
}

export interface NumParam {
  name: string;
  nameSpan: Span;
  value: Expr;
  span: Span;
}

/** `closed(z) = expr`: the closed form σ(z) of an activation, the steady state its `node` settles to. */
export interface ClosedDecl {
  kind: "closed";
  arg: Name;
  value: Expr;
  span: Span;
  doc?: string;
}

export interface ActivationDecl {
  kind: "activation";
  name: string;
  nameSpan: Span;
  params: NumParam[];
  members: (ModuleDecl | ValueDecl | RequireDecl | ClosedDecl)[];
  span: Span;
  doc?: string;
}

export interface InitAssign {
  species: SpeciesRef;
  value: Expr;
  span: Span;
}

export interface InitDecl {
  kind: "init";
  assigns: InitAssign[];
  span: Span;
}

export interface CrnDecl {
  kind: "crn";
  name: string;
  nameSpan: Span;
  members: (Statement | InitDecl)[];
  span: Span;
  doc?: string;
}

export interface InputDecl {
  kind: "input";
  size: Expr;
  span: Span;
}

export interface DenseDecl {
  kind: "dense";
  size: Expr;
  activation: string;
  activationSpan: Span;
  args: Arg[];
  span: Span;
}

export interface NetworkDecl {
  kind: "network";
  name: string;
  nameSpan: Span;
  members: (InputDecl | DenseDecl | ValueDecl)[];
  span: Span;
  doc?: string;
}

/** One line of a train or noise block: `period 300`, `init weights normal(0, 1)`, `on backward, nodes`. */
export interface Setting {
  key: string;
  keySpan: Span;
  value?: Expr;
  /** `weights` / `biases` after `init`. */
  qualifier?: string;
  names?: Name[];
  span: Span;
}

export interface NoiseBlock {
  settings: Setting[];
  span: Span;
  keySpan: Span;
}

export interface TrainDecl {
  kind: "train";
  network: string;
  networkSpan: Span;
  dataset: { kind: "name" | "path"; value: string; span: Span };
  settings: Setting[];
  noise?: NoiseBlock;
  /** Further noise blocks: an error (E0114), kept so that it is reported and formatted, not lost. */
  extraNoise?: NoiseBlock[];
  span: Span;
  doc?: string;
}

export interface ImportDecl {
  kind: "import";
  /** `std/arith` or the literal text of a quoted relative path. */
  path: string;
  std: boolean;
  pathSpan: Span;
  span: Span;
}

export type Item = ImportDecl | ValueDecl | ModuleDecl | ActivationDecl | CrnDecl | NetworkDecl | TrainDecl;

export interface Comment {
  text: string;
  doc: boolean;
  span: Span;
}

export interface FileAst {
  file: string;
  items: Item[];
  comments: Comment[];
}
