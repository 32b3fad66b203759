// Hover text (Markdown) for a name: a template's header and doc comment; a rate constant's or
// parameter's declared value, where it is declared and, when the file compiles, the value the
// compiled CRN gives it and where that is set; a species' role in its template, its rails and the
// layers that instantiate it; a network's shape; a dataset's description.
//
//   hover on `smooth_relu` in `dense 3 smooth_relu(h: 1)`  →
//     ```crnn
//     activation smooth_relu(h = 1)
//     ```
//     Smooth ReLU activation. The forward node is the CRN of ...

import type * as A from "../syntax/ast.js";
import type { CRN } from "../ir/types.js";
import type { Occurrence, Sym } from "./symbols.js";
import { BUILTIN_DATASETS } from "../data/registry.js";
import { ACTIVATION_CONTRACT } from "../check/network.js";

/** What the hover needs besides the symbol: source texts by display name and the compiled CRN, if any. */
export interface HoverContext {
  sources: ReadonlyMap<string, string>;
  ir?: CRN;
}

/** What each parameter of an activation's templates stands for when the network wires it (check/network.ts). */
const ROLES: Record<string, string[]> = {
  node: ["the node's value x = σ(z)", "the node's accumulator z (its edges and bias write into it)"],
  edge: ["the receiving node (or its accumulator z)", "the sending node: the edge's input", "the weight w = W.p − W.m"],
  bias: ["the node (or its accumulator z)", "the bias b = B.p − B.m"],
  slope: ["the node's value x", "the slope σ'(z), read by the backward CRN"],
};

export function hoverMarkdown(o: Occurrence, cx: HoverContext): string {
  const s = o.sym;
  const text = (span: A.Span) => cx.sources.get(span.file)?.slice(span.start, span.end) ?? "";
  const code = (c: string) => "```crnn\n" + c + "\n```";
  // A file-level name's container is its file, said once.
  const where = s.decl ? `${s.container && s.container !== s.decl.file ? `in ${s.container}, ` : ""}${s.decl.file}:${s.decl.line}` : "";
  const parts: string[] = [];
  switch (s.kind) {
    case "module": {
      const m = s.node as A.ModuleDecl;
      parts.push(code(`module ${m.name}(${m.params.map((p) => (p.dual ? `dual ${p.name}` : p.name)).join(", ")})`));
      break;
    }
    case "activation": {
      const a = s.node as A.ActivationDecl;
      parts.push(code(`activation ${a.name}(${a.params.map((p) => `${p.name} = ${text(p.value.span)}`).join(", ")})`));
      const provides = a.members.filter((m): m is A.ModuleDecl => m.kind === "module" && m.name in ACTIVATION_CONTRACT).map((m) => m.name);
      const closed = a.members.find((m): m is A.ClosedDecl => m.kind === "closed");
      const facts = [`provides ${provides.map((p) => `\`${p}\``).join(", ") || "no templates"}`];
      if (closed) facts.push(`σ(${closed.arg.name}) = \`${text(closed.value.span)}\``);
      parts.push(facts.join(" · "));
      break;
    }
    case "rate":
    case "const":
    case "catalyst": {
      const d = s.node as A.ValueDecl;
      parts.push(code(`${d.kind} ${d.name} = ${text(d.value.span)}`));
      if (s.kind === "rate") parts.push(...compiled(cx.ir, s.name, "rate"));
      if (s.kind === "catalyst") {
        const sp = cx.ir?.species.find((x) => x.id === s.name);
        parts.push(`a species held at a fixed concentration${sp ? ` (${sp.init} in \`${cx.ir!.name}\`)` : ""}`);
      }
      break;
    }
    case "param": {
      const p = s.node as A.NumParam;
      parts.push(code(`${p.name} = ${text(p.value.span)}`), "a parameter of the activation (its default after `=`)");
      parts.push(...compiled(cx.ir, s.name, "activation"));
      break;
    }
    case "arg":
      parts.push(code(s.name), "the argument z of the closed form σ(z)");
      break;
    case "species":
      parts.push(...species(s, cx.ir));
      break;
    case "network": {
      const n = s.node as A.NetworkDecl;
      const input = n.members.find((m): m is A.InputDecl => m.kind === "input");
      const shape = [
        input ? text(input.size.span) : "?",
        ...n.members.filter((m): m is A.DenseDecl => m.kind === "dense").map((d) => `${text(d.size.span)} ${d.activation}`),
      ];
      parts.push(code(`network ${n.name}`), shape.join(" → "));
      if (cx.ir?.name === n.name)
        parts.push(
          `compiles to ${cx.ir.species.length} species and ${cx.ir.reactions.length} reactions (${cx.ir.kind === "train" ? "forward, backward and update" : "forward"} CRN)`,
        );
      break;
    }
    case "crn": {
      const c = s.node as A.CrnDecl;
      parts.push(code(`crn ${c.name}`));
      if (cx.ir?.name === c.name && cx.ir.kind === "crn") parts.push(`${cx.ir.species.length} species, ${cx.ir.reactions.length} reactions`);
      break;
    }
    case "dataset": {
      const d = BUILTIN_DATASETS[s.name]!;
      parts.push(
        code(`dataset ${d.name}`),
        `${d.description}: ${d.samples} samples, ${d.inputs} input${d.inputs === 1 ? "" : "s"} → ${d.outputs} output${d.outputs === 1 ? "" : "s"}`,
      );
      break;
    }
    case "file":
      parts.push(code(`import ${s.name}`), `\`${s.path}\``);
      break;
  }
  if (s.doc) parts.push(s.doc);
  if (where) parts.push(`*${where}*`);
  return parts.join("\n\n");
}

/** The values the compiled CRN gives parameters of this name, and where each is set. */
function compiled(ir: CRN | undefined, name: string, role: "rate" | "activation"): string[] {
  const ps = ir?.parameters.filter((p) => p.name === name && p.role === role) ?? [];
  if (!ps.length) return [];
  const lines = ps.map((p) => `- \`${p.id}\` = ${p.value}${p.unit ? ` ${p.unit}` : ""} (${p.owner}${p.span ? `, set at ${p.span.file}:${p.span.line}` : ""})`);
  return [`In \`${ir!.name}\`:\n${lines.join("\n")}`];
}

function species(s: Sym, ir: CRN | undefined): string[] {
  const sp = s.species!;
  const out = [`\`\`\`crnn\n${sp.dual ? "dual " : ""}${s.name}\n\`\`\``];
  const rails = sp.dual ? `dual-rail: \`${s.name}.p\` − \`${s.name}.m\`` : "a single species";
  if (sp.crn) {
    const ir0 = ir?.kind === "crn" && ir.name === sp.crn ? ir : undefined;
    const got = ir0?.species.filter((x) => x.id === s.name || x.id === `${s.name}_p` || x.id === `${s.name}_m`) ?? [];
    out.push(`species of crn \`${sp.crn}\`, ${rails}${got.length ? `; initial ${got.map((g) => `${g.id} = ${g.init}`).join(", ")}` : ""}`);
    return out;
  }
  const what = sp.local ? "local species" : `species parameter ${sp.index! + 1}`;
  out.push(`${what} of \`${sp.module?.name ?? "?"}\`, ${rails}`);
  const m = sp.module;
  if (sp.activation && m && !sp.local && ROLES[m.name]) {
    const roles = ROLES[m.name]!;
    const role = m.name === "node" ? roles[Math.min(sp.index!, 1)] : roles[sp.index!];
    if (role) out.push(`role: ${role}`);
    const qualified = `${s.decl!.file.replace(/\.crnn$/, "")}.${sp.activation.name}`;
    const layers = (ir?.layers ?? []).map((l, i) => ({ l, i })).filter(({ l }) => l.activation?.qualified === qualified);
    if (layers.length)
      out.push(
        `instantiated for every node of layer${layers.length > 1 ? "s" : ""} ${layers.map(({ l, i }) => `${i} (${l.size} node${l.size === 1 ? "" : "s"})`).join(", ")} of \`${ir!.name}\``,
      );
  }
  return out;
}
