// The outline of a file (an editor's document symbols): its imports, constants, rates, modules,
// activations (with their parameters, rates and templates), crn blocks, networks (with their
// layers) and train blocks, each with the span of its whole declaration and of its name.
//
//   network mnist_net { input 64  dense 4 smooth_relu(h: 1) ... }
//     →  mnist_net (network: 64 → 4 → 2) ▸ input 64, dense 4 smooth_relu, dense 2 smooth_relu

import type * as A from "../syntax/ast.js";
import type { DocumentSymbol, OutlineKind, Range } from "./types.js";

export function outline(ast: A.FileAst, range: (s: A.Span) => Range, text: string): DocumentSymbol[] {
  const src = (s: A.Span) => text.slice(s.start, s.end);
  const sym = (name: string, kind: OutlineKind, whole: A.Span, name_: A.Span, detail?: string, children: DocumentSymbol[] = []): DocumentSymbol => ({
    name: name || "(unnamed)",
    kind,
    range: range(whole),
    selectionRange: range(name_),
    children,
    ...(detail ? { detail } : {}),
  });
  const value = (d: A.ValueDecl) => sym(d.name, d.kind, d.span, d.nameSpan, `= ${src(d.value.span)}`);
  const module = (m: A.ModuleDecl) =>
    sym(
      m.name,
      "module",
      m.span,
      m.nameSpan,
      `(${m.params.map((p) => (p.dual ? `dual ${p.name}` : p.name)).join(", ")})`,
      m.body.filter((b): b is A.ValueDecl => b.kind === "rate" || b.kind === "const").map(value),
    );
  const out: DocumentSymbol[] = [];
  for (const item of ast.items) {
    switch (item.kind) {
      case "import":
        out.push(sym(item.path, "import", item.span, item.pathSpan));
        break;
      case "const":
      case "rate":
      case "catalyst":
        out.push(value(item));
        break;
      case "module":
        out.push(module(item));
        break;
      case "activation": {
        const kids: DocumentSymbol[] = item.params.map((p) => sym(p.name, "parameter", p.span, p.nameSpan, `= ${src(p.value.span)}`));
        for (const m of item.members) {
          if (m.kind === "module") kids.push(module(m));
          else if (m.kind === "rate" || m.kind === "const" || m.kind === "catalyst") kids.push(value(m));
        }
        out.push(sym(item.name, "activation", item.span, item.nameSpan, `(${item.params.map((p) => `${p.name} = ${src(p.value.span)}`).join(", ")})`, kids));
        break;
      }
      case "crn":
        out.push(
          sym(
            item.name,
            "crn",
            item.span,
            item.nameSpan,
            undefined,
            item.members.filter((b): b is A.ValueDecl => b.kind === "rate" || b.kind === "const").map(value),
          ),
        );
        break;
      case "network": {
        const kids: DocumentSymbol[] = [];
        const shape: string[] = [];
        for (const m of item.members) {
          if (m.kind === "input") {
            shape.push(src(m.size.span));
            kids.push(sym(`input ${src(m.size.span)}`, "layer", m.span, m.span));
          } else if (m.kind === "dense") {
            shape.push(src(m.size.span));
            kids.push(sym(`dense ${src(m.size.span)} ${m.activation}`, "layer", m.span, m.activationSpan));
          } else kids.push(value(m));
        }
        out.push(sym(item.name, "network", item.span, item.nameSpan, shape.join(" → "), kids));
        break;
      }
      case "train":
        out.push(sym(`train ${item.network}`, "train", item.span, item.networkSpan, `on ${item.dataset.value}`));
        break;
    }
  }
  return out;
}
