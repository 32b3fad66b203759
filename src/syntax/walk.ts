// The one walk over the source's expressions (the AST, before checking): each name, rail and
// call in reading order. The checker uses it to find what an expression mentions.
//
//   forEachName(parse("k * X.p + f(h)"), (n) => ...)   visits k, X.p (a rail), f's argument h

import type { Expr } from "./ast.js";

/** Visit every `name` and `rail` node of an expression, left to right. */
export function forEachName(e: Expr, visit: (n: Extract<Expr, { kind: "name" | "rail" }>) => void): void {
  switch (e.kind) {
    case "name":
    case "rail":
      return visit(e);
    case "neg":
      return forEachName(e.operand, visit);
    case "bin":
      forEachName(e.left, visit);
      return forEachName(e.right, visit);
    case "call":
      for (const a of e.args) forEachName(a.value, visit);
      return;
    case "num":
      return;
  }
}
