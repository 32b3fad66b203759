// The IR as the one door between compiling and using (issue "one door"): a user activation that
// shadows a stdlib name is read out with its own closed form; two constants that share a name
// are two parameters everywhere (info, JSON, SBML, Antimony); every reaction's rate constant is
// what its parameters say, in the simulator and after an SBML round trip; one protocol gives
// the trainer, the SBML writer and SBML read-back the same samples; a sweep over a named rate
// changes values on one compiled model.

import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT, mustCompile, runCli } from "./helpers.js";
import { compileFile } from "../src/compile.js";
import { train, protocolFor } from "../src/library.js";
import { emitSbml } from "../src/backends/sbml/emit.js";
import { emitAntimony } from "../src/backends/antimony.js";
import { emitJson } from "../src/backends/json.js";
import { planSbml } from "../src/backends/sbml/model.js";
import { readSbml } from "../src/backends/sbml/read.js";
import { formatInfo } from "../src/cli/info.js";
import { compileModel } from "../src/sim/model.js";
import { constValue, paramValues, rateConstant } from "../src/ir/parameters.js";
import { sampleIndex, type Protocol } from "../src/ir/protocol.js";
import { runSweep } from "../src/sweep/sweep.js";
import { Runner, sourceHash } from "../src/sweep/point.js";
import type { CRN } from "../src/ir/types.js";

const tmp = () => mkdtempSync(join(tmpdir(), "crnnc-door-"));
const smoothRelu = readFileSync(resolve(ROOT, "stdlib/smooth_relu.crnn"), "utf8");

/** std/smooth_relu as a user's own file: the closed form dropped (or replaced), the node's decay 4k instead of k. */
function userActivation(name: string, closed: string | undefined, k = 1): string {
  const text = smoothRelu
    .replace("activation smooth_relu(", `activation ${name}(`)
    .replace(/\n {2}closed\(z\) = [^\n]*\n/, closed ? `\n  closed(z) = ${closed}\n` : "\n")
    .replace("rate k = 1", `rate k = ${k}`);
  expect(text).not.toBe(smoothRelu);
  return text;
}

describe("a user activation that shadows a stdlib name", () => {
  const net = (act: string) =>
    `${act}\nnetwork n {\n  input 2\n  dense 3 smooth_relu(h: 1)\n  dense 1 smooth_relu(h: 1)\n}\ntrain n on xor {\n  eta 0.01\n  period 100\n  iterations 1\n  evaluate every 1\n  seed 3\n}\n`;
  const fourK = (closed: string | undefined) => userActivation("smooth_relu", closed).replace("2 X -> X     @ k", "2 X -> X     @ 4 * k");

  it("without a closed form of its own: read out from its CRN, said once, never with std's formula", () => {
    const dir = tmp();
    writeFileSync(join(dir, "a.crnn"), net(fourK(undefined)));
    const ir = compileFile(join(dir, "a.crnn")).ir!;
    expect(ir.layers![1]!.activation!.qualified).not.toMatch(/^std\//);
    expect(ir.layers![1]!.activation!.closed).toBeUndefined();
    const notes: string[] = [];
    const closed = train(ir, { readout: "closed", onNote: (m) => notes.push(m) });
    const crn = train(ir, { readout: "crn" });
    expect(notes).toEqual([
      "activation `smooth_relu` declares no closed form (`closed(z) = ...`): E and accuracy are read from the forward CRN's steady state (--readout crn)",
    ]);
    expect(closed.settings.readout).toBe("crn");
    for (const k of [0, 1]) expect(Math.abs(closed.history[k]!.trainError - crn.history[k]!.trainError)).toBeLessThanOrEqual(1e-6);
    // What std's closed form would have said (the E = 2.45): far from the CRN's value.
    const std = mustCompile(net("import std/smooth_relu"), { file: join(dir, "b.crnn") });
    const wrong = train({ ...ir, layers: std.layers!, parameters: ir.parameters }, { readout: "closed" });
    expect(Math.abs(wrong.history[0]!.trainError - crn.history[0]!.trainError)).toBeGreaterThan(1e-3);
  });

  it("with its own closed form: closed and crn readouts agree to 1e-6 at iterations 0 and 1", async () => {
    const dir = tmp();
    // dx/dt = h + x z − 4x²  ⇒  x = (z + √(z² + 16h)) / 8
    writeFileSync(join(dir, "a.crnn"), net(fourK("(z + sqrt(z * z + 16 * h)) / 8")));
    const ir = compileFile(join(dir, "a.crnn")).ir!;
    const closed = train(ir, { readout: "closed" });
    const crn = train(ir, { readout: "crn" });
    expect(closed.settings.readout).toBe("closed");
    for (const k of [0, 1]) {
      expect(closed.history[k]!.iteration).toBe(k);
      expect(Math.abs(closed.history[k]!.trainError - crn.history[k]!.trainError)).toBeLessThanOrEqual(1e-6);
    }
    // And on the command line.
    const a = await runCli(["sim", join(dir, "a.crnn"), "--quiet", "--json", join(dir, "c.json")]);
    const b = await runCli(["sim", join(dir, "a.crnn"), "--quiet", "--readout", "crn", "--json", join(dir, "r.json")]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const e = (f: string) => (JSON.parse(readFileSync(join(dir, f), "utf8")) as { history: { trainError: number }[] }).history.map((h) => h.trainError);
    e("c.json").forEach((v, i) => expect(Math.abs(v - e("r.json")[i]!)).toBeLessThanOrEqual(1e-6));
  });
});

describe("two constants that share a template name", () => {
  const source = (dir: string) => {
    writeFileSync(join(dir, "fast.crnn"), userActivation("fast_relu", "(z + sqrt(z * z + 4 * h)) / 2", 5));
    writeFileSync(
      join(dir, "two.crnn"),
      'import std/smooth_relu\nimport "fast.crnn"\nnetwork n {\n  input 2\n  dense 3 fast_relu(h: 1)\n  dense 1 smooth_relu(h: 1)\n}\ntrain n on xor {\n  iterations 5\n}\n',
    );
    return compileFile(join(dir, "two.crnn")).ir!;
  };

  it("are two parameters, each reaction on its own, shown with their true values by info, JSON, SBML and Antimony", async () => {
    const dir = tmp();
    const ir = source(dir);
    const k = ir.parameters.filter((p) => p.name === "k");
    expect(k.map((p) => [p.id, p.value])).toEqual([
      ["k_fast_relu", 5],
      ["k", 1],
    ]);
    // Each forward reaction carries the constant of the activation that wrote it.
    const values = paramValues(ir);
    for (const r of ir.reactions.filter((x) => x.tag === "forward" && x.origin.template.endsWith(".node"))) {
      const want = r.origin.template.includes("fast_relu") ? 5 : 1;
      expect(rateConstant(r, values), r.origin.template).toBe(want);
    }
    const info = formatInfo(ir);
    expect(info).toMatch(/\n {4}k_fast_relu +5 +rate constant.*fast_relu/);
    expect(info).toMatch(/\n {4}k +1 +rate constant/);
    const json = JSON.parse(emitJson(ir, "t")) as { parameters: { id: string; value: number }[] };
    expect(Object.fromEntries(json.parameters.filter((p) => p.id.startsWith("k")).map((p) => [p.id, p.value]))).toEqual({
      k_fast_relu: 5,
      k: 1,
      k_div: 10,
      k_ann: 1,
    });
    const sbml = await emitSbml(ir);
    expect(sbml).toMatch(/<parameter [^>]*id="k_fast_relu" name="[^"]*" value="5"/);
    expect(sbml).toMatch(/<parameter [^>]*id="k" name="[^"]*" value="1"/);
    const ant = emitAntimony(ir);
    expect(ant).toMatch(/const k_fast_relu = 5 /);
    expect(ant).toMatch(/const k = 1 /);
  });
});

/** Every file the project compiles: examples, experiments, fixtures. */
const ALL = [
  ...["examples", "experiments"].flatMap((d) =>
    readdirSync(resolve(ROOT, d))
      .filter((f) => f.endsWith(".crnn"))
      .map((f) => `${d}/${f}`),
  ),
  ...readdirSync(resolve(ROOT, "test/fixtures"))
    .filter((c) => existsSync(resolve(ROOT, "test/fixtures", c, "input.crnn")))
    .map((c) => `test/fixtures/${c}/input.crnn`),
];

describe("every reaction's rate constant is its parameters'", () => {
  for (const f of ALL)
    it(
      f,
      async () => {
        const ir = compileFile(resolve(ROOT, f)).ir!;
        const values = paramValues(ir);
        const md = compileModel(ir);
        const texts = new Map<string, string>();
        ir.reactions.forEach((r, i) => {
          if (r.rate.kind !== "mass") return;
          // The simulator's constant is the table's value of the reaction's expression ...
          expect(md.k0[i]).toBe(constValue(r.rate.k, values));
          // ... and the expression is the one written after `@` in the template, names resolved to parameters of that name.
          const file = r.origin.span.file.startsWith("std/") ? resolve(ROOT, "stdlib", r.origin.span.file.slice(4)) : resolve(ROOT, r.origin.span.file);
          if (!texts.has(file)) texts.set(file, readFileSync(file, "utf8"));
          const written = texts.get(file)!.slice(r.origin.span.start, r.origin.span.end).split("@")[1]?.trim() ?? "1";
          const names = written.match(/[A-Za-z_]\w*/g) ?? [];
          const used = ir.parameters.filter((_, p) => JSON.stringify(r.rate).includes(`{"k":"param","p":${p}}`)).map((p) => p.name);
          for (const n of used) expect(names, `${written} of ${r.origin.template}`).toContain(n);
        });
        // After an SBML round trip the same reactions have the same constants (and laws read the same parameters).
        const back = (await readSbml(await emitSbml(ir), "x.xml")).ir!;
        expect(back.reactions.length).toBe(ir.reactions.length);
        const bv = paramValues(back);
        ir.reactions.forEach((r, i) => {
          if (r.rate.kind === "mass") expect(rateConstant(back.reactions[i]!, bv), `reaction ${i}`).toBe(rateConstant(r, values));
        });
        expect(back.parameters.map((p) => [p.id, p.value])).toEqual(ir.parameters.map((p) => [p.id, p.value]));
      },
      30000,
    );
});

describe("one protocol for the trainer, the SBML writer and SBML read-back", () => {
  /** The sample (x, y) the trainer had in the pot in each period, read off a trace of the input and target species. */
  const trainerSequence = (ir: CRN, p: Protocol) => {
    const ids = [...p.inputs, ...p.targets].map((s) => ir.species[s]!.id);
    const T = ir.parameters[ir.train!.params.period]!.value;
    const r = train(ir, { protocol: p, trace: ids });
    return Array.from({ length: p.iterations }, (_, k) => {
      const i = r.trace!.t.findIndex((t) => t > k * T);
      return r.trace!.values[i]!;
    });
  };
  const protocolSequence = (p: Protocol) =>
    Array.from({ length: p.iterations }, (_, k) => {
      const s = p.data.train[sampleIndex(p, k + 1)]!;
      return [...s.x, ...s.y];
    });

  for (const ex of ["xor", "iris", "mnist"])
    for (const order of ["random", "epoch"] as const)
      it(`${ex}, ${order === "random" ? "seeded draws" : "--order epoch"}`, async () => {
        const iterations = ex === "mnist" ? 12 : 40;
        const ir = compileFile(resolve(ROOT, "examples", `${ex}.crnn`), { iterations }).ir!;
        const p = protocolFor(ir, { order });
        const want = protocolSequence(p);
        expect(trainerSequence(ir, p)).toEqual(want);
        const sch = planSbml(ir, { protocol: p }).schedule!;
        expect(Array.from({ length: iterations }, (_, k) => sch.values[k % sch.values.length])).toEqual(want);
        const back = await readSbml(await emitSbml(ir, { protocol: p }), "x.xml");
        expect(back.diagnostics).toEqual([]);
        expect(back.protocol!.order).toBe(order);
        expect(protocolSequence(back.protocol!)).toEqual(want);
      }, 60000);
});

describe("a sweep over a named rate constant changes values, it does not recompile", () => {
  const xor = resolve(ROOT, "examples/xor.crnn");

  it("crnnc sweep examples/xor.crnn --over k_div=5,10 --seeds 1 --iterations 50 works", async () => {
    const r = await runCli(["sweep", xor, "--over", "k_div=5,10", "--seeds", "1", "--iterations", "50", "--workers", "1", "--quiet", "--out", tmp()]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 of 2 runs done/);
  }, 60000);

  it("one compilation and one model for both points; each point's results are those of compiling it", async () => {
    const base = compileFile(xor);
    const out = await runSweep({
      file: xor,
      network: "xor_net",
      dataset: "xor",
      axes: [{ name: "k_div", values: [5, 10] }],
      seeds: [1],
      iterations: 50,
      hash: sourceHash(base.sources),
      workers: 1,
      out: tmp(),
    });
    expect(out.ran).toBe(2);
    expect(out.compilations).toEqual({ compiles: 1, models: 1 });
    // In-process, the same counts, and the same numbers as a compile with the value written in.
    const runner = new Runner();
    for (const v of [5, 10]) {
      const rec = runner.run({ file: xor, point: { k_div: v }, seed: 1, iterations: 50 });
      const ir = compileFile(xor, { rates: { k_div: v }, iterations: 50 }).ir!;
      const direct = train(ir, {});
      expect(rec.averageTrainError).toBe(direct.averageTrainError);
      expect(rec.finalTrainError).toBe(direct.history[direct.history.length - 1]!.trainError);
    }
    expect(runner.compiles).toBe(1);
  }, 60000);
});

describe("the stdlib is parsed once per process", () => {
  it("shares frozen stdlib ASTs between compilations, and a second compilation reports what the first did", async () => {
    const { compile } = await import("../src/compile.js");
    const { loadProgram } = await import("../src/load/loader.js");
    const { DiagnosticSink } = await import("../src/diagnostics/diagnostic.js");
    const a = loadProgram(resolve(ROOT, "examples/xor.crnn"), new DiagnosticSink());
    const b = loadProgram(resolve(ROOT, "examples/xor.crnn"), new DiagnosticSink());
    const std = [...a.files.values()].filter((f) => f.display.startsWith("std/"));
    expect(std.length).toBeGreaterThan(0);
    for (const f of std) {
      expect(Object.isFrozen(f.ast)).toBe(true);
      expect([...b.files.values()].find((g) => g.path === f.path)!.ast).toBe(f.ast);
    }
    // The user's file is parsed afresh each time (and not frozen).
    expect(Object.isFrozen(a.root.ast)).toBe(false);
    // A stdlib text with a check error (an unknown name in a closed form): both compilations say so.
    const path = resolve(ROOT, "stdlib/smooth_relu.crnn");
    const broken = smoothRelu.replace(/closed\(z\) = /, "closed(z) = nope + ");
    expect(broken).not.toBe(smoothRelu);
    const codes = () => compile(broken, { file: path }).diagnostics.map((d) => `${d.code}@${d.span?.start}`);
    const first = codes();
    expect(first.some((c) => c.startsWith("E0101"))).toBe(true);
    expect(codes()).toEqual(first);
  });
});
