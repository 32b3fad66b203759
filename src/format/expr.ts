// Expressions → Doc. The AST has no parentheses and parsed numbers, so both come back from the
// tokens: a number prints as written (`1e-3` stays `1e-3`), and each pair of parentheses the user
// wrote around a sub-expression is kept. Binary operators get one space each side, unary minus
// none; a long expression breaks after its operators.
//
//   (a+b)*2e-3   →   (a + b) * 2e-3        -x^2  →  -x ^ 2        uniform( -1,1 )  →  uniform(-1, 1)

import type * as A from "../syntax/ast.js";
import type { Source } from "./source.js";
import { group, indent, line, softline, join, type Doc } from "./doc-utils.js";

interface Extent {
  first: number;
  last: number;
  parens: number;
}

export class ExprPrinter {
  private readonly extents = new Map<A.Expr, Extent>();
  constructor(private readonly src: Source) {}

  /** A whole expression (a value, an argument, a rate): breaks as one group. */
  top(e: A.Expr): Doc {
    return group(indent(this.expr(e)));
  }

  expr(e: A.Expr): Doc {
    let d = this.core(e);
    for (let i = this.extent(e).parens; i > 0; i--) d = group(["(", indent([softline, d]), softline, ")"]);
    return d;
  }

  private core(e: A.Expr): Doc {
    switch (e.kind) {
      case "num":
        return this.src.slice(e.span);
      case "name":
        return e.name;
      case "rail":
        return `${e.name}.${e.rail}`;
      case "call":
        return [e.callee, this.args(e.args)];
      case "neg":
        return ["-", this.expr(e.operand)];
      case "bin":
        return [this.expr(e.left), " ", e.op, line, this.expr(e.right)];
    }
  }

  /** `(a, h: 1)`, breaking one argument per line when too long. */
  args(args: A.Arg[]): Doc {
    if (args.length === 0) return "()";
    return group([
      "(",
      indent([
        softline,
        join(
          [",", line],
          args.map((a) => this.arg(a)),
        ),
      ]),
      softline,
      ")",
    ]);
  }

  arg(a: A.Arg): Doc {
    return a.name !== undefined ? [a.name, ": ", this.top(a.value)] : this.top(a.value);
  }

  /** Token range of `e` including the parentheses around it, and how many pairs there are. */
  extent(e: A.Expr): Extent {
    const known = this.extents.get(e);
    if (known) return known;
    let first: number;
    let last: number;
    switch (e.kind) {
      case "neg":
        first = this.src.tokenAt(e.span.start);
        last = this.extent(e.operand).last;
        break;
      case "bin":
        first = this.extent(e.left).first;
        last = this.extent(e.right).last;
        break;
      default:
        first = this.src.tokenAt(e.span.start);
        last = this.src.tokenEndingAt(e.span.end);
    }
    let parens = 0;
    if (first >= 0 && last >= 0)
      while (this.src.groups(first - 1, last + 1)) {
        first--;
        last++;
        parens++;
      }
    const ext = { first, last, parens };
    this.extents.set(e, ext);
    return ext;
  }
}
