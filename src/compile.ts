// The compiler driver: source → diagnostics and a CRN IR, through the stages in order
// (load + parse, scopes, template checks, block checks, lowering, passes). Stops before
// lowering when anything is wrong, so the IR it returns is always for a valid program.
//
//   compileFile("examples/xor.crnn")  →  { ir: { kind: "train", species: [...223], ... }, diagnostics: [] }

import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { DiagnosticSink, sortDiagnostics, didYouMean } from "./diagnostics/diagnostic.js";
import { loadProgram, fsHost, type SourceHost, type Program, type LoadedFile } from "./load/loader.js";
import { buildFileScopes, activationScope, type Scope, type Def } from "./check/scope.js";
import { TemplateCompiler } from "./check/templates.js";
import { checkNetwork, type NetworkPlan } from "./check/network.js";
import { checkTrain } from "./check/train.js";
import { overrideParams, overrideSettings, type SettingOverrides } from "./check/overrides.js";
import { lowerCrn } from "./lower/crn.js";
import { lowerNetwork } from "./lower/network.js";
import { bind, type BoundTemplate } from "./lower/instantiate.js";
import { addBackward, type BackpropLib, type BackpropTemplate } from "./lower/backward.js";
import { addUpdate } from "./lower/update.js";
import { addAnnihilation } from "./lower/annihilate.js";
import { ParamTable, type RateOverride } from "./lower/params.js";
import { initParameters } from "./passes/init-params.js";
import { TRAIN_DEFAULTS, type TrainPlan } from "./check/train.js";
import { evalStatic, compileConst, compileExpr } from "./check/expr.js";
import { closedForm } from "./check/network.js";
import { paramsInExpr } from "./ir/queries.js";
import type { CRN, TrainSettings } from "./ir/types.js";
import type * as A from "./syntax/ast.js";

export interface CompileOptions {
  /** Name of the `crn`, `network` or `train` block to compile (a train is named by its network). */
  target?: string;
  /** Override the train block's seed. */
  seed?: number;
  /** Rail annihilation at this rate, 0 = off (overrides the train block and the default, 1). */
  annihilate?: number;
  /** Override the number of training iterations recorded in the IR. */
  iterations?: number;
  /** Override train-block settings (η, period T, noise ε; see check/overrides.ts), checked like the file's own. */
  settings?: SettingOverrides;
  /** Set activation parameters by name (`{ h: 2 }`) in every layer whose activation has them; a name no layer of the target has is an error. */
  params?: Record<string, number>;
  /** Set rate constants by name, as a network's (or crn block's) `rate NAME = value` would: every template rate of that name takes it. */
  rates?: Record<string, number>;
  /** Read files through this host instead of the file system. */
  host?: SourceHost;
  /** Called with the IR after lowering and after each pass (tests run the IR validator here). */
  onPass?: (pass: string, ir: CRN) => void;
}

export interface CompileResult {
  ir?: CRN;
  diagnostics: Diagnostic[];
  /** Source text by display name, for rendering diagnostics. */
  sources: Map<string, string>;
  /** Diagnostics left out of a flood, counted per file (DiagnosticSink.omitted). */
  omitted: ReadonlyMap<string, { errors: number; warnings: number }>;
  ok: boolean;
  /** The files read, with their ASTs (absent when the root could not be read): the language service indexes them. */
  program?: Program;
}

/**
 * Compile a `.crnn` file on disk (or served by `opts.host`), with the files it imports: the IR
 * of its block (`opts.target` when it has several) and every diagnostic. `ir` is set only when
 * there are no errors.
 *
 * @example
 * ```ts
 * import { compileFile, formatDiagnostics } from "crnnc";
 * const r = compileFile("examples/xor.crnn", { seed: 2 });
 * if (!r.ir) throw new Error(formatDiagnostics(r.diagnostics, { sources: r.sources }));
 * console.log(r.ir.kind, r.ir.species.length, r.ir.reactions.length);   // train 223 469
 * ```
 */
export function compileFile(path: string, opts: CompileOptions = {}): CompileResult {
  return run(path, undefined, opts);
}

/**
 * Compile `.crnn` source text; `file` names it in diagnostics and anchors relative imports
 * (`import std/...` always works). `ir` is set only when there are no errors.
 *
 * @example
 * ```ts
 * import { compile } from "crnnc";
 * const r = compile("crn decay {\n  A -> 0 @ 2\n  init A = 1\n}\n", { file: "decay.crnn" });
 * console.log(r.ok, r.ir?.species.map((s) => s.id));   // true [ "A" ]
 * ```
 */
export function compile(text: string, opts: CompileOptions & { file?: string } = {}): CompileResult {
  return run(opts.file ?? "<input>.crnn", text, opts);
}

function run(path: string, text: string | undefined, opts: CompileOptions): CompileResult {
  const sink = new DiagnosticSink();
  try {
    return stages(path, text, opts, sink);
  } catch (e) {
    // The checks recurse over expressions and definitions; a pathological program (a sum of
    // 50 000 terms) can exhaust the stack. Say so rather than crash.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      sink.error(
        "E0211",
        undefined,
        `${path} is nested too deeply to compile (a very long expression or chain of definitions)`,
        "split long expressions into named constants",
      );
      return done(sink, new Map());
    }
    throw e;
  }
}

function stages(path: string, text: string | undefined, opts: CompileOptions, sink: DiagnosticSink): CompileResult {
  const host = opts.host ?? fsHost;
  let program: Program;
  try {
    program = loadProgram(path, sink, host, text, ["std/backprop"]);
  } catch (e) {
    sink.error("E0303", undefined, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    return done(sink, new Map());
  }
  const result = (ir?: CRN) => ({ ...done(sink, program.sources, ir), program });
  if (sink.hasErrors) return result();

  const scopes = buildFileScopes(program.files.values(), sink);
  const tc = new TemplateCompiler(sink);
  // Check every template of every loaded file, used or not: errors should not hide until use.
  for (const scope of scopes.values()) checkTemplates(scope, tc, sink);

  const root = program.root;
  const rootScope = scopes.get(root)!;
  const blocks = root.ast.items.filter((i): i is A.CrnDecl | A.NetworkDecl | A.TrainDecl => i.kind === "crn" || i.kind === "network" || i.kind === "train");
  const trains = blocks.filter((b): b is A.TrainDecl => b.kind === "train");

  // Check every block; remember plans.
  const plans = new Map<A.NetworkDecl, NetworkPlan | undefined>();
  const trainSettings = new Map<A.TrainDecl, { settings: TrainPlan; net?: A.NetworkDecl }>();
  const crnTemplates = new Map<A.CrnDecl, ReturnType<TemplateCompiler["crn"]>>();
  // Parameter overrides (opts.params) rewrite the layers' arguments; remember which names each network took.
  const applied = new Map<A.NetworkDecl, Set<string>>();
  const checkNet = (net: A.NetworkDecl, scope: Scope, needSlope: boolean) => {
    if (!opts.params) return checkNetwork(net, scope, tc, sink, needSlope);
    const names = new Set<string>();
    applied.set(net, names);
    return checkNetwork(overrideParams(net, scope, opts.params, names), scope, tc, sink, needSlope);
  };
  for (const b of blocks) {
    if (b.kind === "network")
      plans.set(
        b,
        checkNet(
          b,
          rootScope,
          trains.some((t) => t.network === b.name),
        ),
      );
    else if (b.kind === "crn") crnTemplates.set(b, tc.crn(b, rootScope, `${root.display.replace(/\.crnn$/, "")}.${b.name}`));
  }
  const seenTrain = new Set<string>();
  for (const t of trains) {
    const d = rootScope.lookup(t.network);
    let net: A.NetworkDecl | undefined;
    if (!d || d.kind !== "network") {
      sink.error(
        "E0101",
        t.networkSpan,
        d ? `\`${t.network}\` is a ${d.kind}, not a network` : `unknown network \`${t.network}\``,
        didYouMean(
          t.network,
          rootScope.visible((x) => x.kind === "network"),
        ),
      );
    } else {
      net = d.decl;
      if (!plans.has(net)) plans.set(net, checkNet(net, d.scope, true));
    }
    if (seenTrain.has(t.network)) sink.error("E0102", t.networkSpan, `network \`${t.network}\` already has a train block`);
    seenTrain.add(t.network);
    const plan = net ? plans.get(net) : undefined;
    const shape = plan ? { inputs: plan.layers[0]!.size, outputs: plan.layers[plan.layers.length - 1]!.size } : undefined;
    const settings = checkTrain(t, rootScope, sink, root.path, (p) => host.exists(p), shape);
    if (opts.settings) overrideSettings(settings, opts.settings, sink);
    trainSettings.set(t, { settings, net });
  }
  if (sink.hasErrors) return result();

  // Pick the target.
  const target = pickTarget(blocks, trains, opts.target, sink, root);
  if (!target || sink.hasErrors) return result();
  if (opts.params && target.kind !== "crn") {
    const net = target.kind === "train" ? trainSettings.get(target)!.net! : target;
    const took = applied.get(net) ?? new Set<string>();
    for (const name of Object.keys(opts.params))
      if (!took.has(name)) sink.error("E0107", undefined, `no layer of \`${net.name}\` has an activation with a parameter \`${name}\``);
    if (sink.hasErrors) return result();
  }

  for (const [k, v] of Object.entries(opts.rates ?? {}))
    if (!(v >= 0 && Number.isFinite(v)))
      sink.error("E0203", undefined, `the rate constant \`${k}\` given from outside must be non-negative and finite, got ${v}`);
  if (sink.hasErrors) return result();

  let ir: CRN;
  const after = (pass: string, x: CRN): CRN => (opts.onPass?.(pass, x), x);
  // Between lowering steps the table is only needed by whoever watches the steps (the tests).
  const current = (params: ParamTable, x: CRN): CRN => (opts.onPass ? params.current(x) : x);
  if (target.kind === "crn") {
    // A crn block's own `rate NAME = v` also sets, by name, the rates of the modules it calls.
    const own = new Map<string, RateOverride>();
    for (const m of target.members) {
      if (m.kind !== "rate") continue;
      const v = evalStatic(m.value, rootScope, sink, "rate constant");
      if (v !== undefined) own.set(m.name, { value: v, span: m.nameSpan, owner: target.name });
    }
    for (const [k, v] of Object.entries(opts.rates ?? {})) own.set(k, { value: v, owner: target.name });
    ir = after("lower-crn", lowerCrn(target, crnTemplates.get(target)!, root.display, sink, own));
    for (const m of target.members)
      if (m.kind === "rate" && !ir.parameters.some((p) => p.name === m.name))
        sink.warn("W0603", m.nameSpan, `rate \`${m.name}\` is declared but no reaction of \`${target.name}\` uses it`);
  } else {
    const train = target.kind === "train" ? trainSettings.get(target)! : undefined;
    const netDecl = target.kind === "train" ? train!.net! : target;
    const plan = plans.get(netDecl)!;
    const overrides = new Map<string, RateOverride>([...plan.overrides].map(([k, o]) => [k, { value: o.value, span: o.span, owner: netDecl.name }]));
    for (const [k, v] of Object.entries(opts.rates ?? {})) overrides.set(k, { value: v, owner: netDecl.name });
    const ann = opts.annihilate !== undefined ? { value: opts.annihilate } : train?.settings.annihilate;
    if (train) {
      const eta = train.settings.eta;
      if (eta.set || !plan.overrides.has("eta")) overrides.set("eta", { value: eta.value, ...(eta.span ? { span: eta.span } : {}), owner: "train" });
      overrides.set("k_ann", { value: ann!.value, ...(ann!.span ? { span: ann!.span } : {}), owner: "train" });
    }
    const params = new ParamTable(sink, overrides);
    const period = train ? params.protocol("T", train.settings.period.value, train.settings.period.span, "train") : undefined;
    const { ir: fwd, ctx } = lowerNetwork(plan, root.display, sink, params);
    ir = after("forward", current(params, fwd));
    if (train) {
      const lib = backpropLib(program, scopes, tc, sink, params, target.span);
      if (!lib) return result();
      ir = after("backward", current(params, addBackward(ir, ctx, lib)));
      ir = after("update", current(params, addUpdate(ir, ctx, lib)));
      const annihilating = ann !== undefined && ann.value > 0;
      if (annihilating) ir = after("annihilate", current(params, addAnnihilation(ir, ctx, lib)));
      const t = train.settings;
      const settings: TrainSettings = {
        dataset: t.dataset,
        iterations: opts.iterations ?? t.iterations,
        split: t.split,
        seed: opts.seed ?? t.seed,
        evaluate: t.evaluate,
        init: t.init,
        ...(t.noise ? { noise: t.noise } : {}),
        params: { eta: rateParam(lib.update), period: period!, ...(annihilating ? { annihilate: rateParam(lib.annihilate) } : {}) },
      };
      ir = params.finish({ ...ir, name: netDecl.name, train: settings });
      ir = after("init-params", initParameters(ir, settings.init, settings.seed));
    } else {
      ir = params.finish(ir);
      ir = after("init-params", initParameters(ir, { weights: TRAIN_DEFAULTS.init, biases: TRAIN_DEFAULTS.init }, opts.seed ?? TRAIN_DEFAULTS.seed));
    }
  }
  for (const k of Object.keys(opts.rates ?? {}))
    if (!ir.parameters.some((p) => p.role === "rate" && p.name === k))
      sink.error(
        "E0101",
        undefined,
        `no reaction of \`${ir.name}\` uses a rate constant \`${k}\``,
        `its rate constants: ${[...new Set(ir.parameters.filter((p) => p.role === "rate").map((p) => p.name))].join(", ")}`,
      );
  const law = ir.reactions.find((r) => r.rate.kind === "law");
  // In a crn block the law is written right there; in a network, point at the layer using it.
  if (law)
    sink.warn(
      "W0602",
      ir.kind === "crn" ? (law.origin.lawSpan ?? law.origin.span) : (law.origin.site ?? law.origin.span),
      `\`${ir.name}\` uses rate laws that are not mass action (first at ${law.origin.span.file}:${law.origin.span.line}): it is not a pure mass-action CRN`,
      "a wet-lab implementation needs every reaction to be mass action",
      { related: [{ span: law.origin.span, message: "the first rate law" }] },
    );
  return result(sink.hasErrors ? undefined : ir);
}

function done(sink: DiagnosticSink, sources: Map<string, string>, ir?: CRN): CompileResult {
  const diagnostics = sortDiagnostics(sink.items);
  const ok = !sink.hasErrors;
  return { ir: ok ? ir : undefined, diagnostics, sources, omitted: sink.omitted, ok };
}

/** Check every template and every constant, rate and parameter value, used or not. */
function checkTemplates(scope: Scope, tc: TemplateCompiler, sink: DiagnosticSink): void {
  const values = (s: Scope) => {
    for (const d of s.defs.values()) {
      if (d.kind === "const" || d.kind === "rate" || d.kind === "catalyst") compileConst(d.decl, d.scope, sink);
      else if (d.kind === "param") compileExpr(d.decl.value, { scope: d.scope, sink, what: `default of \`${d.decl.name}\``, defining: d.decl.name });
    }
  };
  values(scope);
  for (const d of scope.defs.values()) {
    if (d.kind === "module") tc.module(d);
    else if (d.kind === "activation") {
      const as = activationScope(d, sink);
      values(as);
      for (const m of as.defs.values()) if (m.kind === "module") tc.module(m);
      closedForm(d, as, sink);
    }
  }
}

function pickTarget(
  blocks: (A.CrnDecl | A.NetworkDecl | A.TrainDecl)[],
  trains: A.TrainDecl[],
  wanted: string | undefined,
  sink: DiagnosticSink,
  root: LoadedFile,
): A.CrnDecl | A.NetworkDecl | A.TrainDecl | undefined {
  const nameOf = (b: A.CrnDecl | A.NetworkDecl | A.TrainDecl) => (b.kind === "train" ? b.network : b.name);
  // A network with a train block compiles as the train block.
  const candidates = blocks.filter((b) => b.kind !== "network" || !trains.some((t) => t.network === b.name));
  if (wanted !== undefined) {
    const hit = candidates.find((b) => nameOf(b) === wanted);
    if (!hit)
      sink.error(
        "E0113",
        undefined,
        `${root.display} has no crn, network or train block named \`${wanted}\``,
        candidates.length ? `targets: ${candidates.map(nameOf).join(", ")}` : undefined,
      );
    return hit;
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0)
    sink.error(
      "E0113",
      undefined,
      `${root.display} defines no crn, network or train block to compile`,
      "a library file is imported, not compiled; `crnnc check` checks it",
    );
  else sink.error("E0113", undefined, `${root.display} defines several targets: ${candidates.map(nameOf).join(", ")}`, "choose one with --target NAME");
  return undefined;
}

const BACKPROP_TEMPLATES: BackpropTemplate[] = ["loss_grad", "loss_grad_dual", "mul_su", "mul_ss", "add_mul_ss", "dual_decay", "update", "annihilate"];

/** How the backward and update passes call each std/backprop template: dual or not, per parameter. */
const BACKPROP_SHAPES: Record<BackpropTemplate, readonly string[]> = {
  loss_grad: ["dual L", "Y", "T"],
  loss_grad_dual: ["dual L", "dual Y", "T"],
  mul_su: ["dual Z", "dual A", "B"],
  mul_ss: ["dual Z", "dual A", "dual B"],
  add_mul_ss: ["dual Z", "dual A", "dual B"],
  dual_decay: ["dual Z"],
  update: ["dual W", "dual G"],
  annihilate: ["dual W"],
};

function backpropLib(
  program: Program,
  scopes: Map<LoadedFile, Scope>,
  tc: TemplateCompiler,
  sink: DiagnosticSink,
  params: ParamTable,
  site: A.Span,
): BackpropLib | undefined {
  const file = program.extras.get("std/backprop")!;
  const scope = scopes.get(file)!;
  const env = { params, site, sink };
  const lib = {} as BackpropLib;
  // A broken std/backprop (being edited) must give a diagnostic, not a crash in the passes.
  let ok = true;
  for (const name of BACKPROP_TEMPLATES) {
    const found = scope.lookup(name);
    const want = BACKPROP_SHAPES[name];
    const shape = `module ${name}(${want.join(", ")})`;
    if (found?.kind !== "module") {
      sink.error("E0103", site, `${file.display} has no \`${shape}\`, which training needs`);
      ok = false;
      continue;
    }
    const params = found.decl.params;
    if (params.length !== want.length || params.some((p, i) => p.dual !== want[i]!.startsWith("dual "))) {
      sink.error(params.length !== want.length ? "E0104" : "E0105", found.decl.nameSpan, `training calls \`${name}\` as \`${shape}\``);
      ok = false;
    }
  }
  if (!ok) return undefined;
  for (const name of BACKPROP_TEMPLATES) {
    const d = scope.lookup(name) as Extract<Def, { kind: "module" }>;
    lib[name] = bind(tc.module(d), env);
  }
  return lib;
}

/** The parameter a library template's rate constants read (η of `update`, k_ann of `annihilate`). */
function rateParam(t: BoundTemplate): number {
  for (const r of t.reactions) if (r.rate?.kind === "mass") for (const p of paramsInExpr(r.rate.k)) return p;
  throw new Error(`${t.t.qualified} has no rate constant`);
}
