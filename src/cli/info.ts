// `crnnc info`: a human summary of a compiled CRN (counts per sub-network, molecularity, the
// catalytic/dynamic split of Definition 2.2, Remark 3.1's feedback-free check, dual-rail pairs).
//
//   sub-network  reactions  species  catalytic  dynamic
//   forward            104       96         64       32

import type { CRN } from "../ir/types.js";
import { summarize } from "../analysis/summary.js";
import { TAGS } from "../ir/types.js";
import { exprText, formatNumber } from "../ir/expr.js";
import { trainParam } from "../ir/parameters.js";
import { spanText } from "../ir/span.js";

const ROLE = { rate: "rate constant", activation: "activation parameter", protocol: "protocol" } as const;

/**
 * The text `crnnc info` prints for a compiled CRN: counts per sub-network, molecularity,
 * catalytic and dynamic species, the feedback-free check, dual rails and the parameter table.
 *
 * @example
 * ```ts
 * import { compileFile, formatInfo } from "crnnc";
 * console.log(formatInfo(compileFile("examples/iris.crnn").ir!));
 * ```
 */
export function formatInfo(ir: CRN): string {
  const s = summarize(ir);
  const out: string[] = [];
  out.push(`${ir.kind} \`${ir.name}\` from ${ir.source}`);
  if (ir.layers) {
    const acts = ir.layers.slice(1).map(
      (l) =>
        `${l.activation?.name}(${Object.entries(l.activation?.params ?? {})
          .map(([k, p]) => `${k}=${ir.parameters[p]!.value}`)
          .join(", ")})`,
    );
    const uniq = [...new Set(acts)];
    out.push(`  network        ${ir.layers.map((l) => l.size).join(" → ")}  ${uniq.length === 1 ? uniq[0] : acts.join(", ")}`);
  }
  out.push(`  species        ${s.speciesCount}`);
  out.push(`  reactions      ${s.reactionCount}`);
  out.push("");
  out.push("  sub-network  reactions  species  catalytic  dynamic");
  for (const tag of TAGS) {
    const t = s.byTag[tag];
    const c = s.classByTag[tag];
    if (!t || !c) continue;
    out.push(
      `  ${tag.padEnd(11)} ${String(t.reactions).padStart(10)} ${String(t.species).padStart(8)} ${String(c.catalytic).padStart(10)} ${String(c.dynamic).padStart(8)}`,
    );
  }
  out.push("");
  const mol = ["", "unimolecular", "bimolecular", "trimolecular"][s.maxMolecularity] ?? `${s.maxMolecularity}-molecular`;
  out.push(`  max molecularity   ${s.maxMolecularity} (${mol})`);
  if (ir.kind === "train") {
    const trainMol = ir.reactions.reduce(
      (m, r) =>
        r.tag === "forward"
          ? m
          : Math.max(
              m,
              r.reactants.reduce((a, t) => a + t.n, 0),
            ),
      0,
    );
    out.push(`  backward + update  at most ${trainMol}-molecular`);
  }
  out.push(`  mass action        ${s.massAction ? "yes" : "no (rate laws present)"}`);
  out.push(`  Definition 2.2     ${s.catalytic.length} catalytic, ${s.dynamic.length} dynamic species in the whole network`);
  const ff = s.feedbackFree;
  out.push(`  feedback-free      ${ff.ok ? "yes" : `no: ${ff.cycle!.map((i) => ir.species[i]!.id).join(" → ")} → …`} (forward + backward, Remark 3.1)`);
  const byFamily = new Map<string, number>();
  for (const [p] of s.dualPairs) {
    const f = ir.species[p]!.family ?? ir.species[p]!.id;
    byFamily.set(f, (byFamily.get(f) ?? 0) + 1);
  }
  out.push(`  dual-rail pairs    ${s.dualPairs.length}${byFamily.size ? ` (${[...byFamily].map(([f, c]) => `${f} ${c}`).join(", ")})` : ""}`);
  if (s.dualPairs.length) {
    const ex = s.dualPairs.slice(0, 3).map(([p, m]) => `${ir.species[p]!.id}/${ir.species[m]!.id}`);
    out.push(`                     e.g. ${ex.join(", ")}`);
  }
  if (ir.parameters.length) {
    out.push("", "  parameters");
    const rows = ir.parameters.map((p) => [
      p.id,
      formatNumber(p.value),
      [ROLE[p.role], p.unit, p.expr ? `= ${exprText(p.expr, (l) => ir.parameters[l.p]!.id)}` : undefined].filter(Boolean).join(", "),
      p.owner,
      p.span ? spanText(p.span) : "",
    ]);
    const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const r of rows) out.push(`    ${r.map((c, i) => (i < 4 ? c.padEnd(w[i]!) : c)).join("  ")}`.trimEnd());
    out.push("");
  }
  if (ir.train) {
    const t = ir.train;
    const ds = t.dataset.kind === "builtin" ? t.dataset.name : t.dataset.path;
    const eta = trainParam(ir, "eta")!;
    const T = trainParam(ir, "period")!;
    out.push(`  training           on ${ds}: η = ${eta}, T = ${T}, ${t.iterations} iterations (ηT = ${+(eta * T).toPrecision(6)}), seed ${t.seed}`);
    const { shift, scale } = t.dataset;
    if (shift !== undefined || scale !== undefined) out.push(`  features           x → (x + ${shift ?? 0}) · ${scale ?? 1}`);
    if (t.noise) out.push(`  noise              ε = ${t.noise.epsilon}, t0 = ${t.noise.resample}, t1 = ${t.noise.hold}, on ${t.noise.on.join(", ")}`);
    const ann = trainParam(ir, "annihilate");
    out.push(
      ann
        ? `  rail annihilation  on, rate ${ann} (W.p + W.m -> 0; not in the paper — \`annihilate 0\` gives the paper's construction)`
        : "  rail annihilation  off (`annihilate 0`: the paper's construction; rails grow without bound, deeper networks may blow up)",
    );
  }
  return out.join("\n") + "\n";
}
