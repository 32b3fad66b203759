// The DOT back end (crnnc compile --emit dot): golden files (test/fixtures/<case>/graph.dot,
// UPDATE_GOLDEN=1 rewrites them, as in golden.test.ts), the graph's structure checked against the
// IR, and the output rendered by Debian's Graphviz (`dot -Tsvg`) with nothing on stderr — skipped,
// with the reason, only when `dot` is absent outside CI (.ci/run installs graphviz).
import { describe, it, expect } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { compileFile } from "../src/compile.js";
import { emitDot } from "../src/backends/dot.js";
import { crnGraph } from "../src/analysis/graph.js";
import { ROOT, mustCompile, runCli } from "./helpers.js";

const update = process.env["UPDATE_GOLDEN"] === "1";
const CASES = ["divide", "fig4-train"];

function compileRel(path: string) {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const r = compileFile(relative(ROOT, path));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    return r.ir!;
  } finally {
    process.chdir(cwd);
  }
}

describe("emitDot", () => {
  for (const c of CASES)
    it(`${c}/graph.dot`, () => {
      const text = emitDot(compileRel(resolve(ROOT, "test/fixtures", c, "input.crnn")));
      const golden = resolve(ROOT, "test/fixtures", c, "graph.dot");
      if (update) writeFileSync(golden, text);
      expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1 to create it`).toBe(true);
      expect(text).toBe(readFileSync(golden, "utf8"));
    });

  it("draws every reactant and product once, catalysts as one dashed edge, reactions clustered by layer and sub-network", () => {
    const ir = compileRel(resolve(ROOT, "examples/xor.crnn"));
    const g = crnGraph(ir);
    expect(g.tags).toEqual(["forward", "backward", "update"]);
    expect(g.layers).toEqual([0, 1, 2]);
    // A forward edge reaction X + W.p + I -> 2 X + W.p + I: X in (1) and out (2); W.p and I catalysts.
    const ri = ir.reactions.findIndex((r) => r.tag === "forward" && r.origin.template.endsWith(".edge"));
    const es = g.edges.filter((e) => e.r === ri).map((e) => `${e.kind}:${ir.species[e.s]!.id}:${e.n}`);
    const x = ir.species[ir.reactions[ri]!.reactants[0]!.s]!.id;
    expect(es.filter((e) => e.startsWith("cat:"))).toHaveLength(2);
    expect(es).toContain(`in:${x}:1`);
    expect(es).toContain(`out:${x}:2`);
    expect(g.reactions[ri]!.layer).toBe(ir.species[ir.reactions[ri]!.reactants[0]!.s]!.layer);
    const dot = emitDot(ir);
    expect(dot.match(/\[shape=box/g)).toHaveLength(469);
    expect(dot.match(/\[shape=ellipse/g)).toHaveLength(223);
    for (const l of [0, 1, 2]) expect(dot).toContain(`subgraph "cluster_layer_${l}" {`);
    expect(dot).toContain(`subgraph "cluster_layer_1_backward" {`);
    expect(dot).toContain(`subgraph "cluster_layer_0_update" {`);
    // Every edge of the graph is a line of the file.
    expect(dot.match(/^ {2}"[^"]+" -> "[^"]+"/gm)).toHaveLength(g.edges.length);
  });

  it("names species and reactions in quotes", () => {
    const dot = emitDot(mustCompile("crn q {\n  A -> B @ 1\n}\n"));
    expect(dot).toContain('"A" -> "r0";');
    expect(dot).toContain('"r0" -> "B";');
  });

  it("crnnc compile --emit dot prints it; an unknown --emit names dot among the formats", async () => {
    const r = await runCli(["compile", resolve(ROOT, "examples/divide.crnn"), "--emit", "dot"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\/\/ crn divide .*\ndigraph "divide" \{/);
    const bad = await runCli(["compile", resolve(ROOT, "examples/divide.crnn"), "--emit", "png"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("dot");
  });
});

const hasDot = spawnSync("dot", ["-V"]).status === 0;
if (!hasDot && !process.env["CI"] && !process.env["CRNNC_CI"])
  console.warn("test/dot.test.ts: Graphviz's `dot` is not installed, the rendering tests skip (install it: apt-get install -y graphviz)");

describe.skipIf(!hasDot && !process.env["CI"] && !process.env["CRNNC_CI"])("Graphviz renders it", () => {
  for (const file of ["examples/xor.crnn", "examples/divide.crnn"])
    it(`${file} | dot -Tsvg: an SVG and no warnings`, { timeout: 60_000 }, () => {
      const ir = compileRel(resolve(ROOT, file));
      const r = spawnSync("dot", ["-Tsvg"], { input: emitDot(ir), encoding: "utf8", maxBuffer: 64 << 20 });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
      // Every species is drawn: its id is the title of a node group.
      for (const s of ir.species.slice(0, 20)) expect(r.stdout).toContain(`<title>${s.id}</title>`);
    });
});
