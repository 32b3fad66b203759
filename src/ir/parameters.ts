// The parameter table: reading values, evaluating the constant expressions that refer to it
// (mass-action rate constants, derived parameters), and changing values the one legal way —
// a new IR with new values, derived parameters recomputed — so a sweep or an SBML parameter
// scan never recompiles.
//
//   withParameters(ir, { k_div: 20 })   // every reaction `@ k_div`, and `k2 = 2 * k_div`, follow

import { evalExpr, forEachLeaf } from "./expr.js";
import type { ConstExpr, CRN, Parameter, Reaction, TrainSettings } from "./types.js";

/**
 * The current value of every parameter, in the IR's table order.
 *
 * @example
 * ```ts
 * import { compileFile, paramValues } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * console.log(ir.parameters.map((p, i) => `${p.id} = ${paramValues(ir)[i]}`));
 * ```
 */
export function paramValues(ir: Pick<CRN, "parameters">): Float64Array {
  return Float64Array.from(ir.parameters, (p) => p.value);
}

/** A constant expression's value with these parameter values. */
export function constValue(e: ConstExpr, values: ArrayLike<number>): number {
  return e.k === "param" ? values[e.p]! : e.k === "num" ? e.v : evalExpr(e, (l) => values[l.p]!);
}

/**
 * A mass-action reaction's rate constant with these parameter values (NaN for a rate law).
 *
 * @example
 * ```ts
 * import { compile, paramValues, rateConstant } from "crnnc";
 * const ir = compile("crn c {\n  rate k = 4\n  A -> 0 @ 2 * k\n}\n").ir!;
 * console.log(rateConstant(ir.reactions[0]!, paramValues(ir)));   // 8
 * ```
 */
export function rateConstant(r: Reaction, values: ArrayLike<number>): number {
  return r.rate.kind === "mass" ? constValue(r.rate.k, values) : NaN;
}

/** Index of the parameter with this id, or -1. */
export function paramIndex(ir: Pick<CRN, "parameters">, id: string): number {
  return ir.parameters.findIndex((p) => p.id === id);
}

/**
 * A training parameter's value: η, the period T, or the annihilation rate (undefined when rails
 * do not annihilate).
 *
 * @example
 * ```ts
 * import { compileFile, trainParam } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * console.log(trainParam(ir, "eta"), trainParam(ir, "period"));   // 0.002 300
 * ```
 */
export function trainParam(ir: Pick<CRN, "parameters"> & { train?: TrainSettings }, which: keyof TrainSettings["params"]): number | undefined {
  const i = ir.train?.params[which];
  return i === undefined ? undefined : ir.parameters[i]!.value;
}

/** Why `value` cannot be given to parameter `p`, or undefined when it can. */
export function valueProblem(p: Parameter, value: number): string | undefined {
  if (!Number.isFinite(value)) return `${p.id} must be a finite number, got ${value}`;
  if (p.role === "rate" && value < 0) return `${p.id} is a rate constant and must be non-negative, got ${value}`;
  if (p.role === "protocol" && !(value > 0)) return `${p.id} must be positive, got ${value}`;
  return undefined;
}

/**
 * The IR with some parameters set by id (a rate constant, η, T …): parameters derived from
 * them are recomputed; the structure is unchanged, so a compiled model or Engine takes the new
 * values without recompiling. Throws a RangeError for an unknown id or a value out of range.
 *
 * @example
 * ```ts
 * import { compileFile, train, withParameters } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const faster = withParameters(ir, { k_div: 20, eta: 0.004 });
 * const run = train(faster, { iterations: 100 });
 * ```
 */
export function withParameters(ir: CRN, changes: Readonly<Record<string, number>>): CRN {
  const byId = new Map(ir.parameters.map((p, i) => [p.id, i]));
  const params = ir.parameters.map((p) => ({ ...p }));
  const set = new Set<number>();
  for (const [id, v] of Object.entries(changes)) {
    const i = byId.get(id);
    if (i === undefined) throw new RangeError(`\`${ir.name}\` has no parameter \`${id}\``);
    const why = valueProblem(params[i]!, v);
    if (why) throw new RangeError(why);
    const { expr: _dropped, ...rest } = params[i]!;
    void _dropped;
    params[i] = { ...rest, value: v };
    set.add(i);
  }
  // Recompute derived values in dependency order (definitions are acyclic: the checker says so).
  const state = new Uint8Array(params.length); // 0 new, 1 visiting, 2 done
  const visit = (i: number): number => {
    const p = params[i]!;
    if (state[i] === 2 || !p.expr) return ((state[i] = 2), p.value);
    if (state[i] === 1) throw new RangeError(`parameter ${p.id} is defined in terms of itself`);
    state[i] = 1;
    forEachLeaf(p.expr, (l) => void visit(l.p));
    p.value = constValue(
      p.expr,
      params.map((q) => q.value),
    );
    state[i] = 2;
    return p.value;
  };
  params.forEach((_, i) => visit(i));
  return { ...ir, parameters: params };
}

/** The unit of a rate constant of reaction order n (mass action, concentrations in M, time in s). */
export function rateUnit(order: number): string {
  if (order === 1) return "1/s";
  if (order === 0) return "M/s";
  if (order === 2) return "1/(M*s)";
  return `M^${1 - order}/s`;
}

/** Reaction order: the number of reactant molecules. */
export function reactionOrder(r: Reaction): number {
  let o = 0;
  for (const t of r.reactants) o += t.n;
  return o;
}
