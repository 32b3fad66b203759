#!/usr/bin/env node
// crnnc's own simulator on the reference schedule, to check that the reference integrators
// integrate the same system: reads a crnnc JSON CRN (from `crnnc compile X.crnn --emit json`)
// and a samples file (see crnjson.py), runs `iterations` training iterations with
// dist/sim (compileModel + makeIntegrator, tight tolerances by default) and writes the state
// as "<species id> <value>" lines.
//
//   npx tsc -p . && node bench/reference/crnnc_state.mjs --json /tmp/xor.json \
//       --samples /tmp/xor.samples.txt --iterations 20 --out /tmp/xor.crnnc.state
//
// The CRN is rebuilt from the JSON (not recompiled from source) so both sides read the very
// same species, initial values and reactions. Options: --rtol (1e-8) --atol (1e-12) --method.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { compileModel } = await import(resolve(ROOT, "dist/sim/model.js"));
const { makeIntegrator } = await import(resolve(ROOT, "dist/sim/simulate.js"));

const args = { rtol: "1e-8", atol: "1e-12", iterations: "20" };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
if (!args.json || !args.samples || !args.out) {
  console.error("usage: crnnc_state.mjs --json NET.json --samples S.txt --out STATE [--iterations K] [--rtol R] [--atol A] [--method M]");
  process.exit(2);
}

const net = JSON.parse(readFileSync(args.json, "utf8"));
const index = new Map(net.species.map((s, q) => [s.id, q]));
const term = ([id, n]) => ({ s: index.get(id), n });
const ir = {
  ...net,
  species: net.species,
  // The JSON names parameters by id and gives each mass-action reaction its constant: the constant is all the engine needs here.
  parameters: [],
  reactions: net.reactions.map((r) => {
    if (r.rate.kind !== "mass") throw new Error("the reference runs take mass-action networks only");
    return { ...r, reactants: r.reactants.map(term), products: r.products.map(term), rate: { kind: "mass", k: { k: "num", v: r.rate.k } } };
  }),
};
const byIndex = (role) =>
  net.species
    .map((s, q) => [s, q])
    .filter(([s]) => s.role === role)
    .sort((a, b) => (a[0].index ?? 0) - (b[0].index ?? 0))
    .map(([, q]) => q);
const inputs = byIndex("input");
const targets = byIndex("target");

const lines = readFileSync(args.samples, "utf8").trim().split("\n");
const [nIt, ni, nt] = lines[0].split(/\s+/).map(Number);
if (ni !== inputs.length || nt !== targets.length) throw new Error(`samples file has ${ni}+${nt} columns, network ${inputs.length}+${targets.length}`);
const K = Number(args.iterations);
if (K > nIt) throw new Error(`samples file has only ${nIt} iterations`);
const T = net.parameters.find((p) => p.id === net.train.params.period).value;

const md = compileModel(ir, { splitUpdateCatalysis: true });
const opts = { rtol: Number(args.rtol), atol: Number(args.atol) };
if (args.method) opts.method = args.method;
const integ = makeIntegrator(md, opts);
const x = Float64Array.from(net.species, (s) => s.init);
const t0 = performance.now();
for (let k = 1; k <= K; k++) {
  const row = lines[k].trim().split(/\s+/).map(Number);
  inputs.forEach((q, j) => (x[q] = row[j]));
  targets.forEach((q, i) => (x[q] = row[ni + i]));
  integ.integrate(x, (k - 1) * T, k * T);
}
const ms = performance.now() - t0;
const out = [`# crnnc ${net.crnnc ?? ""} ${opts.method ?? "default method"} rtol ${opts.rtol} atol ${opts.atol}, ${K} iterations of T = ${T}, t = ${K * T}`];
net.species.forEach((s, q) => out.push(`${s.id} ${x[q]}`));
writeFileSync(args.out, out.join("\n") + "\n");
console.log(
  JSON.stringify({
    integrator: `crnnc ${opts.method ?? "default"}`,
    rtol: opts.rtol,
    atol: opts.atol,
    iterations: K,
    msPerIteration: ms / K,
    stats: integ.stats,
  }),
);
