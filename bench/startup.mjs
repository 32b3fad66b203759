#!/usr/bin/env node
// Start-up benchmark (issue 16): the command line as a user runs it, each command a whole
// process (`node dist/cli/crnnc.js …`, the bundled CLI that `bin` points at), timed from outside:
//   - `node -e 0`, the floor every Node program pays;
//   - `crnnc --help`, `crnnc check examples/xor.crnn`, `crnnc compile examples/xor.crnn`, each as
//     the difference to `node -e 0` (targets 100, 250 and 300 ms);
//   - `crnnc sim examples/xor.crnn --iterations 300 --quiet` against the SUNDIALS CVODE+KLU
//     harness in C (bench/reference/cvode_klu.c, built here) on 300 iterations of the same
//     network (the JSON `crnnc compile --emit json` writes), also as a whole process: crnnc
//     must be at least 3× faster.
// The commands run in rounds, one run of each per round, in an order that rotates from round to
// round, so that a change in the machine's load falls on all of them alike; every difference and
// ratio is taken within a round and the median over the rounds is reported. Wall-clock time is
// the measure; CPU time (user + system of the process and its threads, from the shell's `times`)
// is given beside it because the machine is shared.
// Writes the figures into docs/performance.md between <!-- bench:startup:start --> and
// <!-- bench:startup:end -->.
//
//   npm run build && node bench/startup.mjs [--runs N] [--no-cvode] [--no-docs]
//
// The C harness needs a C compiler, SUNDIALS with KLU and Python 3 with numpy (Debian:
// apt-get install build-essential libsundials-dev libsuitesparse-dev python3-numpy); without
// them it is skipped and said so.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, writeSection } from "./lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const DOC = join(ROOT, "docs", "performance.md");
const START = "<!-- bench:startup:start -->";
const END = "<!-- bench:startup:end -->";
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Number(opt("--runs") ?? 21);
const CLI = join(ROOT, "dist/cli/crnnc.js");
const ITERATIONS = 300;
/** The issue's targets: ms over `node -e 0`; the CVODE harness's time over crnnc sim's. */
const TARGETS = { help: 100, check: 250, compile: 300, cvodeRatio: 3 };

const load1 = () => loadavg()[0].toFixed(2);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;

/**
 * One whole-process run: wall clock around it, CPU time from bash's `times` (the children's user
 * and system time, getrusage). The command's stdout goes to a file (read back for sim's own
 * timing), its stderr to /dev/null. bash's own start is in every figure, `node -e 0`'s too, so
 * it cancels in the differences.
 */
function runOnce(argv, outFile) {
  const script = '"$@" >"$OUT" 2>/dev/null; s=$?; times; exit $s';
  const t0 = process.hrtime.bigint();
  const r = spawnSync("bash", ["-c", script, "bash", ...argv], { cwd: ROOT, encoding: "utf8", env: { ...process.env, OUT: outFile } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    const out = existsSync(outFile) ? readFileSync(outFile, "utf8") : "";
    throw new Error(`\`${argv.join(" ")}\` failed (exit ${r.status ?? r.signal}): ${r.stderr}${out}`);
  }
  // `times`: the shell's own user and system time, then its children's: "0m0.052s 0m0.008s".
  const line = r.stdout.trim().split("\n").at(-1);
  const [user, sys] = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => (Number(m[1]) * 60 + Number(m[2])) * 1000);
  return { wall, cpu: user + sys, out: readFileSync(outFile, "utf8") };
}

/** Build the C harness and its input (the XOR network's JSON, 300 samples); undefined when it cannot be. */
function prepareCvode(dir) {
  const cc = process.env.CC ?? "cc";
  const bin = join(dir, "cvode_klu");
  const ref = join(HERE, "reference");
  try {
    execFileSync(
      cc,
      [
        "-O2",
        "-I/usr/include/suitesparse",
        "-o",
        bin,
        join(ref, "cvode_klu.c"),
        ...["cvode", "nvecserial", "sunmatrixsparse", "sunlinsolklu", "sunmatrixdense", "sunlinsoldense"].map((l) => `-lsundials_${l}`),
        "-lklu",
        "-lm",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (e) {
    return {
      skipped: `cannot build bench/reference/cvode_klu.c (${
        String(e.stderr ?? e.message)
          .trim()
          .split("\n")[0]
      }); Debian: apt-get install build-essential libsundials-dev libsuitesparse-dev`,
    };
  }
  const json = join(dir, "xor.json");
  const samples = join(dir, "xor.samples.txt");
  const text = join(dir, "xor.crn.txt");
  execFileSync(process.execPath, [CLI, "compile", "examples/xor.crnn", "--emit", "json", "-o", json], { cwd: ROOT });
  const py = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  try {
    execFileSync(
      py,
      [
        "-c",
        `import sys; sys.path.insert(0, sys.argv[1]); import crnjson as c; n = c.load(sys.argv[2]); c.write_samples(sys.argv[3], *c.make_samples(n, ${ITERATIONS}, 1))`,
        ref,
        json,
        samples,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    execFileSync(py, [join(ref, "crn_to_text.py"), json, samples, "-o", text], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    return {
      skipped: `cannot write the harness's input with Python (${String(e.stderr ?? e.message)
        .trim()
        .split("\n")
        .at(-1)}); Debian: apt-get install python3-numpy`,
    };
  }
  let sundials = "";
  try {
    sundials = execFileSync("dpkg-query", ["-W", "-f", "${Version}", "libsundials-dev"], { encoding: "utf8" });
  } catch {
    /* not Debian */
  }
  return { argv: [bin, text, "--iterations", String(ITERATIONS)], sundials };
}

function main() {
  if (!existsSync(CLI)) {
    console.error("bench/startup.mjs: dist/cli/crnnc.js is missing; run `npm run build` first");
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), "crnnc-bench-startup-"));
  const started = new Date();
  const loadStart = load1();
  try {
    const node = process.execPath;
    const xor = "examples/xor.crnn";
    const cmds = [
      { key: "node", label: "`node -e 0`", argv: [node, "-e", "0"] },
      { key: "help", label: "`crnnc --help`", argv: [node, CLI, "--help"] },
      { key: "check", label: `\`crnnc check ${xor}\``, argv: [node, CLI, "check", xor] },
      { key: "compile", label: `\`crnnc compile ${xor}\``, argv: [node, CLI, "compile", xor] },
      {
        key: "sim",
        label: `\`crnnc sim ${xor} --iterations ${ITERATIONS} --quiet\``,
        argv: [node, CLI, "sim", xor, "--iterations", String(ITERATIONS), "--quiet"],
      },
    ];
    const cvode = args.includes("--no-cvode") ? { skipped: "--no-cvode" } : prepareCvode(dir);
    if (cvode.argv) cmds.push({ key: "cvode", label: `CVODE+KLU harness in C, ${ITERATIONS} iterations`, argv: cvode.argv });
    for (const c of cmds) c.runs = [];
    const out = join(dir, "out.txt");
    console.log(`${RUNS} rounds of ${cmds.length} commands (plus one warm-up round); load ${loadStart}`);
    for (let round = -1; round < RUNS; round++) {
      // Rotate the order: no command always runs right after the same other one.
      const order = cmds.map((_, i) => cmds[(i + Math.max(round, 0)) % cmds.length]);
      for (const c of order) {
        const r = runOnce(c.argv, out);
        if (c.key === "sim") {
          const m = /(\d+) iterations of T = \S+ in ([\d.]+)s/.exec(r.out);
          if (!m || Number(m[1]) !== ITERATIONS) throw new Error(`crnnc sim did not report ${ITERATIONS} iterations: ${r.out}`);
          r.train = Number(m[2]) * 1000;
        }
        if (round >= 0) c.runs.push(r);
      }
      if (round >= 0) process.stdout.write(`\rround ${round + 1}/${RUNS}, load ${load1()}   `);
    }
    process.stdout.write("\n");
    const loadEnd = load1();
    const by = Object.fromEntries(cmds.map((c) => [c.key, c]));
    const base = by.node.runs;
    for (const c of cmds) {
      c.wall = median(c.runs.map((r) => r.wall));
      c.cpu = median(c.runs.map((r) => r.cpu));
      c.dWall = median(c.runs.map((r, i) => r.wall - base[i].wall));
      c.dCpu = median(c.runs.map((r, i) => r.cpu - base[i].cpu));
      c.lo = Math.min(...c.runs.map((r) => r.wall));
      c.hi = Math.max(...c.runs.map((r) => r.wall));
    }
    const verdict = (ok) => (ok ? "PASS" : "MISS");
    const sim = by.sim;
    sim.trainMs = median(sim.runs.map((r) => r.train));
    let ratio;
    if (by.cvode) {
      const cv = by.cvode;
      ratio = {
        wall: median(cv.runs.map((r, i) => r.wall / sim.runs[i].wall)),
        cpu: median(cv.runs.map((r, i) => r.cpu / sim.runs[i].cpu)),
      };
    }

    // ---- report -------------------------------------------------------------------------------
    const m = machineInfo();
    const rows = cmds.map((c) => {
      const target = TARGETS[c.key];
      const dWall = c.key === "node" ? "—" : ms(c.dWall);
      const dCpu = c.key === "node" ? "—" : ms(c.dCpu);
      const t = target !== undefined && c.key !== "cvode" ? `≤ ${target} ms` : "";
      const res = target !== undefined && c.key !== "cvode" ? `**${verdict(c.dWall <= target)}**` : "";
      const resCpu = target !== undefined && c.key !== "cvode" ? verdict(c.dCpu <= target) : "";
      return `| ${c.label} | ${ms(c.wall)} (${c.lo.toFixed(0)}–${c.hi.toFixed(0)}) | ${dWall} | ${ms(c.cpu)} | ${dCpu} | ${t} | ${res} | ${resCpu} |`;
    });
    const cvLine = ratio
      ? `- **CVODE+KLU against crnnc sim**, both whole processes on ${ITERATIONS} XOR iterations: the C harness takes ${ms(by.cvode.wall)} (median wall clock; CPU ${ms(by.cvode.cpu)}), \`crnnc sim\` ${ms(sim.wall)} (CPU ${ms(sim.cpu)}): crnnc is **${ratio.wall.toFixed(2)}×** faster on wall-clock time (median of the per-round ratios; ${ratio.cpu.toFixed(2)}× on CPU time); target ≥ ${TARGETS.cvodeRatio}×, i.e. crnnc sim within ${ms(by.cvode.wall / TARGETS.cvodeRatio)}: **${verdict(ratio.wall >= TARGETS.cvodeRatio)}** (on CPU time: ${verdict(ratio.cpu >= TARGETS.cvodeRatio)}).`
      : `- **CVODE+KLU against crnnc sim**: not measured (${cvode.skipped}).`;
    const text = [
      START,
      "## Start-up",
      "",
      `Measured ${started.toISOString().replace(/\.\d+Z$/, "Z")} to ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} by \`node bench/startup.mjs\` (after \`npm run build\`) on ${m.line}; crnnc at ${m.rev}${cvode.sundials ? `; SUNDIALS ${cvode.sundials} (Debian libsundials-dev), harness built with \`cc -O2\`` : ""}. 1-minute load average ${loadStart} at the start and ${loadEnd} at the end (2 cores: above 2, wall-clock figures include waiting for a core).`,
      "",
      `Each command as a whole process, as a user runs it: \`node dist/cli/crnnc.js …\` (the bundled CLI that \`bin\` points at) in the repository root, stdout to a file. ${RUNS} rounds after one warm-up round, one run of each command per round in an order that rotates from round to round; the medians over the rounds, the range of wall-clock times in parentheses. "over node" is the median over the rounds of the command's time minus \`node -e 0\`'s in the same round: what crnnc adds to Node's own start. CPU time is user + system of the process and all its threads (bash's \`times\`), so V8's background compiler and GC threads count.`,
      "",
      "| command | wall (range) | wall over node | CPU | CPU over node | target (wall over node) | result | on CPU |",
      "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
      ...rows,
      "",
      cvLine,
      `- **crnnc sim**: of its ${ms(sim.wall)}, the training loop takes ${ms(sim.trainMs)} (median of the time sim reports for its ${ITERATIONS} iterations); the rest, ${ms(sim.wall - sim.trainMs)}, is Node's start (\`node -e 0\`: ${ms(by.node.wall)}), loading the CLI, compiling examples/xor.crnn, preparing the simulator and exiting.`,
      `- The C harness reads the network as text (\`bench/reference/crn_to_text.py\` from the JSON of \`crnnc compile examples/xor.crnn --emit json\`, samples drawn with numpy, seed 1), integrates with CVODE BDF + KLU at rtol 1e-6, atol 1e-9 and an analytic sparse Jacobian (bench/reference/README.md); crnnc sim runs its own default schedule (Rodas5, same tolerances, its own sample draws): the same network and the same number of iterations, not bit-identical samples.`,
      "",
      "    npm run build && node bench/startup.mjs [--runs N] [--no-cvode] [--no-docs]",
      END,
    ].join("\n");
    console.log(text);
    if (!args.includes("--no-docs")) {
      writeSection(DOC, START, END, text);
      console.log(`\nwrote ${DOC}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
