// The AST of a file → one prettier Doc: every item and member printed canonically (see
// docs/language.md, "Formatting"), blocks with their members one per line, comments kept. Reads
// numbers, strings and parentheses from the source (via Source), so nothing is re-spelled.
//
//   crn c{init a=6,b=3  a->a+q@k}   →   crn c {
//                                         init a = 6, b = 3
//                                         a -> a + q @ k
//                                       }

import type * as A from "../syntax/ast.js";
import * as T from "../syntax/tokens.js";
import { Source } from "./source.js";
import { ExprPrinter } from "./expr.js";
import { layoutBody, commentText, type Laid } from "./body.js";
import { flat, group, indent, line, softline, hardline, join, fill, type Doc, type PrintOptions, DEFAULT_OPTIONS } from "./doc-utils.js";

/** The whole file as a Doc (ends with a newline unless the file is empty). */
export function printFile(ast: A.FileAst, text: string, opts: PrintOptions = DEFAULT_OPTIONS): Doc {
  return new Printer(new Source(text, ast), opts).file();
}

type Member = A.Item | A.Statement | A.InitDecl | A.InputDecl | A.DenseDecl | A.ModuleDecl | A.ValueDecl | A.RequireDecl | A.ClosedDecl;

class Printer {
  private readonly ex: ExprPrinter;
  constructor(
    private readonly src: Source,
    private readonly opts: PrintOptions,
  ) {
    this.ex = new ExprPrinter(src);
  }

  file(): Doc {
    const body = layoutBody(
      this.src,
      this.src.ast.items.map((it) => this.member(it, 0)),
      { start: 0, end: this.src.text.length, openLine: 0 },
      0,
      this.opts,
    );
    return body.empty ? "" : [body.doc, hardline];
  }

  // ---- members ---------------------------------------------------------------------------------

  private member(m: Member, depth: number): Laid {
    switch (m.kind) {
      case "import":
        return this.leaf(m, ["import ", this.src.tokens[this.src.tokenAt(m.pathSpan.start)]?.tokenType === T.StringLit ? this.src.slice(m.pathSpan) : m.path]);
      case "const":
      case "rate":
      case "catalyst":
        return this.leaf(m, group([m.kind, " ", m.name, " =", indent(line), this.ex.top(m.value)]));
      case "require": {
        const msg = m.message !== undefined ? this.src.lastToken(m.span.start, m.span.end) : undefined;
        // A string cannot break, and reads best right after its condition: it never wraps.
        // so the condition breaks only when it alone does not fit.
        const cond = this.ex.top(m.cond);
        const fits = depth * this.opts.tabWidth + "require ".length + flat(cond).length <= this.opts.printWidth;
        return this.leaf(m, ["require ", fits ? flat(cond) : cond, msg ? [" : ", msg.image] : ""]);
      }
      case "closed":
        return this.leaf(m, group(["closed(", m.arg.name, ") =", indent(line), this.ex.top(m.value)]));
      case "local":
        return this.leaf(
          m,
          group([
            "local ",
            indent(
              join(
                [",", line],
                m.names.map((n) => n.name),
              ),
            ),
          ]),
        );
      case "call":
        return this.leaf(m, [m.callee, this.ex.args(m.args)]);
      case "init":
        return this.leaf(
          m,
          group([
            "init ",
            indent(
              join(
                [",", line],
                m.assigns.map((a) => [this.species(a.species), " = ", this.ex.top(a.value)]),
              ),
            ),
          ]),
        );
      case "input":
        return this.leaf(m, ["input ", this.ex.top(m.size)]);
      case "dense": {
        const args = this.src.tokenAfter(m.activationSpan.start)?.tokenType === T.LParen ? this.ex.args(m.args) : "";
        const size = flat(this.ex.top(m.size));
        const act: Doc = [m.activation, args];
        return this.leaf(m, ["dense ", size, " ", act], { kind: "dense", cells: [`dense ${size}`, flat(act)] });
      }
      case "reaction":
        return this.reaction(m);
      case "module":
        return this.block(m, depth, this.moduleHeader(m), m.body);
      case "activation": {
        const hasParens = this.src.tokenAfter(m.nameSpan.start)?.tokenType === T.LParen;
        const params = hasParens ? this.list(m.params.map((p) => [p.name, " = ", this.ex.top(p.value)])) : "";
        return this.block(m, depth, ["activation ", m.name, params], m.members);
      }
      case "crn":
        return this.block(m, depth, ["crn ", m.name], m.members);
      case "network":
        return this.block(m, depth, ["network ", m.name], m.members);
      case "train": {
        const dataset = m.dataset.kind === "path" ? this.src.slice(m.dataset.span) : m.dataset.value;
        return this.trainBlock(m, depth, ["train ", m.network, " on ", dataset]);
      }
    }
  }

  /** A one-statement member: its doc, its flat text, its interior comments hoisted above it. */
  private leaf(m: { span: A.Span }, doc: Doc, align?: Laid["align"]): Laid {
    return { span: m.span, lead: this.src.commentsIn(m.span.start, m.span.end).map(commentText), flat: flat(doc), doc, align };
  }

  private moduleHeader(m: A.ModuleDecl): Doc {
    return ["module ", m.name, this.list(m.params.map((p) => (p.dual ? `dual ${p.name}` : p.name)))];
  }

  /** `(a, b, c)`, one per line when too long. */
  private list(items: Doc[]): Doc {
    if (items.length === 0) return "()";
    return group(["(", indent([softline, join([",", line], items)]), softline, ")"]);
  }

  // ---- reactions -------------------------------------------------------------------------------

  private reaction(r: A.Reaction): Laid {
    const lhs = r.reactants.map((t) => this.term(t));
    const rhs = r.products.map((t) => this.term(t));
    const rate = r.rate ? (r.rate.kind === "law" ? ["rate(", this.ex.top(r.rate.expr), ")"] : this.ex.top(r.rate.expr)) : undefined;
    // Broken: the products on the next line, indented; long sides wrap at `+`; the rate moves
    // to its own line when it does not fit after the products.
    const side = (terms: string[]) =>
      fill(
        join(
          line,
          terms.map((t, i) => (i < terms.length - 1 ? `${t} +` : t)),
        ),
      );
    const doc = group([indent(side(lhs)), " ->", indent([line, side(rhs), rate ? group(indent([line, "@ ", rate])) : ""])]);
    const cells = [lhs.join(" + "), rhs.join(" + "), ...(rate ? [flat(rate)] : [])];
    return { ...this.leaf(r, doc, { kind: "reaction", cells }), flat: `${cells[0]} -> ${cells[1]}${rate ? ` @ ${cells[2]}` : ""}` };
  }

  /** `2 X`, `W.p`, `0`: the coefficient as written, on the same line as its species. */
  private term(t: A.Term): string {
    const first = this.src.tokens[this.src.tokenAt(t.span.start)];
    const coeff = first?.tokenType === T.NumberLit ? first.image : undefined;
    if (!t.species) return coeff ?? String(t.coeff);
    return coeff !== undefined ? `${coeff} ${this.species(t.species)}` : this.species(t.species);
  }

  private species(s: A.SpeciesRef): string {
    return s.rail !== undefined ? `${s.name}.${s.rail}` : s.name;
  }

  // ---- blocks ----------------------------------------------------------------------------------

  /** `header {`, the members one per line, `}`. Comments in the header go above the block. */
  private block(m: { span: A.Span }, depth: number, header: Doc, members: Member[], extra: Laid[] = []): Laid {
    const lb = this.src.firstToken(m.span.start, m.span.end, T.LBrace);
    const rb = this.src.lastToken(m.span.start, m.span.end);
    const start = lb ? lb.startOffset + 1 : m.span.end;
    const end = rb?.tokenType === T.RBrace ? rb.startOffset : m.span.end;
    const laid = [...members.map((x) => this.member(x, depth + 1)), ...extra].sort((a, b) => a.span.start - b.span.start);
    const body = layoutBody(this.src, laid, { start, end, openLine: lb?.startLine ?? -1 }, (depth + 1) * this.opts.tabWidth, this.opts);
    const lead = this.src.commentsIn(m.span.start, start).map(commentText);
    const doc: Doc =
      body.empty && body.open === undefined
        ? [header, " {}"]
        : [header, " {", body.open !== undefined ? `  ${body.open}` : "", body.empty ? "" : indent([hardline, body.doc]), hardline, "}"];
    return { span: m.span, lead, doc };
  }

  private trainBlock(m: A.TrainDecl, depth: number, header: Doc): Laid {
    const settings = m.settings.map((s) => this.setting(s));
    for (const noise of [...(m.noise ? [m.noise] : []), ...(m.extraNoise ?? [])]) {
      const inner = noise.settings.map((s) => this.setting(s));
      settings.push(this.block({ span: noise.span }, depth + 1, "noise", [], inner));
    }
    return this.block(m, depth, header, [], settings);
  }

  /** `eta 0.002`, `init weights normal(0, 0.1)`, `evaluate every 100`, `on backward, nodes`. */
  private setting(s: A.Setting): Laid {
    const key = s.key === "init" && s.qualifier ? `init ${s.qualifier}` : s.key;
    const value: Doc = s.names
      ? join(
          ", ",
          s.names.map((n) => n.name),
        )
      : s.key === "evaluate"
        ? ["every ", this.value(s)]
        : this.value(s);
    return this.leaf(s, group([key, indent([line, value])]), { kind: "setting", cells: [key, flat(value)] });
  }

  private value(s: A.Setting): Doc {
    return s.value ? this.ex.top(s.value) : "";
  }
}
