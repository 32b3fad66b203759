// CST visitor that builds the typed AST. The parser recovers from errors, so a CST node may
// lack children: every accessor here tolerates that and yields a placeholder, because the AST of
// a file with syntax errors is only used for what parsed (never for code generation).
//
//   reaction CST { complex, Arrow, complex, At, rateSpec }  →  { kind: "reaction", ... }

import type { CstNode, CstElement, IToken, CstNodeLocation } from "chevrotain";
import { crnnParser } from "./parser.js";
import type * as A from "./ast.js";

type Ctx = Record<string, CstElement[] | undefined>;

const BaseVisitor = crnnParser.getBaseCstVisitorConstructor();

/** The span of one token. */
export function tokenSpan(file: string, t: IToken): A.Span {
  return {
    file,
    start: t.startOffset,
    end: (t.endOffset ?? t.startOffset) + 1,
    line: t.startLine ?? 1,
    col: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1,
    endCol: t.endColumn ?? t.startColumn ?? 1,
  };
}

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).image !== undefined;
}

export class AstBuilder extends BaseVisitor {
  constructor(private readonly fileName: string) {
    super();
    this.validateVisitor();
  }

  // ---- spans -------------------------------------------------------------------------------
  tokSpan(t: IToken | undefined): A.Span {
    if (!t || Number.isNaN(t.startOffset)) return this.nullSpan();
    return tokenSpan(this.fileName, t);
  }

  nodeSpan(n: CstNode | undefined): A.Span {
    const l: CstNodeLocation | undefined = n?.location;
    if (!l || Number.isNaN(l.startOffset)) return this.nullSpan();
    return {
      file: this.fileName,
      start: l.startOffset,
      end: (Number.isNaN(l.endOffset ?? NaN) ? l.startOffset : l.endOffset!) + 1,
      line: l.startLine ?? 1,
      col: l.startColumn ?? 1,
      endLine: l.endLine ?? l.startLine ?? 1,
      endCol: l.endColumn ?? l.startColumn ?? 1,
    };
  }

  join(a: A.Span, b: A.Span): A.Span {
    return { ...a, end: b.end, endLine: b.endLine, endCol: b.endCol };
  }

  nullSpan(): A.Span {
    return { file: this.fileName, start: 0, end: 0, line: 1, col: 1, endLine: 1, endCol: 1 };
  }

  // ---- child access ------------------------------------------------------------------------
  tok(ctx: Ctx, name: string, i = 0): IToken | undefined {
    const e = ctx[name]?.[i];
    return isToken(e) ? e : undefined;
  }

  toks(ctx: Ctx, name: string): IToken[] {
    return (ctx[name] ?? []).filter(isToken);
  }

  node(ctx: Ctx, name: string, i = 0): CstNode | undefined {
    const e = ctx[name]?.[i];
    return e !== undefined && !isToken(e) ? (e as CstNode) : undefined;
  }

  nodes(ctx: Ctx, name: string): CstNode[] {
    return (ctx[name] ?? []).filter((e): e is CstNode => !isToken(e));
  }

  name(t: IToken | undefined): A.Name {
    return { name: t?.image ?? "", span: this.tokSpan(t) };
  }

  ex(n: CstNode | undefined): A.Expr {
    if (!n) return { kind: "num", value: NaN, span: this.nullSpan() };
    return this.visit(n, { span: this.nodeSpan(n) }) as A.Expr;
  }

  // ---- rules -------------------------------------------------------------------------------
  file(ctx: Ctx): A.Item[] {
    return this.nodes(ctx, "item")
      .map((n) => this.visit(n) as A.Item | undefined)
      .filter((i): i is A.Item => i !== undefined);
  }

  item(ctx: Ctx): A.Item | undefined {
    const n = Object.values(ctx).flat()[0];
    return n && !isToken(n) ? (this.sub(n as CstNode) as A.Item) : undefined;
  }

  importDecl(ctx: Ctx, _p: unknown): A.ImportDecl {
    const kw = this.tok(ctx, "Import");
    const str = this.tok(ctx, "StringLit");
    if (str) {
      const span = this.tokSpan(str);
      return { kind: "import", path: unquote(str.image), std: false, pathSpan: span, span: this.join(this.tokSpan(kw), span) };
    }
    const mp = this.node(ctx, "modulePath");
    const parts = mp ? this.toks(mp.children as Ctx, "Ident").map((t) => t.image) : [];
    const pathSpan = this.nodeSpan(mp);
    return { kind: "import", path: parts.join("/"), std: parts[0] === "std", pathSpan, span: this.join(this.tokSpan(kw), pathSpan) };
  }

  modulePath(): undefined {
    return undefined;
  }

  valueDecl(kind: A.ValueDecl["kind"], ctx: Ctx, span: A.Span): A.ValueDecl {
    const id = this.name(this.tok(ctx, "Ident"));
    return { kind, name: id.name, nameSpan: id.span, value: this.ex(this.node(ctx, "expr")), span };
  }

  constDecl(ctx: Ctx, p: { span: A.Span }): A.ValueDecl {
    return this.valueDecl("const", ctx, p.span);
  }
  rateDecl(ctx: Ctx, p: { span: A.Span }): A.ValueDecl {
    return this.valueDecl("rate", ctx, p.span);
  }
  catalystDecl(ctx: Ctx, p: { span: A.Span }): A.ValueDecl {
    return this.valueDecl("catalyst", ctx, p.span);
  }

  requireDecl(ctx: Ctx, p: { span: A.Span }): A.RequireDecl {
    const msg = this.tok(ctx, "StringLit");
    return { kind: "require", cond: this.ex(this.node(ctx, "expr")), message: msg ? unquote(msg.image) : undefined, span: p.span };
  }

  moduleDecl(ctx: Ctx, p: { span: A.Span }): A.ModuleDecl {
    const id = this.name(this.tok(ctx, "Ident"));
    return {
      kind: "module",
      name: id.name,
      nameSpan: id.span,
      params: this.nodes(ctx, "param").map((n) => this.sub(n) as A.Param),
      body: this.nodes(ctx, "statement")
        .map((n) => this.sub(n) as A.Statement | undefined)
        .filter((st): st is A.Statement => st !== undefined),
      span: p.span,
    };
  }

  param(ctx: Ctx, p: { span: A.Span }): A.Param {
    return { name: this.tok(ctx, "Ident")?.image ?? "", dual: this.tok(ctx, "Dual") !== undefined, span: p.span };
  }

  activationDecl(ctx: Ctx, p: { span: A.Span }): A.ActivationDecl {
    const id = this.name(this.tok(ctx, "Ident"));
    const members = ["moduleDecl", "rateDecl", "constDecl", "catalystDecl", "requireDecl", "closedDecl"]
      .flatMap((k) => this.nodes(ctx, k))
      .sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0))
      .map((n) => this.sub(n) as A.ActivationDecl["members"][number]);
    return {
      kind: "activation",
      name: id.name,
      nameSpan: id.span,
      params: this.nodes(ctx, "numParam").map((n) => this.sub(n) as A.NumParam),
      members,
      span: p.span,
    };
  }

  closedDecl(ctx: Ctx, p: { span: A.Span }): A.ClosedDecl {
    // The `closed` keyword is an Ident too (soft); the argument is the Ident token after it.
    const ids = this.toks(ctx, "Ident").filter((t) => t.tokenType.name !== "Closed");
    return { kind: "closed", arg: this.name(ids[0]), value: this.ex(this.node(ctx, "expr")), span: p.span };
  }

  numParam(ctx: Ctx, p: { span: A.Span }): A.NumParam {
    const id = this.name(this.tok(ctx, "Ident"));
    return { name: id.name, nameSpan: id.span, value: this.ex(this.node(ctx, "expr")), span: p.span };
  }

  /** A statement node that recovery left empty yields nothing. */
  statement(ctx: Ctx): A.Statement | undefined {
    const n = Object.values(ctx).flat()[0];
    return n && !isToken(n) ? (this.sub(n) as A.Statement) : undefined;
  }

  localDecl(ctx: Ctx, p: { span: A.Span }): A.LocalDecl {
    return { kind: "local", names: this.toks(ctx, "Ident").map((t) => this.name(t)), span: p.span };
  }

  callStmt(ctx: Ctx, p: { span: A.Span }): A.CallStmt {
    const id = this.name(this.tok(ctx, "Ident"));
    return { kind: "call", callee: id.name, calleeSpan: id.span, args: this.nodes(ctx, "arg").map((n) => this.sub(n) as A.Arg), span: p.span };
  }

  reaction(ctx: Ctx, p: { span: A.Span }): A.Reaction {
    const [lhs, rhs] = this.nodes(ctx, "complex");
    const rate = this.node(ctx, "rateSpec");
    return {
      kind: "reaction",
      reactants: lhs ? (this.sub(lhs) as A.Term[]) : [],
      products: rhs ? (this.sub(rhs) as A.Term[]) : [],
      rate: rate ? (this.sub(rate) as A.RateSpec) : undefined,
      span: p.span,
    };
  }

  complex(ctx: Ctx): A.Term[] {
    return this.nodes(ctx, "term").map((n) => this.sub(n) as A.Term);
  }

  term(ctx: Ctx, p: { span: A.Span }): A.Term {
    const num = this.tok(ctx, "NumberLit");
    const ref = this.node(ctx, "speciesRef");
    return {
      coeff: num ? Number(num.image) : 1,
      species: ref ? (this.sub(ref) as A.SpeciesRef) : undefined,
      span: p.span,
    };
  }

  speciesRef(ctx: Ctx, p: { span: A.Span }): A.SpeciesRef {
    const [id, rail] = this.toks(ctx, "Ident");
    return {
      name: id?.image ?? "",
      rail: rail?.image,
      nameSpan: this.tokSpan(id),
      railSpan: rail ? this.tokSpan(rail) : undefined,
      span: p.span,
    };
  }

  rateSpec(ctx: Ctx, p: { span: A.Span }): A.RateSpec {
    return { kind: this.tok(ctx, "Rate") ? "law" : "mass", expr: this.ex(this.node(ctx, "expr")), span: p.span };
  }

  crnDecl(ctx: Ctx, p: { span: A.Span }): A.CrnDecl {
    const id = this.name(this.tok(ctx, "Ident"));
    const members = [...this.nodes(ctx, "initDecl"), ...this.nodes(ctx, "statement")]
      .sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0))
      .map((n) => this.sub(n) as A.Statement | A.InitDecl | undefined)
      .filter((m): m is A.Statement | A.InitDecl => m !== undefined);
    return { kind: "crn", name: id.name, nameSpan: id.span, members, span: p.span };
  }

  initDecl(ctx: Ctx, p: { span: A.Span }): A.InitDecl {
    return { kind: "init", assigns: this.nodes(ctx, "initAssign").map((n) => this.sub(n) as A.InitAssign), span: p.span };
  }

  initAssign(ctx: Ctx, p: { span: A.Span }): A.InitAssign {
    const ref = this.node(ctx, "speciesRef");
    return {
      species: ref ? (this.sub(ref) as A.SpeciesRef) : { name: "", nameSpan: p.span, span: p.span },
      value: this.ex(this.node(ctx, "expr")),
      span: p.span,
    };
  }

  networkDecl(ctx: Ctx, p: { span: A.Span }): A.NetworkDecl {
    const id = this.name(this.tok(ctx, "Ident"));
    const members = ["inputDecl", "denseDecl", "rateDecl", "constDecl"]
      .flatMap((k) => this.nodes(ctx, k))
      .sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0))
      .map((n) => this.sub(n) as A.InputDecl | A.DenseDecl | A.ValueDecl);
    return { kind: "network", name: id.name, nameSpan: id.span, members, span: p.span };
  }

  inputDecl(ctx: Ctx, p: { span: A.Span }): A.InputDecl {
    return { kind: "input", size: this.ex(this.node(ctx, "expr")), span: p.span };
  }

  denseDecl(ctx: Ctx, p: { span: A.Span }): A.DenseDecl {
    const id = this.name(this.tok(ctx, "Ident"));
    return {
      kind: "dense",
      size: this.ex(this.node(ctx, "expr")),
      activation: id.name,
      activationSpan: id.span,
      args: this.nodes(ctx, "arg").map((n) => this.sub(n) as A.Arg),
      span: p.span,
    };
  }

  trainDecl(ctx: Ctx, p: { span: A.Span }): A.TrainDecl {
    const [net, ds] = this.toks(ctx, "Ident");
    const str = this.tok(ctx, "StringLit");
    const dataset = str
      ? { kind: "path" as const, value: unquote(str.image), span: this.tokSpan(str) }
      : { kind: "name" as const, value: ds?.image ?? "", span: this.tokSpan(ds) };
    const settings = ["valueSetting", "evaluateSetting", "initSetting", "listSetting"]
      .flatMap((k) => this.nodes(ctx, k))
      .sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0))
      .map((n) => this.sub(n) as A.Setting);
    const [noiseNode, ...moreNoise] = this.nodes(ctx, "noiseBlock");
    return {
      kind: "train",
      network: net?.image ?? "",
      networkSpan: this.tokSpan(net),
      dataset,
      settings,
      noise: noiseNode ? (this.sub(noiseNode) as A.NoiseBlock) : undefined,
      ...(moreNoise.length ? { extraNoise: moreNoise.map((n) => this.sub(n) as A.NoiseBlock) } : {}),
      span: p.span,
    };
  }

  /** The first token of a setting is its key, whatever token type it lexed as. */
  keyed(ctx: Ctx, span: A.Span, rest: Partial<A.Setting>): A.Setting {
    const first = Object.values(ctx)
      .flat()
      .filter(isToken)
      .sort((a, b) => a.startOffset - b.startOffset)[0];
    return { key: first?.image ?? "", keySpan: this.tokSpan(first), span, ...rest };
  }

  valueSetting(ctx: Ctx, p: { span: A.Span }): A.Setting {
    return this.keyed(ctx, p.span, { value: this.ex(this.node(ctx, "expr")) });
  }

  evaluateSetting(ctx: Ctx, p: { span: A.Span }): A.Setting {
    return this.keyed(ctx, p.span, { value: this.ex(this.node(ctx, "expr")) });
  }

  initSetting(ctx: Ctx, p: { span: A.Span }): A.Setting {
    const q = this.tok(ctx, "Weights") ?? this.tok(ctx, "Biases");
    return this.keyed(ctx, p.span, { value: this.ex(this.node(ctx, "expr")), qualifier: q?.image });
  }

  listSetting(ctx: Ctx, p: { span: A.Span }): A.Setting {
    const list = this.node(ctx, "nameList");
    return this.keyed(ctx, p.span, { names: list ? (this.sub(list) as A.Name[]) : [] });
  }

  noiseBlock(ctx: Ctx, p: { span: A.Span }): A.NoiseBlock {
    const settings = this.nodes(ctx, "noiseSetting").map((n) => this.sub(n) as A.Setting);
    const ons = this.toks(ctx, "On");
    this.nodes(ctx, "nameList").forEach((list, i) => {
      const names = this.sub(list) as A.Name[];
      const on = ons[i];
      const keySpan = this.tokSpan(on);
      settings.push({ key: "on", keySpan, names, span: names.length ? this.join(keySpan, names[names.length - 1]!.span) : keySpan });
    });
    settings.sort((a, b) => a.span.start - b.span.start);
    return { settings, span: p.span, keySpan: this.tokSpan(this.tok(ctx, "Noise")) };
  }

  noiseSetting(ctx: Ctx, p: { span: A.Span }): A.Setting {
    return this.keyed(ctx, p.span, { value: this.ex(this.node(ctx, "expr")) });
  }

  nameList(ctx: Ctx): A.Name[] {
    return this.toks(ctx, "Ident").map((t) => this.name(t));
  }

  arg(ctx: Ctx, p: { span: A.Span }): A.Arg {
    const id = this.tok(ctx, "Ident");
    return { name: id?.image, nameSpan: id ? this.tokSpan(id) : undefined, value: this.ex(this.node(ctx, "expr")), span: p.span };
  }

  // ---- expressions -------------------------------------------------------------------------
  binaryChain(ctx: Ctx, operand: string, ops: string[], span: A.Span): A.Expr {
    const operands = this.nodes(ctx, operand).map((n) => this.ex(n));
    const opToks = ops.flatMap((o) => this.toks(ctx, o)).sort((a, b) => a.startOffset - b.startOffset);
    let acc = operands[0] ?? { kind: "num", value: NaN, span };
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i]!;
      acc = { kind: "bin", op: (opToks[i - 1]?.image ?? "+") as A.BinaryOp, left: acc, right, span: this.join(acc.span, right.span) };
    }
    return acc;
  }

  expr(ctx: Ctx, p: { span: A.Span }): A.Expr {
    const [left, right] = this.nodes(ctx, "additive").map((n) => this.ex(n));
    const op = ["Lt", "Le", "Gt", "Ge", "EqEq"].map((k) => this.tok(ctx, k)).find((t) => t !== undefined);
    if (!left) return { kind: "num", value: NaN, span: p.span };
    if (!op || !right) return left;
    return { kind: "bin", op: op.image as A.BinaryOp, left, right, span: p.span };
  }

  additive(ctx: Ctx, p: { span: A.Span }): A.Expr {
    return this.binaryChain(ctx, "multiplicative", ["Plus", "Minus"], p.span);
  }

  multiplicative(ctx: Ctx, p: { span: A.Span }): A.Expr {
    return this.binaryChain(ctx, "unary", ["Star", "Slash"], p.span);
  }

  unary(ctx: Ctx, p: { span: A.Span }): A.Expr {
    const inner = this.node(ctx, "unary");
    if (this.tok(ctx, "Minus")) return { kind: "neg", operand: this.ex(inner), span: p.span };
    return this.ex(this.node(ctx, "power"));
  }

  power(ctx: Ctx, p: { span: A.Span }): A.Expr {
    const base = this.ex(this.node(ctx, "primary"));
    const exp = this.node(ctx, "unary");
    return exp ? { kind: "bin", op: "^", left: base, right: this.ex(exp), span: p.span } : base;
  }

  primary(ctx: Ctx, p: { span: A.Span }): A.Expr {
    const num = this.tok(ctx, "NumberLit");
    if (num) return { kind: "num", value: Number(num.image), span: p.span };
    const inner = this.node(ctx, "expr");
    if (inner) return this.ex(inner);
    const [id, rail] = this.toks(ctx, "Ident");
    if (rail) return { kind: "rail", name: id?.image ?? "", rail: rail.image, span: p.span, railSpan: this.tokSpan(rail) };
    if (this.tok(ctx, "LParen"))
      return {
        kind: "call",
        callee: id?.image ?? "",
        calleeSpan: this.tokSpan(id),
        args: this.nodes(ctx, "arg").map((n) => this.sub(n) as A.Arg),
        span: p.span,
      };
    return { kind: "name", name: id?.image ?? "", span: p.span };
  }

  /** Visit a child node, handing it its own span. */
  sub(n: CstNode): unknown {
    return this.visit(n, { span: this.nodeSpan(n) });
  }
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, "$1");
}
