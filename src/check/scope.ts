// Name scopes. A file sees its own top-level definitions and those of the files it imports
// directly (not transitively); an activation adds its parameters, rates, constants, catalysts
// and modules; a module adds its species parameters, locals, rates and constants.
// Duplicate definitions within one scope are reported here (E0102).
//
//   import std/arith          // brings mul, div, ... into this file
//   module sq(Y, X) { mul(Y, X, X) }

import type * as A from "../syntax/ast.js";
import type { LoadedFile } from "../load/loader.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";

export type Def =
  | { kind: "const" | "rate" | "catalyst"; decl: A.ValueDecl; scope: Scope }
  | { kind: "param"; decl: A.NumParam; scope: Scope }
  | { kind: "module"; decl: A.ModuleDecl; scope: Scope; qualified: string }
  | { kind: "activation"; decl: A.ActivationDecl; scope: Scope; qualified: string }
  | { kind: "crn"; decl: A.CrnDecl; scope: Scope }
  | { kind: "network"; decl: A.NetworkDecl; scope: Scope }
  | { kind: "train"; decl: A.TrainDecl; scope: Scope }
  | { kind: "species"; name: string; span: A.Span; dual: boolean; local: boolean; scope: Scope; index?: number }
  /** The argument of an activation's closed form (`z` in `closed(z) = ...`). */
  | { kind: "arg"; name: string; span: A.Span; index: number; scope: Scope };

export class Scope {
  readonly defs = new Map<string, Def>();
  readonly imports: Scope[] = [];

  constructor(
    readonly label: string,
    readonly parent: Scope | undefined,
    private readonly sink: DiagnosticSink,
  ) {}

  define(name: string, span: A.Span, make: (scope: Scope) => Def): void {
    if (name === "") return; // recovered parse: nothing to name
    const prev = this.defs.get(name);
    if (prev) {
      this.sink.error("E0102", span, `\`${name}\` is already defined in ${this.label}`, undefined, {
        related: [{ span: defSpan(prev), message: `first definition of \`${name}\`` }],
      });
      return;
    }
    this.defs.set(name, make(this));
  }

  /** Own definitions, then parents; at file level, then direct imports. */
  lookup(name: string): Def | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const d = s.defs.get(name);
      if (d) return d;
      for (const imp of s.imports) {
        const di = imp.defs.get(name);
        if (di) return di;
      }
    }
    return undefined;
  }

  /** Every name visible from here, for "did you mean" hints. */
  visible(filter: (d: Def) => boolean = () => true): string[] {
    const out = new Set<string>();
    for (let s: Scope | undefined = this; s; s = s.parent) {
      for (const [n, d] of s.defs) if (filter(d)) out.add(n);
      for (const imp of s.imports) for (const [n, d] of imp.defs) if (filter(d)) out.add(n);
    }
    return [...out];
  }
}

export function defSpan(d: Def): A.Span {
  switch (d.kind) {
    case "species":
    case "arg":
      return d.span;
    case "param":
    case "const":
    case "rate":
    case "catalyst":
    case "module":
    case "activation":
    case "crn":
    case "network":
      return d.decl.nameSpan;
    case "train":
      return d.decl.networkSpan;
  }
}

function moduleQualifier(file: LoadedFile): string {
  return file.display.replace(/\.crnn$/, "");
}

/** File scopes for every loaded file; each file's scope sees its direct imports. */
export function buildFileScopes(files: Iterable<LoadedFile>, sink: DiagnosticSink): Map<LoadedFile, Scope> {
  const scopes = new Map<LoadedFile, Scope>();
  for (const f of files) {
    const scope = new Scope(f.display, undefined, sink);
    const q = moduleQualifier(f);
    for (const item of f.ast.items) {
      switch (item.kind) {
        case "const":
        case "rate":
        case "catalyst":
          scope.define(item.name, item.nameSpan, (s) => ({ kind: item.kind as "const" | "rate", decl: item, scope: s }));
          break;
        case "module":
          scope.define(item.name, item.nameSpan, (s) => ({ kind: "module", decl: item, scope: s, qualified: `${q}.${item.name}` }));
          break;
        case "activation":
          scope.define(item.name, item.nameSpan, (s) => ({ kind: "activation", decl: item, scope: s, qualified: `${q}.${item.name}` }));
          break;
        case "crn":
          scope.define(item.name, item.nameSpan, (s) => ({ kind: "crn", decl: item, scope: s }));
          break;
        case "network":
          scope.define(item.name, item.nameSpan, (s) => ({ kind: "network", decl: item, scope: s }));
          break;
        case "train":
        case "import":
          break;
      }
    }
    scopes.set(f, scope);
  }
  for (const [f, scope] of scopes) for (const imp of f.imports) scope.imports.push(scopes.get(imp)!);
  return scopes;
}

/** The scope inside an activation: its numeric parameters, rates, constants, catalysts and modules. */
export function activationScope(def: Extract<Def, { kind: "activation" }>, sink: DiagnosticSink): Scope {
  const a = def.decl;
  const scope = new Scope(`activation \`${a.name}\``, def.scope, sink);
  for (const p of a.params) scope.define(p.name, p.nameSpan, (s) => ({ kind: "param", decl: p, scope: s }));
  for (const m of a.members) {
    if (m.kind === "module") scope.define(m.name, m.nameSpan, (s) => ({ kind: "module", decl: m, scope: s, qualified: `${def.qualified}.${m.name}` }));
    else if (m.kind !== "require" && m.kind !== "closed") scope.define(m.name, m.nameSpan, (s) => ({ kind: m.kind, decl: m, scope: s }) as Def);
  }
  return scope;
}
