// The stiff integrators: Rosenbrock methods in Hairer–Wanner's transformed variables, so no
// J·v products are needed:
//   (1/(hγ) I − J) u_i = f(y + Σ_j ã_ij u_j) + Σ_j (c_ij / h) u_j,   y₁ = y + Σ m_i u_i.
// Rodas5 (default), Rodas5P and Rodas4 (order 5, 5, 4, stiffly accurate) and ROS34PW2 (Rang &
// Angermann 2005, order 3), a W-method: it keeps its order with an approximate Jacobian, so the
// slow update feedback can be left out of J (see model.ts), which makes every linear solve a
// sparse forward substitution (linear.ts). Adaptive steps with error control on rtol/atol and
// the step controller of controller.ts; rate-law switches located and stepped across exactly
// (switches.ts); failing attempts capped (MAX_FAILED_ATTEMPTS); concentrations clipped at zero
// (see `accept` for why that is safe).
//
//   new Rosenbrock(model, { rtol: 1e-6, atol: 1e-9 }).integrate(x, 0, 300)

import { tableEvaluators, lawJacobian, lawRhs, type CompiledModel, type RhsFn, type JacFn } from "./model.js";
import { generate } from "./codegen.js";
import { generateGrouped } from "./kernels.js";
import { BlockTriangularSolver } from "./linear.js";
import { Arena, wasmKernels, type WasmKernels } from "./wasm/kernels.js";
import { stageKernels, type StageKernels } from "./wasm/stages.js";
import { SwitchTracker } from "./switches.js";
import { StepController, type Controller } from "./controller.js";

/**
 * A Rosenbrock method in Hairer–Wanner's transformed form: stage i solves
 * (1/(hγ) I − J) u_i = f(y + Σ_j at[i][j] u_j) + Σ_j (c[i][j] / h) u_j; then y₁ = y + Σ m_j u_j
 * and the error estimate is Σ e_j u_j.
 */
export interface Tableau {
  name: string;
  gamma: number;
  at: number[][];
  c: number[][];
  m: number[];
  e: number[];
  /** Order of the error estimate + 1: the step-size exponent is 1/q. */
  q: number;
  /** A W-method keeps its order with an approximate Jacobian (no coupling iteration needed). */
  w: boolean;
}

/** ROS34PW2 (Rang & Angermann 2005): order 3, W-method, from its published standard form. */
const ROS34PW2: Tableau = (() => {
  const g = 0.435866521508459;
  const A = [
    [0, 0, 0, 0],
    [0.87173304301691801, 0, 0, 0],
    [0.84457060015369423, -0.11299064236484185, 0, 0],
    [0, 0, 1, 0],
  ];
  const G = [
    [g, 0, 0, 0],
    [-0.87173304301691801, g, 0, 0],
    [-0.90338057013044082, 0.054180672388095326, g, 0],
    [0.24212380706095346, -1.2232505839045147, 0.54526025533510214, g],
  ];
  const b = [0.24212380706095346, -1.2232505839045147, 1.545260255335102, 0.435866521508459];
  const bhat = [0.37810903145819369, -0.096042292212423178, 0.5, 0.2179332607542295];
  // Transform: ã = A Γ⁻¹, c = diag(1/γ) − Γ⁻¹, m = b Γ⁻¹, m̂ = b̂ Γ⁻¹.
  const gi = lowerInverse(G);
  const mul = (row: number[]) => gi[0]!.map((_, j) => row.reduce((s, a, l) => s + a * gi[l]![j]!, 0));
  const m = mul(b);
  const mhat = mul(bhat);
  return {
    name: "ros34pw2",
    gamma: g,
    at: A.map(mul),
    c: gi.map((row, i) => row.map((v, j) => (j < i ? -v : 0))),
    m,
    e: m.map((v, i) => v - mhat[i]!),
    q: 3,
    w: true,
  };
})();

/** Rodas4 (Hairer & Wanner), order 4 with an order-3 estimate, stiffly accurate: published transformed coefficients. */
const RODAS4: Tableau = (() => {
  const a5 = [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895];
  return {
    name: "rodas4",
    gamma: 0.25,
    at: [[], [1.544], [0.9466785280815826, 0.2557011698983284], [3.314825187068521, 2.896124015972201, 0.9986419139977817], a5, [...a5, 1]],
    c: [
      [],
      [-5.6688],
      [-2.430093356833875, -0.2063599157091915],
      [-0.1073529058151375, -9.594562251023355, -20.47028614809616],
      [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616],
      [8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054],
    ],
    m: [...a5, 1, 1],
    e: [0, 0, 0, 0, 0, 1],
    q: 4,
    w: false,
  };
})();

/** Rodas5 (Di Marzo 1993), order 5 with an order-4 estimate, stiffly accurate: published transformed coefficients. */
const RODAS5: Tableau = (() => {
  const a6 = [-14.09640773051259, 6.925207756232704, -41.47510893210728, 2.343771018586405, 24.13215229196062];
  return {
    name: "rodas5",
    gamma: 0.19,
    at: [
      [],
      [2.0],
      [3.040894194418781, 1.041747909077569],
      [2.576417536461461, 1.62208306077664, -0.9089668560264532],
      [2.760842080225597, 1.446624659844071, -0.3036980084553738, 0.2877498600325443],
      a6,
      [...a6, 1],
      [...a6, 1, 1],
    ],
    c: [
      [],
      [-10.31323885133993],
      [-21.04823117650003, -7.234992135176716],
      [32.22751541853323, -4.943732386540191, 19.44922031041879],
      [-20.69865579590063, -8.816374604402768, 1.260436877740897, -0.7495647613787146],
      [-46.22004352711257, -17.49534862857472, -289.6389582892057, 93.60855400400906, 318.3822534212147],
      [34.20013733472935, -14.1553540271769, 57.823356409884, 25.83362985412365, 1.408950972071624, -6.551835421242162],
      [42.57076742291101, -13.80770672017997, 93.98938432427124, 18.77919633714503, -31.5835918722337, -6.685968952921985, -5.810979938412932],
    ],
    m: [...a6, 1, 1, 1],
    e: [0, 0, 0, 0, 0, 0, 0, 1],
    q: 5,
    w: false,
  };
})();

/**
 * Rodas5P (Steinebach 2023, BIT 63:27), Rodas5's structure with coefficients chosen for a
 * smaller error constant and better behaviour with inexact Jacobians and on index-1 problems;
 * OrdinaryDiffEq's recommended Rosenbrock method. Published transformed coefficients.
 */
const RODAS5P: Tableau = (() => {
  const a6 = [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946];
  return {
    name: "rodas5p",
    gamma: 0.21193756319429014,
    at: [
      [],
      [3.0],
      [2.849394379747939, 0.45842242204463923],
      [-6.954028509809101, 2.489845061869568, -10.358996098473584],
      [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
      a6,
      [...a6, 1],
      [...a6, 1, 1],
    ],
    c: [
      [],
      [-14.155112264123755],
      [-17.97296035885952, -2.859693295451294],
      [147.12150275711716, -1.41221402718213, 71.68940251302358],
      [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
      [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471],
      [30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623, -28.087943162872662],
      [37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002, -54.66780262877968, -9.48861652309627],
    ],
    m: [...a6, 1, 1, 1],
    e: [0, 0, 0, 0, 0, 0, 0, 1],
    q: 5,
    w: false,
  };
})();

export const TABLEAUS: Record<string, Tableau> = {
  rodas5: RODAS5,
  rodas5p: RODAS5P,
  rodas4: RODAS4,
  ros34pw2: ROS34PW2,
};

function lowerInverse(g: number[][]): number[][] {
  const n = g.length;
  const inv = g.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    inv[i]![i] = 1 / g[i]![i]!;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let l = j; l < i; l++) s += g[i]![l]! * inv[l]![j]!;
      inv[i]![j] = -s / g[i]![i]!;
    }
  }
  return inv;
}

/**
 * How rates, the Jacobian and the linear solves are evaluated: straight-line WebAssembly
 * ("wasm", wasm/kernels.ts), straight-line generated JS ("codegen", codegen.ts), JS loops
 * grouped by reaction shape ("grouped", kernels.ts), generic tables ("table", the reference),
 * or chosen by size ("auto", the default).
 */
export type EvalKind = "wasm" | "codegen" | "grouped" | "table" | "auto";

/**
 * Up to this many reactions "auto" takes the WebAssembly kernels, beyond it the grouped JS
 * loops. Measured by bench/sim.mjs's evaluation table (µs per call once warm): at 41 726
 * reactions (64-64-10) WebAssembly's rates and Jacobian take 65 and 81 against grouped loops'
 * 100 and 121; at 218 690 (256-100-10) V8 had not optimised all of the Jacobian's straight-line
 * chunks within the table's 1.5 s (3 350–6 430 against 680).
 */
export const WASM_MAX_REACTIONS = 50_000;

export function evaluationKind(md: CompiledModel, kind: EvalKind = "auto"): Exclude<EvalKind, "auto"> {
  return kind === "auto" ? (md.m <= WASM_MAX_REACTIONS ? "wasm" : "grouped") : kind;
}

/** The JS evaluators (the WebAssembly ones need the integrator's memory: see `Rosenbrock`). */
function jsEvaluators(md: CompiledModel, kind: "codegen" | "grouped" | "table"): { rhs: RhsFn; jac: JacFn } {
  if (kind === "codegen") return generate(md);
  if (kind === "grouped") return generateGrouped(md);
  return tableEvaluators(md);
}

/** Up to this many species the JS solve is straight-line code, beyond it level-scheduled loops. */
const STRAIGHT_SOLVE_MAX_SPECIES = 20_000;

/** How the triangular solves run: straight-line code, level-scheduled loops, or the plan loop; "auto" by size. */
export type SolveKind = "straight" | "levels" | "table" | "auto";

export function prepareSolver(solver: BlockTriangularSolver, n: number, kind: SolveKind): void {
  const k = kind === "auto" ? (n <= STRAIGHT_SOLVE_MAX_SPECIES ? "straight" : "levels") : kind;
  if (k === "straight") solver.generate();
  else if (k === "levels" && !solver.generateLevels()) solver.generate();
}

export interface StepperOptions {
  /** Triangular solves: straight-line code, level-scheduled loops, the plan loop, or by size (default). */
  solve?: SolveKind;
  /**
   * How the Rodas methods treat the weak update coupling J_U: solve with it exactly by
   * Richardson sweeps ("iterate", default) or leave it out of the linear solves ("ignore",
   * faster, first order in η·h in those terms; the error estimate still controls the step).
   */
  coupling?: "iterate" | "ignore";
  /** Rate, Jacobian and solve evaluation: WebAssembly, generated JS, grouped JS loops, tables, or chosen by size (default). */
  evaluation?: EvalKind;
  rtol?: number;
  atol?: number;
  /** Largest step; default: the whole interval. */
  hmax?: number;
  /** Give up after this many steps in one `integrate` call. */
  maxSteps?: number;
  /** The step-size controller (controller.ts; default "predictive" for Rosenbrock, "pi" for Dopri5). */
  controller?: Controller;
}

export interface StepperStats {
  steps: number;
  rejected: number;
  rhsEvals: number;
  jacEvals: number;
  singular: number;
  /** Switch crossings located (see switches.ts). */
  crossings: number;
}

export class IntegrationError extends Error {
  constructor(
    message: string,
    readonly t: number,
    /** The species (index) where the failure showed first, when one is known. */
    readonly species?: number,
  ) {
    super(message);
  }
}

/**
 * Consecutive failed attempts (singular matrix, non-finite stage or result) after which an
 * integration stops: each one quarters h, so 12 of them shrink it 1.7·10⁷-fold, past any step
 * a finite, stiff CRN needs; a loop of them is a state that has left the numbers.
 */
export const MAX_FAILED_ATTEMPTS = 12;

/** Shortenings of a step whose interpolant shows a switch flip that its end does not (a pulse inside the step). */
export const MAX_INTERIOR_RETRIES = 8;

/**
 * What an integrator carries from one `integrate` call to the next: the step size the last one
 * ended with (the next one's first guess), the counters, and a method's own extras. A training
 * checkpoint stores it, so a resumed run takes the very steps an uninterrupted one would.
 */
export interface IntegratorSnapshot {
  lastH: number;
  stats: StepperStats;
  extra?: Record<string, number>;
}

/** One-step interface shared by the integrators, so schedules can use either. */
export interface Integrator {
  readonly stats: StepperStats;
  snapshot(): IntegratorSnapshot;
  restore(s: IntegratorSnapshot): void;
  /** Advance x (in place) from t0 to t1; t0 is treated as a discontinuity (a fresh start). */
  integrate(x: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void;
  /** Forget everything a run left behind (the last step size, the counters): the next run is as if on a new integrator. */
  reset(): void;
}

/**
 * The error that ends a run after failed attempts: what failed, how often in a row, the last h,
 * and the first species whose value was not finite in `vectors` (the step's result and stages).
 */
export function failedAttempts(what: string, t: number, h: number, attempts: number, vectors: Float64Array[]): IntegrationError {
  let q = -1;
  for (const v of vectors) if ((q = v.findIndex((z) => !Number.isFinite(z))) >= 0) break;
  const often = attempts > 1 ? ` in ${attempts} attempts in a row` : "";
  return new IntegrationError(
    `${what}${often} (last h = ${h.toExponential(2)}): a concentration diverges or a rate law is not finite`,
    t,
    q >= 0 ? q : undefined,
  );
}

/** Zero a stats record in place. */
export function clearStats(s: StepperStats): void {
  s.steps = s.rejected = s.rhsEvals = s.jacEvals = s.singular = s.crossings = 0;
}

export class Rosenbrock implements Integrator {
  readonly stats: StepperStats = {
    steps: 0,
    rejected: 0,
    rhsEvals: 0,
    jacEvals: 0,
    singular: 0,
    crossings: 0,
  };
  readonly solver: BlockTriangularSolver;
  readonly tableau: Tableau;
  private readonly rtol: number;
  private readonly atol: number;
  private readonly hmax: number;
  private readonly maxSteps: number;
  private readonly u: Float64Array[];
  private readonly ytmp: Float64Array;
  private readonly f0: Float64Array;
  private readonly jv: Float64Array;
  private readonly cv: Float64Array;
  private readonly rhsBuf: Float64Array;
  private readonly prev: Float64Array;
  private readonly ynew: Float64Array;
  /** The step's vector arithmetic (WebAssembly SIMD over the arena's vectors). */
  private readonly vk: StageKernels;
  private readonly f: { rhs: RhsFn; jac: JacFn };
  private readonly coupling: "iterate" | "ignore";
  /** Error weights 1 / (atol + rtol |x|) of the current step, for the sweeps' convergence test. */
  private readonly wt: Float64Array;
  /** Solves with the coupling part J_U: the most Richardson sweeps one stage took (diagnostics). */
  maxSweeps = 0;
  sweeps = 0;
  /** Step size the last integrate() ended with: a good first guess for the next interval. */
  lastH = 0;
  /** The rate laws' switches, located during integration (switches.ts); undefined without any. */
  private readonly tracker: SwitchTracker | undefined;

  constructor(
    private readonly md: CompiledModel,
    opts: StepperOptions & { method?: string } = {},
  ) {
    this.tableau = TABLEAUS[opts.method ?? "rodas5"]!;
    this.rtol = opts.rtol ?? 1e-6;
    this.atol = opts.atol ?? 1e-9;
    this.hmax = opts.hmax ?? Infinity;
    this.maxSteps = opts.maxSteps ?? 1_000_000;
    this.solver = new BlockTriangularSolver(md);
    const n = md.n;
    const S = this.tableau.m.length;
    const kind = evaluationKind(md, opts.evaluation);
    // Every vector the kernels read or write lives in one WebAssembly memory: the stage
    // vectors, the working copy of x, the Jacobian, J_U's index tables, and with "wasm" the
    // rate constants and the solver's factors (their sizes bounded: ≤ n/2 2×2 blocks, ≤ nnz(J) entries).
    const nJ = md.jCol.length;
    const nC = md.cRow.length;
    const half = Math.ceil(nC / 2);
    const arena = new Arena(Arena.size([...Array<number>(S + 7).fill(n), nJ, nC, nC, half, half, md.m, n, 2 * n + 2, nJ]));
    const vec = (len: number) => arena.alloc(len);
    this.u = Array.from({ length: S }, () => vec(n));
    this.xw = vec(n);
    this.ytmp = vec(n);
    this.f0 = vec(n);
    this.ynew = vec(n);
    this.rhsBuf = vec(n);
    this.prev = vec(n);
    this.wt = vec(n);
    this.jv = vec(nJ);
    this.cv = vec(nC);
    const solve = opts.solve ?? "auto";
    // An explicit `solve` keeps the JS solve; a block larger than 2×2 has no compiled plan.
    const plan = kind === "wasm" && solve === "auto" ? this.solver.compiledPlan(vec) : undefined;
    const kernels = kind === "wasm" ? compileKernels(md, arena, plan) : undefined;
    if (kernels) {
      this.kernels = kernels;
      this.f = wasmEvaluators(md, kernels, vec(nC));
      if (kernels.solve && kernels.factor) this.solver.useCompiled(kernels.solve, kernels.factor);
      else prepareSolver(this.solver, n, solve);
    } else {
      // The JS kinds, or a model whose straight-line WebAssembly V8 refused (see compileKernels).
      const js = kind === "wasm" ? "grouped" : kind;
      prepareSolver(this.solver, n, js === "table" ? "table" : solve);
      this.f = jsEvaluators(md, js);
    }
    this.coupling = opts.coupling ?? "iterate";
    this.tracker = md.switches ? new SwitchTracker(md.switches) : undefined;
    this.controller = new StepController(this.tableau.q, opts.controller ?? "predictive");
    const { inc, incM } = incremental(this.tableau);
    const coupling = { cv: this.cv, row: arena.int32(md.cRow), col: arena.int32(md.cCol) };
    this.vk = stageKernels(
      { ...this.tableau, inc, incM, clip: md.clip },
      { x: this.xw, ytmp: this.ytmp, ynew: this.ynew, wt: this.wt, u: this.u, coupling },
      arena,
    );
  }

  /** The kernels' copy of the state, and the compiled rate/Jacobian/solve kernels if any (rates synced per call). */
  private readonly xw: Float64Array;
  private readonly kernels: WasmKernels | undefined;

  /**
   * The state to work on, the kernels' copy of x; and fresh rate constants. Rates are read
   * once per call: change `md.k` between calls (as the noise grid does), not from `onStep`.
   */
  private enter(x: Float64Array): Float64Array {
    this.kernels?.syncRates();
    this.xw.set(x);
    return this.xw;
  }

  /** Report a step: the caller's x is brought up to date first. */
  private report(onStep: ((t: number, x: Float64Array) => void) | undefined, t: number, xw: Float64Array, x: Float64Array): void {
    if (!onStep) return;
    x.set(xw);
    onStep(t, x);
    // The callback may change the state (an event, a clamp): the integration continues from it.
    xw.set(x);
  }

  /** Run `body` on the kernels' copy of the caller's state over a non-empty interval; the caller's x gets the result, also on a throw. */
  private withState(xOut: Float64Array, t0: number, t1: number, body: (x: Float64Array) => void): void {
    if (!(t1 - t0 > 0)) return;
    const x = this.enter(xOut);
    try {
      body(x);
    } finally {
      xOut.set(x);
    }
  }

  integrate(xOut: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void {
    this.withState(xOut, t0, t1, (x) => this.run(x, xOut, t0, t1, onStep));
  }

  reset(): void {
    clearStats(this.stats);
    this.lastH = 0;
    this.maxSweeps = 0;
    this.sweeps = 0;
    this.fixedErrors.steps = this.fixedErrors.overTolerance = this.fixedErrors.max = 0;
  }

  snapshot(): IntegratorSnapshot {
    const fe = this.fixedErrors;
    return {
      lastH: this.lastH,
      stats: { ...this.stats },
      extra: { maxSweeps: this.maxSweeps, sweeps: this.sweeps, fixedSteps: fe.steps, fixedOver: fe.overTolerance, fixedMax: fe.max },
    };
  }

  restore(s: IntegratorSnapshot): void {
    this.lastH = s.lastH;
    Object.assign(this.stats, s.stats);
    const x = s.extra ?? {};
    this.maxSweeps = x["maxSweeps"] ?? 0;
    this.sweeps = x["sweeps"] ?? 0;
    this.fixedErrors.steps = x["fixedSteps"] ?? 0;
    this.fixedErrors.overTolerance = x["fixedOver"] ?? 0;
    this.fixedErrors.max = x["fixedMax"] ?? 0;
  }

  /**
   * One segment of the noise grid with error control. The first step is the one the previous
   * segment of the same kind proposed (`memo.h`, updated on return), so a switch costs no
   * restart; a W-method evaluates the Jacobian once, at the segment's start (the rates have
   * just switched, and it keeps its order with that Jacobian for the whole segment).
   */
  segment(xOut: Float64Array, t0: number, t1: number, memo: { h: number }, onStep?: (t: number, x: Float64Array) => void): void {
    this.withState(xOut, t0, t1, (x) => this.run(x, xOut, t0, t1, onStep, memo));
  }

  private run(x: Float64Array, xOut: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void, memo?: { h: number }): void {
    const tr = this.tracker;
    tr?.freeze(x);
    try {
      this.steps(x, xOut, t0, t1, onStep, memo);
    } finally {
      tr?.release();
    }
  }

  private steps(x: Float64Array, xOut: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void, memo?: { h: number }): void {
    const T = this.tableau;
    const tr = this.tracker;
    const ctl = this.controller;
    const span = t1 - t0;
    // A W-method may ignore J_U; the Rodas methods need the exact Jacobian.
    const coupled = !T.w && this.md.cRow.length > 0 && this.coupling === "iterate";
    let t = t0;
    let h = Math.min(memo && memo.h > 0 ? memo.h : this.initialStep(x, span), this.hmax, span);
    let firstAccepted = 0;
    let steps = 0;
    let rejectedInRow = 0;
    let failedInRow = 0;
    let interiorInRow = 0;
    let switched = false;
    ctl.start();
    const tried = { h: NaN, err: NaN };
    const trial = (hh: number) => {
      const e = this.attempt(x, hh, coupled, false);
      tried.h = hh;
      tried.err = e;
      return e >= 0 && Number.isFinite(e) ? this.ynew : undefined;
    };
    while (t < t1) {
      if (++steps > this.maxSteps) throw new IntegrationError(`too many steps (${this.maxSteps}) between t = ${t0} and ${t1}`, t);
      let last = t + h >= t1 * (1 - 1e-14) - 1e-300;
      if (last) h = t1 - t;
      // After a rejection x is unchanged, and so is its Jacobian: only h changes. On a noise
      // segment (memo) the W-method keeps the segment's first Jacobian throughout. After a
      // switch the law's derivatives changed: a fresh Jacobian.
      let errNorm = this.attempt(x, h, coupled, switched || (memo && T.w ? steps === 1 : rejectedInRow === 0));
      switched = false;
      if (errNorm === -1 || !Number.isFinite(errNorm)) {
        // A singular matrix or a non-finite stage: retry with a quarter of the step, a bounded number of times.
        if (errNorm === -1) this.stats.singular++;
        else this.stats.rejected++;
        if (++failedInRow > MAX_FAILED_ATTEMPTS || h < 1e-14 * Math.max(1, Math.abs(t))) throw this.failure(errNorm === -1, t, h, failedInRow);
        ctl.failed();
        rejectedInRow++;
        h *= 0.25;
        continue;
      }
      failedInRow = 0;
      // A switch flipped within the step: stop the step at the earliest crossing (switches.ts).
      let resume = 0;
      if (errNorm <= 1 && tr) {
        if (tr.crossed(this.ynew)) {
          const hc = this.locateCrossing(tr, x, h, trial);
          if (hc < h) {
            resume = h;
            h = hc;
            last = false;
          }
          // The last trial is often the step to the crossing itself.
          errNorm = tried.h === h ? tried.err : this.attempt(x, h, coupled, false);
          switched = errNorm >= 0 && errNorm <= 1;
        } else if (interiorInRow < MAX_INTERIOR_RETRIES) {
          // A switch crossed twice within the step (a pulse) leaves its end unchanged: if the
          // step's interpolant shows a flip, shorten the step to end there.
          const th = tr.firstFlip(x, this.f0, this.ynew, undefined, h, this.prev, false);
          if (th > 0) {
            interiorInRow++;
            this.stats.rejected++;
            ctl.failed();
            h *= th;
            continue;
          }
        }
      }
      if (errNorm >= 0 && errNorm <= 1) {
        t = last ? t1 : t + h;
        this.accept();
        rejectedInRow = 0;
        interiorInRow = 0;
        if (tr) {
          if (switched) {
            this.stats.crossings++;
            ctl.start();
          }
          switched = tr.accepted(this.ynew, x, switched, h, span);
        }
        this.report(onStep, t, x, xOut);
        const fac = ctl.accepted(h, errNorm);
        // A step cut short at a crossing says nothing about the step size: remember the one tried.
        if (!last) this.lastH = resume > 0 ? resume : h;
        // The next segment of the same kind starts, like this one, just after a switch: it is
        // offered this segment's first accepted step, allowed to grow at most twofold.
        if (firstAccepted === 0) firstAccepted = resume > 0 ? resume : h * Math.min(fac, 2);
        // After a located crossing, go on with the step that was tried (the short one says nothing about what follows).
        h = Math.min(resume > 0 ? resume : h * fac, this.hmax);
      } else {
        this.stats.rejected++;
        if (++rejectedInRow > 60 || h < 1e-14 * Math.max(1, Math.abs(t)))
          throw new IntegrationError("the step size underflowed: the system is too stiff, or a concentration diverges", t);
        h *= ctl.rejected(errNorm);
      }
    }
    if (memo) memo.h = Math.min(firstAccepted, this.hmax);
  }

  /**
   * The step size, at most h, that ends just past the earliest crossing of the step of size h
   * now in ynew (switches.ts): the cubic Hermite interpolant (one more rate evaluation, at ynew)
   * gives the first guess, trial steps the crossing.
   */
  private locateCrossing(tr: SwitchTracker, x: Float64Array, h: number, trial: (h: number) => Float64Array | undefined): number {
    this.f.rhs(this.ynew, this.rhsBuf);
    this.stats.rhsEvals++;
    const guess = tr.firstFlip(x, this.f0, this.ynew, this.rhsBuf, h, this.prev, true);
    return tr.locate(h, x, this.ynew, trial, 1e-10 * h, guess);
  }

  /** The error that ends a run after failed attempts (too many in a row, a step too small, or one fixed step), naming the first non-finite species. */
  private failure(singular: boolean, t: number, h: number, attempts: number): IntegrationError {
    return failedAttempts(singular ? "the matrix I/(γh) − J was singular" : "the step gave non-finite values", t, h, attempts, [this.ynew, ...this.u]);
  }

  private factoredH = NaN;
  private readonly controller: StepController;

  /**
   * Fixed steps without error control, for the noise grid (many short, equal intervals): one
   * call covers [t0, t1) in `steps` steps of a W-method, with one Jacobian and one
   * factorisation for all of them.
   */
  fixedSteps(xOut: Float64Array, t0: number, t1: number, steps: number, onStep?: (t: number, x: Float64Array) => void): void {
    if (!this.tableau.w) throw new Error("fixed steps need a W-method (ros34pw2)");
    this.withState(xOut, t0, t1, (x) => {
      this.tracker?.freeze(x);
      try {
        this.runFixed(x, xOut, t0, t1, steps, onStep);
      } finally {
        this.tracker?.release();
      }
    });
  }

  /** Fixed steps taken, how many of them their own error estimate put above the tolerance, and its largest value (diagnostics). */
  readonly fixedErrors = { steps: 0, overTolerance: 0, max: 0 };

  private runFixed(x: Float64Array, xOut: Float64Array, t0: number, t1: number, steps: number, onStep?: (t: number, x: Float64Array) => void): void {
    const h = (t1 - t0) / steps;
    // A fresh Jacobian for every segment (the rates have just switched). Reusing the noisy
    // segment's for the quiet one, which a W-method's order allows, is not stable enough for
    // its 9× longer step: on MNIST 64-4-2 at ε = 0.1 the steps diverged within 40 iterations.
    // test/sim.test.ts holds the fixed steps to the adaptive integrator.
    this.f.jac(x, this.jv, undefined);
    this.stats.jacEvals++;
    this.factoredH = NaN;
    const tr = this.tracker;
    const fe = this.fixedErrors;
    const take = (hh: number, at: number): number => {
      const e = this.attempt(x, hh, false, false);
      if (e === -1 || !Number.isFinite(e)) throw this.failure(e === -1, at, hh, 1);
      return e;
    };
    const trial = (hh: number) => {
      const e = this.attempt(x, hh, false, false);
      return e >= 0 && Number.isFinite(e) ? this.ynew : undefined;
    };
    for (let i = 0; i < steps; i++) {
      // A step that crosses a switch is split at the crossing (switches.ts), with a fresh
      // Jacobian after it; the pieces still end at the grid point.
      let done = 0;
      for (;;) {
        const hh = done === 0 ? h : h - done;
        const at = t0 + i * h + done;
        let e = take(hh, at);
        let hc = hh;
        const found = tr?.crossed(this.ynew) ?? false;
        if (found) {
          hc = this.locateCrossing(tr!, x, hh, trial);
          const ec = this.attempt(x, hc, false, false);
          // A step to the crossing that fails (a singular matrix at that h) falls back to the whole step.
          if (ec >= 0 && Number.isFinite(ec)) e = ec;
          else {
            hc = hh;
            e = take(hh, at);
          }
        }
        fe.steps++;
        if (e > 1) fe.overTolerance++;
        if (e > fe.max) fe.max = e;
        this.accept();
        // After a crossing (also one at the very end of the step, or one the clip at zero made):
        // refreeze, and a fresh Jacobian for the new branch.
        if (found) this.stats.crossings++;
        if (tr?.accepted(this.ynew, x, found, hc, t1 - t0)) {
          this.f.jac(x, this.jv, undefined);
          this.stats.jacEvals++;
          this.factoredH = NaN;
        }
        if (hc === hh) break;
        done += hc;
      }
      this.report(onStep, t0 + (i + 1) * h, x, xOut);
    }
  }

  /**
   * x = ynew, clipped at zero (x is the arena's copy, which the kernel writes).
   *
   * The clip at zero: an accepted step can leave a concentration slightly negative (a species
   * decaying to 0 is overshot by about the local tolerance). Mass-action rates of negative
   * concentrations are not chemistry and can feed on themselves (two negative reactants make a
   * positive rate), so the negative part is set to 0. What it does to the method: the exact
   * solution is ≥ 0, and projecting onto the non-negative orthant never moves a state further
   * from any non-negative point, so the clip cannot increase the error; it moves x by less than
   * the accepted local error, so the step's order and its error estimate stand. It does change
   * f(x), which is why the next step evaluates f afresh (Dopri5 drops FSAL after a clip), and it
   * can add mass up to the tolerance per step, which conservation checks must allow for.
   */
  private accept(): void {
    this.vk.accept();
    this.stats.steps++;
  }

  /**
   * One step of size h from x into this.ynew; returns the error norm (≤ 1 acceptable),
   * Infinity for a non-finite result, −1 if the matrix was singular. With `evalJacobian`
   * false the current Jacobian (and, if h is unchanged, its factorisation) is reused.
   */
  private attempt(x: Float64Array, h: number, coupled: boolean, evalJacobian: boolean): number {
    const { md, u, ytmp, jv, cv, rtol, atol, vk } = this;
    const T = this.tableau;
    const S = T.m.length;
    if (evalJacobian) {
      this.f.jac(x, jv, coupled ? cv : undefined);
      this.stats.jacEvals++;
      this.factoredH = NaN;
    }
    if (coupled) vk.weights(rtol, atol);
    if (h !== this.factoredH) {
      if (!this.solver.factor(1 / (T.gamma * h), jv)) return -1;
      this.factoredH = h;
    }
    const invh = 1 / h;
    let ok = true;
    for (let i = 0; i < S && ok; i++) {
      // A stage with an empty ã row (stage 0) evaluates at x, the others at ytmp = x + Σ ã_ij u_j.
      vk.arg(i);
      const ui = u[i]!;
      this.f.rhs(T.at[i]!.length ? ytmp : x, ui);
      // f(x), kept for the interpolant that checks the step's interior for switches.
      if (i === 0 && this.tracker) this.f0.set(ui);
      this.stats.rhsEvals++;
      vk.couple(i, invh);
      ok = coupled ? this.coupledSolve(ui) : (this.solver.solve(jv, ui), true);
    }
    if (!ok) return Infinity;
    const sum = vk.finish(rtol, atol);
    return Number.isFinite(sum) ? Math.sqrt(sum / md.n) : Infinity;
  }

  /**
   * Solve (cI − J_L − J_U) u = r by Richardson sweeps u ← M_L⁻¹ (r + J_U u): M_L is the
   * block-triangular part, J_U the weak update coupling (entries of size η), so a few sweeps
   * reach round-off. Returns false if they do not converge (the step is then rejected).
   */
  private coupledSolve(r: Float64Array): boolean {
    const { jv, vk } = this;
    this.solver.solve(jv, r);
    // Corrections δ_{k+1} = M_L⁻¹ J_U δ_k with δ_0 = u₀: J_U δ is nonzero only in the few
    // parameter rows, and r accumulates u₀ + δ₁ + δ₂ + ...
    let src = r;
    let d = this.rhsBuf;
    let spare = this.prev;
    let last = -1;
    for (let sweep = 1; sweep <= 20; sweep++) {
      vk.couplingProduct(src, d);
      this.solver.solve(jv, d);
      if (last < 0) {
        last = vk.wmax(r);
        if (!Number.isFinite(last)) return false;
      }
      const diff = vk.addMax(r, d);
      this.sweeps++;
      if (sweep > this.maxSweeps) this.maxSweeps = sweep;
      if (!Number.isFinite(diff)) return false;
      // The sweeps contract by ρ ≈ |δ_k| / |δ_{k−1}| (|u₀| for the first); stop when the next
      // correction, ≈ ρ·|δ_k|, is below 1e-2 of the error tolerance (far below what the
      // step's error control accepts).
      const rho = last > 0 ? Math.min(diff / last, 1) : 0;
      if (diff <= 1e-2 || (rho * diff <= 1e-2 && rho < 0.5)) return true;
      last = diff;
      src = d;
      d = spare;
      spare = src;
    }
    return false;
  }

  /** Hairer–Wanner's starting step guess, from the size of y and f(y) in the error norm. */
  private initialStep(x: Float64Array, span: number): number {
    const { f0, rtol, atol } = this;
    this.f.rhs(x, f0);
    this.stats.rhsEvals++;
    let h0 = startingStep(x, f0, rtol, atol, span);
    if (this.lastH > 0) h0 = Math.min(Math.max(h0, this.lastH * 1e-3), this.lastH);
    return Math.max(Math.min(h0, span), 1e-12 * span);
  }
}

/**
 * The WebAssembly kernels, or undefined if V8 refuses the module: a single reaction or solve
 * row with ~500 000 terms exceeds its function-size limit (only a dense, general `crn` can).
 */
function compileKernels(md: CompiledModel, arena: Arena, plan: Parameters<typeof wasmKernels>[2]): WasmKernels | undefined {
  try {
    return wasmKernels(md, arena, plan);
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) return undefined;
    throw e;
  }
}

/** Rates and Jacobian from the compiled kernels, plus the rate-law reactions in JS. */
function wasmEvaluators(md: CompiledModel, kernels: WasmKernels, cvScratch: Float64Array): { rhs: RhsFn; jac: JacFn } {
  const laws = lawRhs(md);
  return {
    rhs: (x, dx) => {
      dx.fill(0);
      kernels.rhs(x, dx);
      laws?.(x, dx);
    },
    jac: (x, jv, cv) => {
      jv.fill(0);
      const c = cv ?? cvScratch;
      c.fill(0);
      kernels.jac(x, jv, c);
      if (md.lawJac.length) lawJacobian(md, x, jv);
    },
  };
}

/** Hairer–Wanner's first step guess: 1% of |y| / |f(y)| in the error norm (1e-6 · span if either is tiny). */
export function startingStep(x: Float64Array, f: Float64Array, rtol: number, atol: number, span: number): number {
  let d0 = 0;
  let d1 = 0;
  for (let q = 0; q < x.length; q++) {
    const sc = atol + rtol * Math.abs(x[q]!);
    d0 += (x[q]! / sc) ** 2;
    d1 += (f[q]! / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / x.length);
  d1 = Math.sqrt(d1 / x.length);
  return d0 < 1e-5 || d1 < 1e-5 ? 1e-6 * span : (0.01 * d0) / d1;
}

/**
 * Which stage arguments are the previous one plus the previous increment (a stiffly accurate
 * method's tail: at[i] = at[i−1] + e_{i−1}), and whether y₁ is the last argument plus the last
 * increment. Saves vector work (wasm/stages.ts).
 */
const incCache = new WeakMap<Tableau, { inc: boolean[]; incM: boolean }>();
export function incremental(T: Tableau): { inc: boolean[]; incM: boolean } {
  let c = incCache.get(T);
  if (c) return c;
  const extends1 = (row: number[], prev: number[]) =>
    row.length === prev.length + 1 && prev.length > 0 && row[row.length - 1] === 1 && prev.every((v, j) => v === row[j]);
  const S = T.m.length;
  const inc = T.at.map((row, i) => i > 0 && T.at[i - 1]!.length > 0 && extends1(row, T.at[i - 1]!));
  const incM = extends1(T.m, T.at[S - 1]!);
  c = { inc, incM };
  incCache.set(T, c);
  return c;
}
