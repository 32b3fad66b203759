// The symbol index of a loaded program: every place a name is declared or used, in every file
// the program read (the stdlib included), each tied to the symbol it means. Names resolve as
// the checker resolves them (check/scope.ts: file scope with direct imports, activation scope,
// module scope with species parameters, locals and rates); a crn block's species are declared by
// their first use. Definition, references, rename, hover and semantic tokens all read this.
//
//   network n { dense 3 smooth_relu(h: 1) }   →  `smooth_relu` a use of std/smooth_relu.crnn's
//                                                 activation, `h` a use of its parameter `h`

import type * as A from "../syntax/ast.js";
import { buildFileScopes, activationScope, Scope, defSpan, type Def } from "../check/scope.js";
import { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { resolveImport, type LoadedFile, type Program } from "../load/loader.js";
import { BUILTIN_DATASETS } from "../data/registry.js";
import { forEachName } from "../syntax/walk.js";

export type SymKind = "module" | "activation" | "rate" | "const" | "catalyst" | "param" | "species" | "arg" | "network" | "crn" | "dataset" | "file";

export interface Sym {
  /** Unique: the file and offset of the declaration's name (`dataset:xor`, `file:PATH` otherwise). */
  id: string;
  name: string;
  kind: SymKind;
  /** The declaring name's span, when the symbol is declared in a source. */
  decl?: A.Span;
  doc?: string;
  /** What declares it: `module \`edge\`` of `activation \`smooth_relu\``, … */
  container?: string;
  /** The declaration, for hovers: a value's expression, a template's header. */
  node?: A.ValueDecl | A.NumParam | A.ModuleDecl | A.ActivationDecl | A.CrnDecl | A.NetworkDecl;
  /** A species: dual, local, parameter index, the module it belongs to. */
  species?: { dual: boolean; local: boolean; index?: number; module?: A.ModuleDecl; activation?: A.ActivationDecl; crn?: string };
  /** An imported file's path. */
  path?: string;
}

export interface Occurrence {
  span: A.Span;
  sym: Sym;
  /** The declaration itself (not a use). */
  decl: boolean;
}

export interface SymbolIndex {
  /** By file display name, in source order. */
  byFile: Map<string, Occurrence[]>;
  /** The file-level scopes, for completion. */
  scopes: Map<LoadedFile, Scope>;
}

const key = (s: A.Span) => `${s.file}:${s.start}`;

export function indexProgram(program: Program): SymbolIndex {
  // Scopes report duplicates; the checker has reported them already.
  const sink = new DiagnosticSink();
  const scopes = buildFileScopes(program.files.values(), sink);
  const syms = new Map<string, Sym>();
  const byFile = new Map<string, Occurrence[]>();

  const add = (span: A.Span, sym: Sym, decl = false) => {
    if (!span || span.end <= span.start) return;
    let list = byFile.get(span.file);
    if (!list) byFile.set(span.file, (list = []));
    list.push({ span, sym, decl });
  };
  const intern = (s: Sym): Sym => {
    const had = syms.get(s.id);
    if (had) return had;
    syms.set(s.id, s);
    return s;
  };

  const valueSym = (d: A.ValueDecl, container: string) =>
    intern({ id: key(d.nameSpan), name: d.name, kind: d.kind, decl: d.nameSpan, doc: d.doc, container, node: d });
  const paramSym = (p: A.NumParam, a: A.ActivationDecl) =>
    intern({ id: key(p.nameSpan), name: p.name, kind: "param", decl: p.nameSpan, container: `activation \`${a.name}\``, node: p });
  const moduleSym = (m: A.ModuleDecl, container: string) =>
    intern({ id: key(m.nameSpan), name: m.name, kind: "module", decl: m.nameSpan, doc: m.doc, container, node: m });

  /** The symbol a checker definition stands for. */
  const fromDef = (d: Def, container: string): Sym | undefined => {
    switch (d.kind) {
      case "const":
      case "rate":
      case "catalyst":
        return valueSym(d.decl, container);
      case "param":
        return intern({ id: key(d.decl.nameSpan), name: d.decl.name, kind: "param", decl: d.decl.nameSpan, container, node: d.decl });
      case "module":
        return moduleSym(d.decl, container);
      case "activation":
        return intern({ id: key(d.decl.nameSpan), name: d.decl.name, kind: "activation", decl: d.decl.nameSpan, doc: d.decl.doc, container, node: d.decl });
      case "crn":
      case "network":
        return intern({ id: key(d.decl.nameSpan), name: d.decl.name, kind: d.kind, decl: d.decl.nameSpan, doc: d.decl.doc, container, node: d.decl });
      case "species":
      case "arg":
        return syms.get(key(defSpan(d)));
      case "train":
        return undefined;
    }
  };
  /** Containers of file-level definitions: the file's display name. */
  const resolve = (scope: Scope, name: string): Sym | undefined => {
    const d = scope.lookup(name);
    return d ? fromDef(d, d.scope.label) : undefined;
  };

  /** Names in an expression; `species` handles names the scope does not know (a crn's species in a rate law). */
  const expr = (e: A.Expr, scope: Scope, species?: (name: string, span: A.Span) => Sym | undefined) =>
    forEachName(e, (n) => {
      const span = n.kind === "rail" ? { ...n.span, end: n.span.start + n.name.length, endCol: n.span.col + n.name.length - 1 } : n.span;
      const s = resolve(scope, n.name) ?? species?.(n.name, span);
      if (s) add(span, s);
    });

  /** A module's or crn block's body. */
  const body = (
    stmts: (A.Statement | A.InitDecl)[],
    scope: Scope,
    label: string,
    owner: { module?: A.ModuleDecl; activation?: A.ActivationDecl; crn?: string },
  ) => {
    for (const st of stmts) {
      if (st.kind === "local")
        for (const n of st.names) {
          const sym = intern({
            id: key(n.span),
            name: n.name,
            kind: "species",
            decl: n.span,
            container: label,
            species: { dual: false, local: true, ...owner },
          });
          if (!scope.defs.has(n.name))
            scope.define(n.name, n.span, (s) => ({ kind: "species", name: n.name, span: n.span, dual: false, local: true, scope: s }));
          add(n.span, sym, true);
        }
      else if (st.kind === "rate" || st.kind === "const") {
        scope.define(st.name, st.nameSpan, (s) => ({ kind: st.kind as "rate" | "const", decl: st, scope: s }));
        add(st.nameSpan, valueSym(st, label), true);
      }
    }
    // A crn block's species: declared where first written.
    const crnSpecies = new Map<string, Sym>();
    const speciesOf = owner.crn
      ? (name: string, span: A.Span) => {
          let s = crnSpecies.get(name);
          if (!s)
            crnSpecies.set(
              name,
              (s = intern({ id: key(span), name, kind: "species", decl: span, container: label, species: { dual: false, local: false, ...owner } })),
            );
          return s;
        }
      : undefined;
    const ref = (r: A.SpeciesRef) => {
      const s = resolve(scope, r.name) ?? speciesOf?.(r.name, r.nameSpan);
      if (s) add(r.nameSpan, s, s.decl === r.nameSpan);
      if (s?.species && r.rail !== undefined) s.species.dual = true;
    };
    for (const st of stmts) {
      switch (st.kind) {
        case "reaction":
          for (const t of [...st.reactants, ...st.products]) if (t.species) ref(t.species);
          if (st.rate) expr(st.rate.expr, scope, st.rate.kind === "law" ? speciesOf : undefined);
          break;
        case "call": {
          const callee = scope.lookup(st.callee);
          const cs = callee ? fromDef(callee, callee.scope.label) : undefined;
          if (cs) add(st.calleeSpan, cs);
          for (const a of st.args) {
            if (a.name && a.nameSpan && callee?.kind === "module") {
              const rate = callee.decl.body.find((b): b is A.ValueDecl => b.kind === "rate" && b.name === a.name);
              if (rate) add(a.nameSpan, valueSym(rate, `module \`${callee.decl.name}\``));
            }
            if (!a.name && (a.value.kind === "name" || a.value.kind === "rail") && !scope.lookup(a.value.name) && speciesOf) {
              const n = a.value;
              ref({
                name: n.name,
                nameSpan: { ...n.span, end: n.span.start + n.name.length, endCol: n.span.col + n.name.length - 1 },
                span: n.span,
                ...(n.kind === "rail" ? { rail: n.rail } : {}),
              });
            } else expr(a.value, scope);
          }
          break;
        }
        case "rate":
        case "const":
          expr(st.value, scope);
          break;
        case "require":
          expr(st.cond, scope);
          break;
        case "init":
          for (const a of st.assigns) {
            ref(a.species);
            expr(a.value, scope);
          }
          break;
        default:
          break;
      }
    }
  };

  const moduleBody = (m: A.ModuleDecl, parent: Scope, container: string, activation?: A.ActivationDecl) => {
    add(m.nameSpan, moduleSym(m, container), true);
    const label = `module \`${m.name}\``;
    const scope = new Scope(label, parent, sink);
    m.params.forEach((p, i) => {
      const sym = intern({
        id: key(p.span),
        name: p.name,
        kind: "species",
        decl: p.span,
        container: label,
        species: { dual: p.dual, local: false, index: i, module: m, ...(activation ? { activation } : {}) },
      });
      scope.define(p.name, p.span, (s) => ({ kind: "species", name: p.name, span: p.span, dual: p.dual, local: false, scope: s, index: i }));
      add(p.span, sym, true);
    });
    body(m.body, scope, label, { module: m, ...(activation ? { activation } : {}) });
  };

  for (const file of program.files.values()) {
    const fileScope = scopes.get(file)!;
    const label = file.display;
    for (const item of file.ast.items) {
      switch (item.kind) {
        case "import": {
          const path = resolveImport(item, file.path);
          const target = program.files.get(path);
          if (target) add(item.pathSpan, intern({ id: `file:${path}`, name: item.path, kind: "file", path }));
          break;
        }
        case "const":
        case "rate":
        case "catalyst":
          add(item.nameSpan, valueSym(item, label), true);
          expr(item.value, fileScope);
          break;
        case "module":
          moduleBody(item, fileScope, label);
          break;
        case "activation": {
          const def = fileScope.defs.get(item.name);
          const d = def?.kind === "activation" && def.decl === item ? def : { kind: "activation" as const, decl: item, scope: fileScope, qualified: item.name };
          const as = activationScope(d, sink);
          add(item.nameSpan, fromDef(d, label)!, true);
          const aLabel = `activation \`${item.name}\``;
          for (const p of item.params) {
            add(p.nameSpan, paramSym(p, item), true);
            expr(p.value, as);
          }
          for (const m of item.members) {
            if (m.kind === "module") moduleBody(m, as, aLabel, item);
            else if (m.kind === "require") expr(m.cond, as);
            else if (m.kind === "closed") {
              const cs = new Scope("closed form", as, sink);
              const arg = intern({ id: key(m.arg.span), name: m.arg.name, kind: "arg", decl: m.arg.span, container: `the closed form of \`${item.name}\`` });
              cs.define(m.arg.name, m.arg.span, (s) => ({ kind: "arg", name: m.arg.name, span: m.arg.span, index: 0, scope: s }));
              add(m.arg.span, arg, true);
              expr(m.value, cs);
            } else {
              add(m.nameSpan, valueSym(m, aLabel), true);
              expr(m.value, as);
            }
          }
          break;
        }
        case "crn": {
          add(
            item.nameSpan,
            intern({ id: key(item.nameSpan), name: item.name, kind: "crn", decl: item.nameSpan, doc: item.doc, container: label, node: item }),
            true,
          );
          const cLabel = `crn \`${item.name}\``;
          body(item.members, new Scope(cLabel, fileScope, sink), cLabel, { crn: item.name });
          break;
        }
        case "network": {
          add(
            item.nameSpan,
            intern({ id: key(item.nameSpan), name: item.name, kind: "network", decl: item.nameSpan, doc: item.doc, container: label, node: item }),
            true,
          );
          const acts: A.ActivationDecl[] = [];
          for (const m of item.members) {
            if (m.kind === "input") expr(m.size, fileScope);
            else if (m.kind === "dense") {
              expr(m.size, fileScope);
              const d = fileScope.lookup(m.activation);
              if (d?.kind === "activation") {
                acts.push(d.decl);
                add(m.activationSpan, fromDef(d, d.scope.label)!);
                m.args.forEach((a) => {
                  const p = a.name ? d.decl.params.find((q) => q.name === a.name) : undefined;
                  if (p && a.nameSpan) add(a.nameSpan, paramSym(p, d.decl));
                  expr(a.value, fileScope);
                });
              } else for (const a of m.args) expr(a.value, fileScope);
            } else if (m.kind === "rate") {
              // `rate k_div = 20` sets, by name, the rate constant of the templates the layers use.
              const target = acts.flatMap((a) => a.members).find((x): x is A.ValueDecl => x.kind === "rate" && x.name === m.name);
              const owner = target && acts.find((a) => a.members.includes(target));
              if (target && owner) add(m.nameSpan, valueSym(target, `activation \`${owner.name}\``));
              expr(m.value, fileScope);
            } else expr(m.value, fileScope);
          }
          break;
        }
        case "train": {
          const net = resolve(fileScope, item.network);
          if (net) add(item.networkSpan, net);
          if (item.dataset.kind === "name" && BUILTIN_DATASETS[item.dataset.value])
            add(item.dataset.span, intern({ id: `dataset:${item.dataset.value}`, name: item.dataset.value, kind: "dataset" }));
          for (const s of [...item.settings, ...(item.noise?.settings ?? [])]) if (s.value) expr(s.value, fileScope);
          break;
        }
      }
    }
  }
  for (const list of byFile.values()) list.sort((a, b) => a.span.start - b.span.start);
  return { byFile, scopes };
}

/** The occurrence at `offset` of `file` (a name's span includes its end, for a cursor right after it). */
export function occurrenceAt(index: SymbolIndex, file: string, offset: number): Occurrence | undefined {
  const list = index.byFile.get(file) ?? [];
  let best: Occurrence | undefined;
  for (const o of list) {
    if (o.span.start > offset) break;
    if (offset <= o.span.end) best = o;
  }
  return best;
}
