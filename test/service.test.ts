// The language service in-process, as a browser playground uses it: user files served by an
// in-memory host (no file system of the service's own), answers as plain data. Hover on species
// and rate constants, references across files, quick fixes, the outline, and that an edit
// re-checks only the documents that read the changed file.

import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "./helpers.js";
import { LanguageService, type Position } from "../src/service/service.js";
import type { SourceHost } from "../src/load/loader.js";

/** Files in memory; reads are counted. */
function memoryHost(files: Record<string, string>): SourceHost & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile: (p) => {
      reads.push(p);
      const t = files[p];
      if (t === undefined) throw new Error(`no file ${p}`);
      return t;
    },
    exists: (p) => p in files,
  };
}

function pos(text: string, needle: string, n = 0, delta = 0): Position {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, at + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

const LIB = `/// Adds A's value to Z, catalytically.
module add(Z, A) {
  rate k = 2
  A -> A + Z @ k
  Z -> 0     @ k
}
`;
const MAIN = `import "lib.crnn"

crn c {
  rate kf = 3
  init A = 1.5
  add(B, A)
  B -> 0 @ kf
}
`;

describe("LanguageService", () => {
  it("reads imported files through its host and answers about them", () => {
    const host = memoryHost({ "/p/lib.crnn": LIB });
    const ls = new LanguageService(host);
    ls.open("/p/main.crnn", MAIN, 1);
    expect(ls.diagnostics("/p/main.crnn")).toEqual([]);
    expect(host.reads).toEqual(["/p/lib.crnn"]);
    // A module's doc and signature, and the definition in the other file.
    const h = ls.hover("/p/main.crnn", pos(MAIN, "add(", 0, 1))!;
    expect(h.contents).toContain("module add(Z, A)");
    expect(h.contents).toContain("Adds A's value to Z, catalytically.");
    expect(ls.definition("/p/main.crnn", pos(MAIN, "add("))).toEqual([{ path: "/p/lib.crnn", range: { start: pos(LIB, "add"), end: pos(LIB, "add", 0, 3) } }]);
  });

  it("hovers a crn species with its initial value, a rate constant with its value and where it is bound", () => {
    const ls = new LanguageService(memoryHost({ "/p/lib.crnn": LIB }));
    ls.open("/p/main.crnn", MAIN, 1);
    const a = ls.hover("/p/main.crnn", pos(MAIN, "init A", 0, 5))!;
    expect(a.contents).toContain("species of crn `c`");
    expect(a.contents).toContain("A = 1.5");
    const kf = ls.hover("/p/main.crnn", pos(MAIN, "@ kf", 0, 2))!;
    expect(kf.contents).toContain("rate kf = 3");
    expect(kf.contents).toMatch(/`kf` = 3 .*set at .*main\.crnn:4/);
    expect(kf.contents).toContain("in crn `c`");
  });

  it("hovers a template's species parameter with its role and rails", () => {
    const text = "import std/smooth_relu\nnetwork n {\n  input 2\n  dense 3 smooth_relu(h: 1)\n  dense 1 smooth_relu(h: 1)\n}\n";
    const ls = new LanguageService(memoryHost({}));
    ls.open("/p/n.crnn", text, 1);
    // Into the stdlib: the edge template's weight, from the definition of smooth_relu.
    const [def] = ls.definition("/p/n.crnn", pos(text, "smooth_relu", 1));
    expect(def!.path).toMatch(/stdlib[\\/]smooth_relu\.crnn$/);
    const h = ls.hover("/p/n.crnn", pos(text, "n {"))!;
    expect(h.contents).toContain("2 → 3 smooth_relu → 1 smooth_relu");
  });

  it("hovers an activation template's species with its role, rails and the layers that use it", () => {
    const text =
      "activation lin(a = 1) {\n  rate k = 1\n  module node(X) {\n    X -> 0 @ k\n  }\n  module edge(X, I, dual W) {\n    I + W.p -> I + W.p + X @ k\n  }\n  module bias(X, dual B) {\n    B.p -> B.p + X @ k\n  }\n}\nnetwork n {\n  input 2\n  dense 3 lin\n}\n";
    const ls = new LanguageService(memoryHost({}));
    ls.open("/p/lin.crnn", text, 1);
    expect(ls.diagnostics("/p/lin.crnn")).toEqual([]);
    const h = ls.hover("/p/lin.crnn", pos(text, "W.p"))!;
    expect(h.contents).toContain("dual W");
    expect(h.contents).toContain("dual-rail: `W.p` − `W.m`");
    expect(h.contents).toContain("role: the weight w = W.p − W.m");
    expect(h.contents).toContain("instantiated for every node of layer 1 (3 nodes) of `n`");
  });

  it("finds references in every open document and renames them all", () => {
    const ls = new LanguageService(memoryHost({}));
    ls.open("/p/lib.crnn", LIB, 1);
    ls.open("/p/main.crnn", MAIN, 1);
    const refs = ls.references("/p/lib.crnn", pos(LIB, "add"));
    expect(refs.map((r) => [r.path, r.range.start])).toEqual([
      ["/p/lib.crnn", pos(LIB, "add")],
      ["/p/main.crnn", pos(MAIN, "add(")],
    ]);
    const r = ls.rename("/p/main.crnn", pos(MAIN, "add("), "accumulate");
    expect("changes" in r && Object.keys(r.changes).sort()).toEqual(["/p/lib.crnn", "/p/main.crnn"]);
    expect(ls.rename("/p/main.crnn", pos(MAIN, "add("), "module")).toEqual({ error: expect.stringMatching(/not a name/) });
  });

  it("offers a did-you-mean hint as a quick fix", () => {
    const text = "crn c {\n  rate k = 1\n  A -> B @ kk\n}\n";
    const ls = new LanguageService(memoryHost({}));
    ls.open("/p/c.crnn", text, 1);
    const [d] = ls.diagnostics("/p/c.crnn");
    expect(d).toMatchObject({ code: "E0101", range: { start: pos(text, "kk"), end: pos(text, "kk", 0, 2) } });
    const actions = ls.codeActions("/p/c.crnn", d!.range);
    expect(actions).toEqual([
      {
        title: "Change to `k`",
        kind: "quickfix",
        diagnostic: { code: "E0101", range: d!.range },
        edit: { "/p/c.crnn": [{ range: d!.range, newText: "k" }] },
        preferred: true,
      },
    ]);
  });

  it("outlines a file", () => {
    const ls = new LanguageService(memoryHost({ "/p/lib.crnn": LIB }));
    ls.open("/p/main.crnn", MAIN, 1);
    expect(ls.documentSymbols("/p/main.crnn").map((s) => [s.kind, s.name, s.children.map((c) => c.name)])).toEqual([
      ["import", "lib.crnn", []],
      ["crn", "c", ["kf"]],
    ]);
  });

  it("re-checks a document only when a file it read changed", () => {
    const ls = new LanguageService(memoryHost({}));
    ls.open("/p/lib.crnn", LIB, 1);
    ls.open("/p/main.crnn", MAIN, 1);
    ls.open("/p/other.crnn", "crn o {\n  X -> 0 @ 1\n}\n", 1);
    for (const p of ["/p/lib.crnn", "/p/main.crnn", "/p/other.crnn"]) ls.diagnostics(p);
    expect(ls.compiles).toBe(3);
    // Asking again compiles nothing.
    for (const p of ["/p/lib.crnn", "/p/main.crnn", "/p/other.crnn"]) ls.diagnostics(p);
    expect(ls.compiles).toBe(3);
    // An edit of lib.crnn: lib and its importer main are stale, other is not.
    ls.open("/p/lib.crnn", LIB.replace("rate k = 2", "rate k = 5"), 2);
    expect(ls.dependents("/p/lib.crnn")).toEqual(["/p/main.crnn"]);
    expect([ls.isFresh("/p/lib.crnn"), ls.isFresh("/p/main.crnn"), ls.isFresh("/p/other.crnn")]).toEqual([false, false, true]);
    for (const p of ["/p/lib.crnn", "/p/main.crnn", "/p/other.crnn"]) ls.diagnostics(p);
    expect(ls.compiles).toBe(5);
  });

  it("answers every question about half-written files without throwing", async () => {
    const files = [
      ...readdirSync(resolve(ROOT, "examples"))
        .filter((f) => f.endsWith(".crnn"))
        .map((f) => resolve(ROOT, "examples", f)),
      ...readdirSync(resolve(ROOT, "stdlib"))
        .filter((f) => f.endsWith(".crnn"))
        .map((f) => resolve(ROOT, "stdlib", f)),
    ];
    const ls = new LanguageService(memoryHost({}));
    let asked = 0;
    for (const f of files) {
      const full = readFileSync(f, "utf8");
      // Prefixes (typing at the end) and the file with a stretch cut out (an edit in the middle).
      for (let k = 1; k <= 8; k++) {
        const cut = Math.floor((full.length * k) / 9);
        for (const text of [full.slice(0, cut), full.slice(0, cut) + full.slice(cut + 15)]) {
          ls.open("/p/t.crnn", text, ++asked);
          const end = text.split("\n");
          const last = { line: end.length - 1, character: end[end.length - 1]!.length };
          const mid = { line: Math.floor(end.length / 2), character: 4 };
          ls.diagnostics("/p/t.crnn");
          ls.semanticTokens("/p/t.crnn");
          ls.documentSymbols("/p/t.crnn");
          ls.completion("/p/t.crnn", last);
          ls.hover("/p/t.crnn", mid);
          ls.definition("/p/t.crnn", mid);
          ls.references("/p/t.crnn", mid);
          ls.prepareRename("/p/t.crnn", mid);
          await ls.format("/p/t.crnn");
        }
      }
    }
    expect(asked).toBe(files.length * 16);
  });
});
