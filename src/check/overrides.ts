// Overrides from outside the source (sweeps, the API): train-block settings (η, period T,
// noise ε) and activation parameters by name (`h`), applied as if the file had said them, so
// that every check (`require h > 0`, catalyst concentrations, ranges) still runs on them.
//
//   compileFile("examples/sine.crnn", { settings: { epsilon: 0.04 }, params: { h: 2 } })
//   — every layer whose activation has a parameter `h` gets `h: 2`; a train block without a
//     noise block gets the default one (ir/noise.ts) with ε = 0.04.

import type * as A from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import type { TrainPlan } from "./train.js";
import type { Scope } from "./scope.js";
import { withNoiseLevel } from "../ir/noise.js";

/** Train-block settings a caller may override. */
export interface SettingOverrides {
  eta?: number;
  period?: number;
  /** Noise level ε; > 0 on a train block without a noise block adds the default noise block (ir/noise.ts). */
  epsilon?: number;
}

/** Apply `o` to checked train settings (in place), reporting values out of range. */
export function overrideSettings(settings: TrainPlan, o: SettingOverrides, sink: DiagnosticSink): void {
  const bad = (code: "E0203" | "E0204" | "E0207", msg: string) => sink.error(code, undefined, msg);
  if (o.eta !== undefined) {
    if (!(o.eta >= 0 && Number.isFinite(o.eta))) bad("E0203", `η override must be a non-negative finite rate constant, got ${o.eta}`);
    else settings.eta = { value: o.eta, set: true };
  }
  if (o.period !== undefined) {
    if (!(o.period > 0 && Number.isFinite(o.period))) bad("E0204", `period override must be positive, got ${o.period}`);
    else settings.period = { value: o.period };
  }
  if (o.epsilon !== undefined) {
    if (!(o.epsilon >= 0 && Number.isFinite(o.epsilon))) bad("E0207", `noise level ε override must be non-negative, got ${o.epsilon}`);
    else {
      const noise = withNoiseLevel(settings.noise, o.epsilon);
      if (noise) settings.noise = noise;
    }
  }
}

/**
 * A copy of `decl` in which every dense layer whose activation declares a parameter named in
 * `params` passes that value instead of its own argument (or the default). `applied` collects
 * the names some layer took.
 */
export function overrideParams(decl: A.NetworkDecl, scope: Scope, params: Record<string, number>, applied: Set<string>): A.NetworkDecl {
  const members = decl.members.map((m) => {
    if (m.kind !== "dense") return m;
    const def = scope.lookup(m.activation);
    if (def?.kind !== "activation") return m;
    const declared = def.decl.params;
    let args = m.args;
    for (const [name, value] of Object.entries(params)) {
      const at = declared.findIndex((p) => p.name === name);
      if (at < 0) continue;
      applied.add(name);
      const i = args.findIndex((a, j) => (a.name ? a.name === name : j === at));
      // Keep the layer's argument (named or positional) with the new value, or add a named one.
      const old = i >= 0 ? args[i]! : undefined;
      const arg: A.Arg = old
        ? { ...old, value: { kind: "num", value, span: old.value.span } }
        : { name, nameSpan: m.activationSpan, value: { kind: "num", value, span: m.activationSpan }, span: m.activationSpan };
      args = old ? args.map((a) => (a === old ? arg : a)) : [...args, arg];
    }
    return args === m.args ? m : { ...m, args };
  });
  return { ...decl, members };
}
