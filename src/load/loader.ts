// Loads a .crnn file and, transitively, everything it imports: `std/x` from the bundled
// stdlib/ folder, quoted paths relative to the importing file. Detects import cycles and
// reports missing files at the import that names them.
//
//   import std/smooth_relu      →  <package>/stdlib/smooth_relu.crnn
//   import "lib/my_act.crnn"   →  <dir of this file>/lib/my_act.crnn

import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { MAX_SOURCE_CHARS, stripBom } from "../syntax/source-text.js";
import { dirname, resolve, relative, isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import type { FileAst, ImportDecl } from "../syntax/ast.js";
import { parseFile } from "../syntax/parse.js";
import { DiagnosticSink } from "../diagnostics/diagnostic.js";

/** The package's stdlib folder (two levels up from dist/load/ or src/load/). */
export const STDLIB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../stdlib");

export interface LoadedFile {
  path: string;
  /** The name shown in diagnostics: relative to the cwd for user files, `std/x.crnn` for stdlib. */
  display: string;
  ast: FileAst;
  /** Resolved files this one imports, in order. */
  imports: LoadedFile[];
}

export interface Program {
  root: LoadedFile;
  /** Modules the compiler wires in itself (std/backprop), loaded beside the root, not into its scope. */
  extras: Map<string, LoadedFile>;
  files: Map<string, LoadedFile>;
  /** Source text by display name, for code frames. */
  sources: Map<string, string>;
}

export interface SourceHost {
  readFile(path: string): string;
  exists(path: string): boolean;
}

export const fsHost: SourceHost = {
  readFile: (p) => {
    // Beyond this no source can be within MAX_SOURCE_CHARS (UTF-8 takes at most 4 bytes a character): do not read it at all.
    const size = statSync(p).size;
    if (size > 4 * MAX_SOURCE_CHARS) throw new Error(`it is ${(size / 1024 / 1024).toFixed(0)} MiB, larger than any source file (the limit is 8 MiB of text)`);
    return readFileSync(p, "utf8");
  },
  exists: (p) => existsSync(p) && statSync(p).isFile(),
};

export function displayName(path: string): string {
  const std = relative(STDLIB_DIR, path);
  if (!std.startsWith("..") && !isAbsolute(std)) return `std/${std}`;
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

export function resolveImport(imp: ImportDecl, fromPath: string): string {
  if (imp.std) return resolve(STDLIB_DIR, `${imp.path.slice(4)}.crnn`);
  return resolve(dirname(fromPath), imp.path);
}

/**
 * Load `entry` (already read as `text`, or read through `host`) with its imports. Parse errors of
 * every file go to `sink`; a file that fails to parse still loads, so all its errors are seen.
 */
export function loadProgram(entry: string, sink: DiagnosticSink, host: SourceHost = fsHost, text?: string, extraImports: string[] = []): Program {
  const files = new Map<string, LoadedFile>();
  const sources = new Map<string, string>();
  const stack: string[] = [];

  const load = (path: string, text: string): LoadedFile => {
    const src = stripBom(text);
    const display = displayName(path);
    sources.set(display, src);
    const before = sink.items.length;
    const ast = parseStd(path, src) ?? parseFile(src, display, sink);
    // A file with syntax errors is not followed into its imports: a broken import line would
    // only add a misleading "cannot find module".
    const broken = sink.items.slice(before).some((d) => d.severity === "error");
    const lf: LoadedFile = { path, display, ast, imports: [] };
    files.set(path, lf);
    stack.push(path);
    for (const item of broken ? [] : ast.items) {
      if (item.kind !== "import") continue;
      const target = resolveImport(item, path);
      if (stack.includes(target)) {
        const cycle = [...stack.slice(stack.indexOf(target)), target].map(displayName).join(" → ");
        sink.error("E0302", item.pathSpan, `import cycle: ${cycle}`, "move the shared definitions into a file that both can import");
        continue;
      }
      const done = files.get(target);
      if (done) {
        lf.imports.push(done);
        continue;
      }
      // The stdlib ships with the package: always read from disk, whatever host serves user files.
      const h = item.std ? fsHost : host;
      if (!h.exists(target)) {
        const hint = item.std ? `the standard library has: ${stdModules().join(", ")}` : `looked for ${displayName(target)}`;
        sink.error("E0301", item.pathSpan, `cannot find module \`${item.path}\``, hint);
        continue;
      }
      let child: string;
      try {
        child = h.readFile(target);
      } catch (e) {
        sink.error("E0303", item.pathSpan, `cannot read \`${item.path}\`: ${(e as Error).message}`);
        continue;
      }
      lf.imports.push(load(target, child));
    }
    stack.pop();
    return lf;
  };

  const root = load(entry, text ?? host.readFile(entry));
  const extras = new Map<string, LoadedFile>();
  for (const std of extraImports) {
    const target = resolve(STDLIB_DIR, `${std.replace(/^std\//, "")}.crnn`);
    extras.set(std, files.get(target) ?? load(target, fsHost.readFile(target)));
  }
  return { root, extras, files, sources };
}

// The stdlib ships with the package and every compile imports it: its files are parsed once per
// process and their ASTs shared (frozen, so a stage that mutated one would throw in the tests
// instead of leaking into the next compile). A changed text (a developer editing stdlib/) is
// parsed afresh; a file with parse errors is never cached, so its diagnostics are always reported.
const stdAsts = new Map<string, { text: string; ast: FileAst }>();
function parseStd(path: string, text: string): FileAst | undefined {
  const hit = stdAsts.get(path);
  if (hit?.text === text) return hit.ast;
  const display = displayName(path);
  if (!display.startsWith("std/")) return undefined;
  let ast = prebuiltStd(display, text);
  if (!ast) {
    const probe = new DiagnosticSink();
    ast = parseFile(text, display, probe);
    if (probe.items.length) return undefined;
  }
  stdAsts.set(path, { text, ast: deepFreeze(ast) });
  return ast;
}

/**
 * The bundled CLI (scripts/bundle.mjs) ships the stdlib's ASTs as its build parsed them, in a
 * JSON file beside the bundle whose name it defines as CRNNC_STDLIB_ASTS: a command then parses
 * only the user's files (parsing the stdlib was ~20 ms of every start, the parser's code still
 * cold). Used only for the very text it was built from; anywhere else (the library, the tests)
 * the name is not defined and the stdlib is parsed.
 */
declare const CRNNC_STDLIB_ASTS: string | undefined;
let prebuilt: Record<string, { text: string; ast: string }> | null | undefined;
function prebuiltStd(display: string, text: string): FileAst | undefined {
  if (typeof CRNNC_STDLIB_ASTS !== "string") return undefined;
  if (prebuilt === undefined) {
    try {
      prebuilt = JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), CRNNC_STDLIB_ASTS), "utf8")) as typeof prebuilt;
    } catch {
      prebuilt = null; // not there (a bundle copied without it): parse
    }
  }
  const hit = prebuilt?.[display];
  return hit?.text === text ? reviveAst(hit.ast) : undefined;
}

/**
 * The stdlib's ASTs as scripts/bundle.mjs ships them beside the bundled CLI (see prebuiltStd):
 * `{"std/x.crnn": {text, ast}}` as JSON, each AST as `serializeAst` writes it; files with errors
 * are left out (they are parsed, and reported, when a program imports them).
 */
export function stdlibAstsJson(): string {
  const out: Record<string, { text: string; ast: string }> = {};
  for (const f of readdirSync(STDLIB_DIR)
    .filter((f) => f.endsWith(".crnn"))
    .sort()) {
    const display = `std/${f}`;
    const text = stripBom(readFileSync(resolve(STDLIB_DIR, f), "utf8"));
    const sink = new DiagnosticSink();
    const ast = parseFile(text, display, sink);
    if (sink.items.length) continue;
    const json = serializeAst(ast);
    if (!isDeepStrictEqual(reviveAst(json), ast)) throw new Error(`the AST of ${display} does not survive JSON`);
    out[display] = { text, ast: json };
  }
  return JSON.stringify(out);
}

/** JSON has no `undefined`: an AST's absent optional fields (`rail: undefined`, …) travel as this string. */
const UNDEFINED_IN_JSON = "\u0000undefined";

/** An AST as JSON text that `reviveAst` turns back into an equal AST, `undefined` fields included. */
export function serializeAst(ast: FileAst): string {
  return JSON.stringify(ast, (_k, v: unknown) => (v === undefined ? UNDEFINED_IN_JSON : v));
}

/** The AST `serializeAst` wrote, frozen (as the loader shares the stdlib's). */
export function reviveAst(json: string): FileAst {
  const fix = (x: unknown): void => {
    if (!x || typeof x !== "object") return;
    const o = x as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (o[k] === UNDEFINED_IN_JSON) o[k] = undefined;
      else fix(o[k]);
    }
    Object.freeze(o);
  };
  const ast = JSON.parse(json) as FileAst;
  fix(ast);
  return ast;
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object" && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

let stdList: string[] | undefined;
export function stdModules(): string[] {
  stdList ??= existsSync(STDLIB_DIR)
    ? readdirSync(STDLIB_DIR)
        .filter((f) => f.endsWith(".crnn"))
        .map((f) => `std/${f.slice(0, -5)}`)
        .sort()
    : [];
  return stdList;
}
