// Plots and reports (src/plot): every plot kind rendered from small synthetic data — SVG structure,
// axis titles, legend entries, mark counts — byte-for-byte determinism, HTML escaping, the PCA,
// the training report of real short runs, and `crnnc sim --report`.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  renderSvg,
  historySpec,
  traceSpec,
  thin,
  sensitivitySpec,
  sensitivitySvg,
  sensitivityReport,
  pca,
  pcaSpec,
  pairsSpec,
  trainReport,
  escapeHtml,
  htmlPage,
  table,
  normaliseIds,
} from "../src/plot/index.js";
import type { Evaluation, TrainResult } from "../src/train/trainer.js";
import { train, protocolFor } from "../src/library.js";
import { compileFile } from "../src/compile.js";
import { main } from "../src/cli/main.js";
import { runCli, ROOT, mulberry32 } from "./helpers.js";
import { sweepPlot } from "../src/sweep/plot.js";
import { axisLabels, layoutProblems, pageProblems, type LayoutProblem } from "./svg-layout.js";

/** Tags balance, one <svg> root with a positive width and height; returns them. */
function checkSvg(svg: string): { width: number; height: number } {
  expect(svg.startsWith("<svg ")).toBe(true);
  expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  const stack: string[] = [];
  let roots = 0;
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:[^>"]|"[^"]*")*?)(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (close) expect(stack.pop(), `</${name}>`).toBe(name);
    else if (!self) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  const root = /^<svg [^>]*>/.exec(svg)![0];
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  expect(width).toBeGreaterThan(0);
  expect(height).toBeGreaterThan(0);
  return { width, height };
}

/** The text of every <text> element (vega writes each line as text or tspan). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&"),
  );
}

/** Number of items (paths) of the marks of one type (line, symbol, area, …) and role (data marks or legend symbols). */
function marks(svg: string, type: string, role: "mark" | "legend-symbol" = "mark"): number {
  let n = 0;
  for (const m of svg.matchAll(new RegExp(`<g class="mark-${type} role-${role}[^"]*"[^>]*>([\\s\\S]*?)</g>`, "g"))) n += (m[1]!.match(/<path/g) ?? []).length;
  return n;
}

const history: Evaluation[] = [0, 1, 2, 3, 4].map((k) => ({
  iteration: k * 100,
  time: k * 100 * 300,
  trainError: 0.3 / (k + 1),
  trainAccuracy: Math.min(1, 0.5 + k * 0.15),
  validationError: 0.35 / (k + 1),
  validationAccuracy: Math.min(1, 0.4 + k * 0.15),
}));

describe("plot kinds", () => {
  it("history: error and accuracy panels, train and validation, one line each", async () => {
    const svg = await renderSvg(historySpec(history));
    checkSvg(svg);
    const t = texts(svg);
    for (const s of ["error E(t)", "accuracy A(t)", "time t (a.u.)", "train", "validation"]) expect(t).toContain(s);
    expect(marks(svg, "line")).toBe(4); // 2 panels × 2 sets
    expect(marks(svg, "symbol")).toBe(20); // points on the lines
    expect(marks(svg, "symbol", "legend-symbol")).toBe(4); // a legend on each panel
    const byIteration = texts(await renderSvg(historySpec(history, { x: "iteration", logError: true, title: "run" })));
    expect(byIteration).toContain("iteration");
    expect(byIteration).toContain("run");
  });

  it("history of a regression: only the error panel; log scale drops zero errors", async () => {
    const h = history.map(({ iteration, time, trainError }) => ({ iteration, time, trainError }));
    h.push({ iteration: 500, time: 150000, trainError: 0 });
    const svg = await renderSvg(historySpec(h, { logError: true }));
    checkSvg(svg);
    expect(texts(svg)).not.toContain("accuracy A(t)");
    expect(texts(svg)).not.toContain("validation");
    expect(marks(svg, "line")).toBe(1);
  });

  it("trace: one line per species with labelled axes", async () => {
    const t = Array.from({ length: 60 }, (_, k) => k * 0.5);
    const trace = { species: ["Y_0", "W1_0_0_p", "X1_3"], t, values: t.map((x) => [Math.exp(-x), 1 - Math.exp(-x), x / 30]) };
    const svg = await renderSvg(traceSpec(trace));
    checkSvg(svg);
    const tx = texts(svg);
    for (const s of ["time t (a.u.)", "concentration (a.u.)", "species", "Y_0", "W1_0_0_p", "X1_3"]) expect(tx).toContain(s);
    expect(marks(svg, "line")).toBe(3);
  });

  it("thin keeps the first, last and extreme samples of a long series", () => {
    const n = 100_000;
    const t = Array.from({ length: n }, (_, k) => k);
    const v = (k: number) => (k === 54_321 ? 99 : k === 12_345 ? -5 : Math.sin(k / 1000));
    const idx = thin(t, v, 400);
    expect(idx.length).toBeLessThanOrEqual(400);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(n - 1);
    expect(idx).toContain(54_321);
    expect(idx).toContain(12_345);
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(thin([0, 1, 2], v, 10)).toEqual([0, 1, 2]);
  });

  it("sensitivity: mean line, points and band per series; legend and axis titles", async () => {
    const rows = ["smooth_relu", "leaky_relu"].flatMap((series, s) =>
      [0, 0.01, 0.02, 0.05].map((x) => ({ series, x, mean: 0.05 + x * (s + 1), lo: 0.04, hi: 0.08 + x * (s + 2) })),
    );
    rows.push({ series: "leaky_relu", x: 0.1, mean: NaN, lo: NaN, hi: NaN }); // a failed point is left out
    const svg = await sensitivitySvg(rows, { xTitle: "noise size ε", seriesTitle: "activation", spread: "min–max over 3 seeds" });
    checkSvg(svg);
    const t = texts(svg);
    for (const s of ["noise size ε", "error E", "activation", "smooth_relu", "leaky_relu", "lines: mean; bands: min–max over 3 seeds"]) expect(t).toContain(s);
    expect(marks(svg, "line")).toBe(2);
    expect(marks(svg, "area")).toBe(2);
    expect(marks(svg, "symbol")).toBe(8);
    expect(marks(svg, "symbol", "legend-symbol")).toBe(2);
    // log axes leave out non-positive values without failing
    const log = await renderSvg(sensitivitySpec(rows, { xTitle: "ε", logX: true, logY: true, yTitle: "validation error" }));
    expect(marks(log, "symbol")).toBe(6);
    expect(texts(log)).toContain("validation error");
  });

  it("pca: the principal axes of synthetic data, deterministic, with a sign convention", () => {
    const rnd = mulberry32(7);
    const u = [1 / Math.SQRT2, 1 / Math.SQRT2, 0];
    const v = [1 / Math.SQRT2, -1 / Math.SQRT2, 0];
    const rows = Array.from({ length: 400 }, () => {
      const a = (rnd() - 0.5) * 10;
      const b = (rnd() - 0.5) * 2;
      const c = (rnd() - 0.5) * 0.2;
      return [3 + a * u[0]! + b * v[0]!, 1 + a * u[1]! + b * v[1]!, 2 + c];
    });
    const p = pca(rows, 2);
    const [c1, c2] = p.components;
    expect(Math.abs(c1![0]! - u[0]!)).toBeLessThan(1e-3);
    expect(Math.abs(c1![1]! - u[1]!)).toBeLessThan(1e-3);
    expect(Math.abs(Math.abs(c2![0]!) - v[0]!)).toBeLessThan(1e-3);
    expect(Math.abs(c1![0]! * c2![0]! + c1![1]! * c2![1]! + c1![2]! * c2![2]!)).toBeLessThan(1e-9);
    expect(p.variances[0]).toBeGreaterThan(p.variances[1]!);
    expect(p.explained[0]! + p.explained[1]!).toBeGreaterThan(0.99);
    expect(p.explained[0]! + p.explained[1]!).toBeLessThanOrEqual(1 + 1e-12);
    expect(p.scores).toHaveLength(400);
    expect(pca(rows, 2)).toEqual(p);
    // Scores are centred.
    expect(Math.abs(p.scores.reduce((s, r) => s + r[0]!, 0) / 400)).toBeLessThan(1e-9);
    // Degenerate data (no variance) does not fail.
    expect(
      pca(
        [
          [1, 1],
          [1, 1],
        ],
        2,
      ).variances,
    ).toEqual([0, 0]);
  });

  it("pca plot: one symbol per sample, coloured by prediction, shaped by truth", async () => {
    const rnd = mulberry32(3);
    const pts = Array.from({ length: 50 }, (_, i) => ({ x: rnd(), y: rnd(), predicted: i % 3 === 0 ? "1" : "0", truth: i % 2 === 0 ? "1" : "0" }));
    const svg = await renderSvg(pcaSpec(pts, { classes: ["0", "1"], explained: [0.4, 0.2] }));
    checkSvg(svg);
    const t = texts(svg);
    for (const s of ["principal component 1 (40.0% of variance)", "principal component 2 (20.0% of variance)", "predicted class", "true class", "0", "1"])
      expect(t).toContain(s);
    expect(marks(svg, "symbol")).toBe(50);
    expect(marks(svg, "symbol", "legend-symbol")).toBe(4); // 2 colours, 2 shapes
  });

  it("pairs: scatter off the diagonal, per-class densities on it", async () => {
    const rnd = mulberry32(11);
    const samples = Array.from({ length: 30 }, (_, i) => ({
      features: [rnd(), rnd() + (i % 2), rnd() * 2],
      predicted: i % 2 ? "b" : "a",
      truth: i % 5 ? (i % 2 ? "b" : "a") : "a",
    }));
    const svg = await renderSvg(pairsSpec(samples, { features: ["len", "width", "depth"], classes: ["a", "b"] }));
    checkSvg(svg);
    const t = texts(svg);
    for (const s of ["len", "width", "depth", "len (density)", "predicted class", "true class", "a", "b"]) expect(t).toContain(s);
    expect(marks(svg, "symbol")).toBe(6 * 30); // 6 scatter cells
    expect(marks(svg, "symbol", "legend-symbol")).toBe(4);
    expect(marks(svg, "area")).toBe(3 * 2); // 3 diagonal cells × 2 predicted classes
  });
});

describe("determinism", () => {
  it("the same spec gives the same bytes, whatever was rendered before", async () => {
    const rnd = mulberry32(5);
    const samples = Array.from({ length: 20 }, (_, i) => ({ features: [rnd(), rnd(), rnd()], predicted: String(i % 2), truth: String(i % 3 === 0 ? 1 : 0) }));
    const a = await renderSvg(pairsSpec(samples));
    const h1 = await renderSvg(historySpec(history));
    const b = await renderSvg(pairsSpec(samples));
    const h2 = await renderSvg(historySpec(history));
    expect(b).toBe(a);
    expect(h2).toBe(h1);
    expect(a).toMatch(/id="p[0-9a-f]{8}-1"/); // clip paths renamed …
    expect(a).not.toMatch(/id="clip\d+"/);
    const prefixes = (s: string) => new Set([...s.matchAll(/id="(p[0-9a-f]{8}-)/g)].map((m) => m[1]));
    expect([...prefixes(a)].some((p) => prefixes(h1).has(p))).toBe(false); // … and distinct between plots
  });

  it("normaliseIds renames ids and their references in order", () => {
    const svg = '<svg><clipPath id="clip7"><rect/></clipPath><g clip-path="url(#clip7)"/><use href="#clip9"/><g id="clip9"/></svg>';
    expect(normaliseIds(svg, "x-")).toBe('<svg><clipPath id="x-1"><rect/></clipPath><g clip-path="url(#x-1)"/><use href="#x-2"/><g id="x-2"/></svg>');
    expect(normaliseIds(svg.replace(/clip7/g, "clip1").replace(/clip9/g, "clip2"))).toBe(normaliseIds(svg));
  });
});

describe("HTML", () => {
  it("escapes every piece of text", async () => {
    expect(escapeHtml(`<script>alert("x") & 'y'</script>`)).toBe("&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;");
    const page = htmlPage("<b>title</b>", [table(["<th>"], [["a & b"], ["1.5e-3"]])]);
    expect(page).toContain("<title>&lt;b&gt;title&lt;/b&gt;</title>");
    expect(page).toContain("<td>a &amp; b</td>");
    expect(page).toContain('<td class="num">1.5e-3</td>');
    expect(page).not.toContain("<b>");
    const evil = "<img src=x onerror=alert(1)>";
    const html = await sensitivityReport(
      [
        { series: evil, x: 1, mean: 1, lo: 0.5, hi: 2 },
        { series: evil, x: 2, mean: 1, lo: 0.5, hi: 2 },
      ],
      { xTitle: `T & ${evil}`, title: evil, notes: [evil] },
    );
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(html.match(/<svg /g)).toHaveLength(1);
  });
});

describe("training report", () => {
  const run = (example: string, iterations: number, trace?: string[]) => {
    const r = compileFile(resolve(ROOT, "examples", `${example}.crnn`), { iterations });
    if (!r.ir) throw new Error("compile failed");
    const protocol = protocolFor(r.ir, { iterations });
    return { ir: r.ir, data: protocol.data, result: train(r.ir, { protocol, ...(trace ? { trace } : {}) }) };
  };

  it("iris: settings, learning curve and a pair plot of the 4 features", async () => {
    const { ir, data, result } = run("iris", 10);
    const html = await trainReport(result, ir, data);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<h1>iris_net on iris</h1>");
    expect(html).toContain("<td>eta</td>");
    expect(html).toContain("<td>init.weights</td><td>uniform(-1, 1)</td>");
    expect(html).toContain("Pair plot of the 4 input features");
    const svgs = html.match(/<svg [\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(2);
    svgs.forEach(checkSvg);
    for (const s of ["sepal_length", "petal_width", "setosa", "versicolor", "virginica"]) expect(texts(svgs[1]!)).toContain(s);
    expect(marks(svgs[1]!, "symbol")).toBe(12 * 150);
    expect(marks(svgs[1]!, "symbol", "legend-symbol")).toBe(6);
  });

  it("mnist01: a PCA plane of the 64-pixel inputs", async () => {
    const { ir, data, result } = run("mnist", 3);
    const html = await trainReport(result, ir, data, { maxPoints: 400 });
    expect(html).toContain("projected onto their first two principal components");
    expect(html).toContain("an even subsample of 2128");
    const svgs = html.match(/<svg [\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(2);
    expect(marks(svgs[1]!, "symbol")).toBe(400);
  });

  it("a partial run says so; a trace gets its plot; a regression gets no class plot", async () => {
    const { ir, data, result } = run("xor", 4, ["Y_0"]);
    const partial: TrainResult = { ...result, stopped: { reason: "blowup", message: "Y_0 > 1e12 <at t = 3>", time: 3, species: "Y_0" } };
    const html = await trainReport(partial, ir, data);
    expect(html).toContain('<p class="warn">Partial results: Y_0 &gt; 1e12 &lt;at t = 3&gt;.</p>');
    expect(html).toContain("<h2>Traced species</h2>");
    expect(html).not.toContain("Classification");
    expect(html.match(/<svg /g)).toHaveLength(2);
  });
});

describe("crnnc sim --report", () => {
  const dir = mkdtempSync(join(tmpdir(), "crnnc-plot-"));
  const xor = resolve(ROOT, "examples/xor.crnn");

  it("writes one self-contained HTML page with the settings and the plots", async () => {
    const out = join(dir, "out.html");
    const r = await runCli(["sim", xor, "--iterations", "200", "--report", out, "--trace", "Y_0,W1_0_0_p", "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<h1>xor_net on xor</h1>");
    expect(html).toMatch(/<td>iterations run<\/td><td>200 of 200<\/td>/);
    expect(html).toMatch(/<td>period<\/td><td class="num">300<\/td>/);
    expect(html).toMatch(/<td>eta<\/td><td class="num">0.002<\/td>/);
    expect(html.match(/<svg /g)).toHaveLength(2); // history, trace
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("is written after Ctrl-C too (exit 130)", async () => {
    const out = join(dir, "stopped.html");
    let stderr = "";
    const code = await main(["sim", xor, "--report", out, "--quiet"], {
      stdout: () => {},
      stderr: (s) => void (stderr += s),
      color: false,
      onSigint: (h) => {
        const t = setTimeout(h, 100);
        return () => clearTimeout(t);
      },
    });
    expect(code).toBe(130);
    expect(stderr).toContain("stopping after this iteration");
    expect(readFileSync(out, "utf8")).toMatch(/Partial results: interrupted after iteration \d+/);
  });

  it("--plot-x iteration and --trace-view: the report's axes and the traced weight", async () => {
    const out = join(dir, "views.html");
    const r = await runCli([
      "sim",
      xor,
      "--iterations",
      "20",
      "--report",
      out,
      "--trace",
      "Y_0,W1_0_0_p,W1_0_0_m",
      "--plot-x",
      "iteration",
      "--trace-view",
      "both",
      "--quiet",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    const [curve, trace] = html.match(/<svg [\s\S]*?<\/svg>/g)!;
    expect(texts(curve!)).toContain("iteration");
    expect(texts(trace!)).toContain("iteration");
    for (const s of ["W1_0_0", "W1_0_0_p", "W1_0_0_m", "net weight w = W.p − W.m (a.u.)", "rail concentration (a.u.)"]) expect(texts(trace!)).toContain(s);
    expect(pageProblems(html)).toEqual([]);
    const net = join(dir, "net.html");
    expect((await runCli(["sim", xor, "--iterations", "5", "--report", net, "--trace", "Y_0,W1_0_0_p,W1_0_0_m", "--quiet"])).code).toBe(0);
    const netTrace = readFileSync(net, "utf8").match(/<svg [\s\S]*?<\/svg>/g)![1]!;
    expect(texts(netTrace)).toContain("W1_0_0");
    expect(texts(netTrace)).not.toContain("W1_0_0_p"); // the net view by default
    expect(texts(netTrace)).toContain("time t (a.u.)");
    const bad = await runCli(["sim", xor, "--plot-x", "epoch", "--report", join(dir, "bad.html")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--plot-x must be time or iteration, got `epoch`/);
    expect((await runCli(["sim", xor, "--trace-view", "all", "--report", join(dir, "bad.html")])).stderr).toMatch(/--trace-view must be net, rails or both/);
    expect((await runCli(["sim", xor, "--plot-x", "iteration"])).stderr).toMatch(/--plot-x sets a plot of --report, and there is no --report/);
  });

  it("--report on something that does not train is a usage error", async () => {
    const r = await runCli(["sim", resolve(ROOT, "examples/divide.crnn"), "--report", join(dir, "x.html")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--report applies to training runs/);
  });
});

// The layout of every plot kind (issue 16, item 5): no text outside the SVG (boxes measured with
// the text widths vega laid the plot out with), no truncated label, series told apart by colour,
// dash or shape and none hidden under another, a legend on every panel of several lines, every
// title once; log axes labelled at 1, 2, 5 × 10^k only, a sweep's x ticks at its values.
describe("layout", () => {
  const expectClean = (problems: LayoutProblem[]) => expect(problems.map((p) => `${p.kind}: ${p.detail}`)).toEqual([]);
  const long = ["smooth ReLU, no annihilation", "leaky ReLU, no annihilation", "smooth ReLU", "leaky ReLU"];
  const rails = (() => {
    const t = Array.from({ length: 400 }, (_, k) => k * 0.75);
    const values = t.map((x) => {
      const up = 95 * (1 - Math.exp(-x / 80));
      return [0.5 + 0.4 * Math.sin(x / 7), up + 0.8 + 0.2 * Math.sin(x / 5), up, 3 * (1 - Math.exp(-x / 30)), up * 0.5, up * 0.5 - 0.3];
    });
    return { species: ["Y_0", "W1_0_0_p", "W1_0_0_m", "X1_3_hidden_node_with_a_long_name", "B1_0_p", "B1_0_m"], t, values };
  })();
  const pairs = [
    { name: "W1_0_0", p: "W1_0_0_p", m: "W1_0_0_m" },
    { name: "B1_0", p: "B1_0_p", m: "B1_0_m" },
  ];
  const niceLog = (labels: string[]) => labels.every((l) => /^[125]$/.test(Number(l).toExponential(0).split("e")[0]!));

  it("history: train and validation in each panel, log error axis, time or iteration", async () => {
    for (const opts of [{}, { logError: true }, { x: "iteration" as const, logError: true, title: "xor_net on xor" }]) {
      const svg = await renderSvg(historySpec(history, opts));
      expectClean(layoutProblems(svg));
      const t = texts(svg);
      expect(t.filter((s) => s === (opts.x ? "iteration" : "time t (a.u.)"))).toHaveLength(1);
      if (opts.logError) expect(niceLog(axisLabels(svg).find((a) => a.orient === "y")!.labels)).toBe(true);
    }
    const regression = history.map(({ iteration, time, trainError }) => ({ iteration, time, trainError }));
    expectClean(layoutProblems(await renderSvg(historySpec(regression, { logError: true }))));
  });

  it("trace: rails, net weights w = W.p − W.m, or both; against time or iterations", async () => {
    for (const view of ["rails", "net", "both"] as const)
      for (const x of ["time", "iteration"] as const)
        for (const logY of [false, true]) {
          const svg = await renderSvg(traceSpec(rails, { view, pairs, x, period: 3, logY }));
          expectClean(layoutProblems(svg));
          const t = texts(svg);
          expect(t).toContain(x === "time" ? "time t (a.u.)" : "iteration");
          expect(t.includes("W1_0_0")).toBe(view !== "rails");
          expect(t.includes("W1_0_0_p")).toBe(view !== "net");
          expect(t).toContain("X1_3_hidden_node_with_a_long_name");
          // The species and the rails on log axes; net weights change sign (linear).
          if (logY) expect(niceLog(axisLabels(svg).find((a) => a.orient === "y")!.labels)).toBe(true);
        }
    // The net weight is the difference of the rails.
    const spec = traceSpec(rails, { view: "net", pairs }) as {
      datasets?: Record<string, { series: string; value: number }[]>;
      data?: { values: { series: string; value: number }[] };
    };
    const rows = spec.data!.values.filter((r) => r.series === "W1_0_0");
    expect(rows[0]!.value).toBeCloseTo(0.8, 6);
  });

  it("sensitivity: long series names, coincident series, log axes", async () => {
    const rows = long.flatMap((series, s) =>
      [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12].map((x) => {
        const m = s % 2 === 0 ? 0.105 : 0.053 + (s === 1 ? x * 0.25 : 0);
        return { series, x, mean: m, lo: m * 0.8, hi: m * 1.2 };
      }),
    );
    for (const logY of [false, true]) {
      const svg = await sensitivitySvg(rows, {
        xTitle: "noise size ε",
        yTitle: "average train error E (last 10 evaluations)",
        seriesTitle: "network",
        spread: "min–max over 4 seeds",
        logY,
      });
      expectClean(layoutProblems(svg));
      for (const s of long) expect(texts(svg)).toContain(s);
      if (logY) expect(niceLog(axisLabels(svg).find((a) => a.orient === "y")!.labels)).toBe(true);
    }
    const logX = await sensitivitySvg(
      [100, 1000, 10000].map((x) => ({ series: "xor_net", x, mean: 1 / x, lo: 0.5 / x, hi: 2 / x })),
      { xTitle: "volume Ω", logX: true, logY: true },
    );
    expectClean(layoutProblems(logX));
    for (const a of axisLabels(logX)) expect(niceLog(a.labels), a.labels.join(" ")).toBe(true);
  });

  it("a sweep's plot: x ticks at the swept values, the title once on the page", async () => {
    const axes = [
      { name: "eta", values: [0.001, 0.002, 0.004] },
      { name: "period", values: [10, 50] },
    ];
    const rows = axes[0]!.values.flatMap((eta, i) =>
      axes[1]!.values.map((period, j) => {
        const s = { n: 4, mean: 0.1 + eta * 10 + j * 0.01, sd: 0.01, min: 0.08 + eta * 10, max: 0.13 + eta * 10 + j * 0.01 };
        return {
          index: i * 2 + j,
          point: { eta, period },
          runs: 4,
          seeds: [1, 2, 3, 4],
          blowups: 0,
          metrics: { averageTrainError: s, finalTrainError: s, finalTrainAccuracy: null, finalValidationError: null, finalValidationAccuracy: null },
        };
      }),
    );
    const plot = await sweepPlot(axes, rows, { network: "sine_net", file: "examples/sine.crnn", seeds: 4, iterations: 100 });
    expectClean(layoutProblems(plot.svg));
    expectClean(pageProblems(plot.html));
    expect(axisLabels(plot.svg).find((a) => a.orient === "x")!.labels).toEqual(["0.001", "0.002", "0.004"]);
    for (const s of ["period=10", "period=50", "sine_net: sensitivity to eta"]) expect(texts(plot.svg)).toContain(s);
    const volume = await sweepPlot(
      [{ name: "volume", values: [100, 1000, 10000] }],
      rows.slice(0, 3).map((r, i) => ({ ...r, point: { volume: [100, 1000, 10000][i]! } })),
      {
        network: "xor_net",
        file: "examples/xor.crnn",
        seeds: 4,
        iterations: 100,
      },
    );
    expectClean(layoutProblems(volume.svg));
    expect(axisLabels(volume.svg).find((a) => a.orient === "x")!.labels).toEqual(["100", "1000", "10000"]);
  });

  it("pca and pairs: long class and feature names", async () => {
    const rnd = mulberry32(13);
    const classes = ["Iris-setosa (the short one)", "Iris-versicolor", "Iris-virginica"];
    const pts = Array.from({ length: 60 }, (_, i) => ({ x: rnd(), y: rnd(), predicted: classes[i % 3]!, truth: classes[(i * 7) % 3]! }));
    expectClean(layoutProblems(await renderSvg(pcaSpec(pts, { classes, explained: [0.731, 0.229] }))));
    const samples = Array.from({ length: 45 }, (_, i) => ({
      features: [rnd(), rnd() * 3, rnd() * 40, rnd()],
      predicted: classes[i % 3]!,
      truth: classes[(i * 2) % 3]!,
    }));
    expectClean(
      layoutProblems(await renderSvg(pairsSpec(samples, { features: ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"], classes }))),
    );
  });

  it("the training report: every plot clean, a caption names a validation set only if there is one", async () => {
    const xor = compileFile(resolve(ROOT, "examples/xor.crnn"), { iterations: 6 }).ir!;
    const protocol = protocolFor(xor, { iterations: 6 });
    const result = train(xor, { protocol, trace: ["Y_0", "W1_0_0_p", "W1_0_0_m"] });
    const html = await trainReport(result, xor, protocol.data);
    expectClean(pageProblems(html));
    expect(html).not.toMatch(/validation set/);
    expect(html).toContain("W1_0_0"); // the net weight
    const byIteration = await trainReport(result, xor, protocol.data, { x: "iteration", traceView: "both" });
    expectClean(pageProblems(byIteration));
    expect(texts(byIteration.match(/<svg [\s\S]*?<\/svg>/g)![1]!)).toContain("W1_0_0_p");
    const iris = compileFile(resolve(ROOT, "examples/iris.crnn"), { iterations: 5 }).ir!;
    const ip = protocolFor(iris, { iterations: 5 });
    const ihtml = await trainReport(train(iris, { protocol: ip }), iris, ip.data);
    expectClean(pageProblems(ihtml));
    expect(ihtml).toContain("training and validation sets");
  });

  it("the committed figures of docs/results", () => {
    const dir = resolve(ROOT, "docs/results");
    const files = readdirSync(dir).filter((f) => f.endsWith(".svg"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const svg = readFileSync(join(dir, f), "utf8");
      expect(layoutProblems(svg).map((p) => `${f}: ${p.kind}: ${p.detail}`)).toEqual([]);
      // Log axes (labels not evenly spaced) are labelled at 1, 2, 5 × 10^k; a linear axis (ssa-xor.svg's E) is not checked here.
      const evenlySpaced = (ls: string[]) =>
        ls.map((l) => Number(l.replace(/,/g, ""))).every((v, i, xs) => i < 2 || Math.abs(v - xs[i - 1]! - (xs[1]! - xs[0]!)) < 1e-9 * Math.max(1, Math.abs(v)));
      for (const a of axisLabels(svg)) if (a.orient === "y" && !evenlySpaced(a.labels)) expect(niceLog(a.labels), `${f}: ${a.labels.join(" ")}`).toBe(true);
    }
  });
});
