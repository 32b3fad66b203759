// The intrinsic-noise study (issue 15, beyond the paper): examples/xor.crnn trained with
// molecule counts — implicit τ-leaping (τ = 0.125) at Ω = 10² … 10⁵ molecules per unit concentration —
// with and without rail annihilation, several seeds, against the same runs on the ODE. Both are
// `crnnc sweep` runs (they resume: rerunning skips finished runs), then docs/results.md gets the
// table between <!-- ssa:start --> and <!-- ssa:end -->, the sweeps' sensitivity plot goes to
// docs/results/ssa-xor.svg and the records to docs/results/data/.
//
//   npx tsc -p . && node scripts/ssa-study.mjs [--iterations 3000] [--seeds 3] [--workers 2] [--report-only]

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, writeSection } from "../bench/lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/cli/bin.js");
const DOC = join(ROOT, "docs/results.md");
const OUT = join(ROOT, "experiments/out");
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const ITERATIONS = Number(opt("--iterations", "3000"));
const SEEDS = Number(opt("--seeds", "3"));
const WORKERS = opt("--workers", "2");
const VOLUMES = [100, 1000, 10000, 100000];
// The leap: at the default 0.25, long annihilating runs at Ω = 10⁵ run away where the ODE never
// does, at 0.125 they do not (scripts/implicit-tau-check.mjs): the study runs at 0.125.
const TAU = "0.125";

const sweeps = {
  stochastic: {
    dir: join(OUT, `ssa-xor-tau${TAU}`),
    args: ["--over", `volume=${VOLUMES.join(",")}`, "--over", "annihilate=0,1", "--method", "implicit-tau", "--tau", TAU, "--plot"],
  },
  ode: { dir: join(OUT, "ssa-xor-ode"), args: ["--over", "annihilate=0,1"] },
};

if (!args.includes("--report-only"))
  for (const [name, s] of Object.entries(sweeps)) {
    console.log(`== ${name}: ${s.dir}`);
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        "sweep",
        join(ROOT, "examples/xor.crnn"),
        ...s.args,
        "--seeds",
        String(SEEDS),
        "--iterations",
        String(ITERATIONS),
        "--workers",
        WORKERS,
        "--out",
        s.dir,
      ],
      { stdio: "inherit" },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
  }

const records = (dir) =>
  existsSync(join(dir, "points.jsonl"))
    ? readFileSync(join(dir, "points.jsonl"), "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((r) => r.iterations === ITERATIONS)
    : [];
const sto = records(sweeps.stochastic.dir);
const ode = records(sweeps.ode.dir);
if (!sto.length || !ode.length) {
  console.error("no records yet: run the study first");
  process.exit(1);
}

const fmt = (x, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toPrecision(d));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const row = (label, rs) => {
  const solved = rs.filter((r) => r.finalTrainAccuracy === 1 && r.solvedAt !== null);
  const acc = rs.map((r) => r.finalTrainAccuracy ?? 0);
  return `| ${label} | ${rs.length} | ${fmt(mean(rs.map((r) => r.averageTrainError ?? NaN)))} | ${fmt(mean(rs.map((r) => r.finalTrainError ?? NaN)))} | ${(100 * mean(acc)).toFixed(0)}% | ${solved.length}/${rs.length} | ${solved.length ? median(solved.map((r) => r.solvedAt)) : "—"} | ${rs.filter((r) => r.stopped?.reason === "blowup").length} | ${fmt(mean(rs.map((r) => r.wallMs / r.iterationsRun)), 3)} |`;
};
const lines = [
  "<!-- ssa:start -->",
  "### Beyond the paper: XOR under intrinsic noise (molecule counts)",
  "",
  `Regenerate: \`npx tsc -p . && node scripts/ssa-study.mjs\` (${ITERATIONS} iterations, seeds 1–${SEEDS}; on ${machineInfo().line}). The XOR network of examples/xor.crnn (η = 0.002, T = 300) trained with molecule counts: implicit τ-leaping (\`--method implicit-tau --tau ${TAU}\`) at Ω molecules per unit concentration — a weight of 1 is Ω molecules on one rail — against the same seeds on the ODE, with the paper's construction (\`annihilate 0\`) and with rail annihilation.`,
  "",
  "| run | seeds | average train E (last 10 evaluations) | final E | final accuracy | reached 100% and held | iteration it held from (median) | blew up | ms per iteration (wall, 2 workers) |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const ann of [0, 1]) {
  const lbl = ann ? "annihilation on" : "annihilation off (the paper's construction)";
  lines.push(
    row(
      `ODE, ${lbl}`,
      ode.filter((r) => (r.point.annihilate ?? 0) === ann),
    ),
  );
  for (const v of VOLUMES)
    lines.push(
      row(
        `Ω = ${v}, ${lbl}`,
        sto.filter((r) => r.point.volume === v && (r.point.annihilate ?? 0) === ann),
      ),
    );
}
const smallest = (ann) =>
  VOLUMES.find((v) => {
    const rs = sto.filter((r) => r.point.volume === v && (r.point.annihilate ?? 0) === ann);
    return rs.length === SEEDS && rs.every((r) => r.finalTrainAccuracy === 1);
  });
lines.push(
  "",
  `The smallest Ω at which every seed ends at 100% accuracy: ${smallest(0) ?? "none of the Ω tried"} without annihilation, ${smallest(1) ?? "none of the Ω tried"} with it.`,
);
const svg = join(sweeps.stochastic.dir, "sensitivity.svg");
if (existsSync(svg)) {
  mkdirSync(join(ROOT, "docs/results"), { recursive: true });
  copyFileSync(svg, join(ROOT, "docs/results/ssa-xor.svg"));
  lines.push("", "![XOR under intrinsic noise: average train error against Ω](results/ssa-xor.svg)");
}
mkdirSync(join(ROOT, "docs/results/data"), { recursive: true });
copyFileSync(join(sweeps.stochastic.dir, "points.jsonl"), join(ROOT, "docs/results/data/ssa-xor.jsonl"));
copyFileSync(join(sweeps.ode.dir, "points.jsonl"), join(ROOT, "docs/results/data/ssa-xor-ode.jsonl"));
lines.push("<!-- ssa:end -->");
writeSection(DOC, "<!-- ssa:start -->", "<!-- ssa:end -->", lines.join("\n"));
console.log(lines.join("\n"));
