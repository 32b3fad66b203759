// Simulation of an imported (SBML) model: the ODE between events, and its events at their
// times (SBML L3V2 §4.12). The integrators locate every trigger's crossing like a rate law's
// switch (compileModel adds the triggers' comparisons to the switches), so a step ends just
// past the crossing; this driver sees the trigger's truth change at that step, stops there,
// and runs the event: at once, or after its delay (the run is cut at the delayed time), with
// the values of the trigger time when it says so, the higher priority first among events due
// at the same time, and triggers re-checked after each one (an event can set off another). A
// non-persistent event whose trigger turns false before its delayed time is dropped.
//
//   an event `S1 < 0.1 → S1 = 1` on S1' = −S1  →  a saw tooth: S1 falls to 0.1, jumps to 1, ...

import { holds } from "../ir/expr.js";
import { Rng } from "../util/rng.js";
import type { CRN, IRExpr } from "../ir/types.js";
import { compileModel, setParameters, type CompiledModel } from "./model.js";
import { compileLaw } from "./law-codegen.js";
import { IntegrationError, type Integrator } from "./rosenbrock.js";
import { makeIntegrator, type SimulateOptions, type Trajectory } from "./simulate.js";
import { isStochastic } from "./methods.js";
import { StochasticIntegrator } from "./ssa.js";

/** Thrown out of the integrator's step callback when a trigger changed: the run stops at that step. */
class TriggerChanged extends Error {}

interface Pending {
  event: number;
  time: number;
  /** The assignments' values at the trigger time (useValuesFromTriggerTime), else computed when it runs. */
  values?: number[];
  seq: number;
}

/** Events chained at one time beyond this many are a loop (an event that sets off itself). */
const MAX_EVENTS_AT_ONE_TIME = 10_000;

/** The compiled model, integrator and event code of an IR, for one set of solver options. */
interface Prepared {
  md: CompiledModel;
  integ: Integrator;
  events: ReturnType<typeof compileEvents>;
  params0: Float64Array;
}

/**
 * Stochastic runs of one model come in ensembles of thousands (the DSMTS's 10 000): the model,
 * the integrator's generated event code and the event code are made once per IR and solver
 * options and reused, each run starting from the IR's parameters with the integrator reseeded.
 */
const prepared = new WeakMap<CRN, Map<string, Prepared>>();

function compileEvents(ir: CRN, P: Float64Array) {
  const fn = (e: IRExpr) => compileLaw(e, [], P).rate;
  return ir.imported!.events.map((e) => ({
    trigger: fn(e.trigger),
    delay: e.delay ? fn(e.delay) : undefined,
    priority: e.priority ? fn(e.priority) : undefined,
    values: e.assignments.map((a) => fn(a.value)),
    scales: e.assignments.map((a) => (a.scale ? fn(a.scale) : undefined)),
    targets: e.assignments.map((a) => a.target),
    persistent: e.persistent,
    uvftt: e.useValuesFromTriggerTime,
  }));
}

function prepare(ir: CRN, opts: SimulateOptions): Prepared {
  const make = (): Prepared => {
    const md = compileModel(ir, { splitUpdateCatalysis: true });
    return { md, integ: makeIntegrator(md, opts), events: compileEvents(ir, md.params), params0: Float64Array.from(md.params) };
  };
  if (!isStochastic(opts.method)) return make();
  const key = JSON.stringify([opts.method, opts.volume, opts.combinatorial, opts.tau]);
  let byOpts = prepared.get(ir);
  if (!byOpts) prepared.set(ir, (byOpts = new Map()));
  let p = byOpts.get(key);
  if (!p) byOpts.set(key, (p = make()));
  else {
    // Events may have changed parameters in the last run.
    setParameters(p.md, p.params0);
    (p.integ as StochasticIntegrator).reseed(opts.seed ?? 1);
  }
  return p;
}

export function simulateImported(ir: CRN, opts: SimulateOptions & { seed?: number }): Trajectory {
  const im = ir.imported!;
  const { md, integ, events } = prepare(ir, opts);
  const P = md.params;
  const x = opts.x0 ? Float64Array.from(opts.x0) : Float64Array.from(ir.species, (s) => s.init);
  const species = ir.species.map((s) => s.id);
  const points = Math.max(2, opts.points ?? 2);
  const tOut: number[] = [0];
  const values: Float64Array[] = [];
  // Parameters an event sets are recorded with the state, so output reads them as they were.
  const changesParams = im.events.some((e) => e.assignments.some((a) => a.target.k === "param"));
  const params: Float64Array[] = [];
  const record = () => {
    values.push(Float64Array.from(x));
    if (changesParams) params.push(Float64Array.from(P));
  };
  const status = im.events.map((e) => e.initialValue);
  const pending: Pending[] = [];
  let seq = 0;
  const rng = new Rng(opts.seed ?? 1);
  let t = 0;
  const syncTime = () => {
    if (im.time !== undefined) x[im.time] = t;
  };

  const fire = (j: number) => {
    const ev = events[j]!;
    const d = ev.delay ? ev.delay(x) : 0;
    pending.push({ event: j, time: t + (d > 0 ? d : 0), ...(ev.uvftt ? { values: ev.values.map((f) => f(x)) } : {}), seq: seq++ });
  };
  /** Compare every trigger with its last truth: rising ones fire, falling ones drop their non-persistent pending runs. */
  const check = () => {
    for (let j = 0; j < events.length; j++) {
      const now = holds(events[j]!.trigger(x));
      if (now === status[j]) continue;
      status[j] = now;
      if (now) fire(j);
      else if (!events[j]!.persistent) for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.event === j) pending.splice(i, 1);
    }
  };
  /** Run every event due at t, highest priority first, re-checking the triggers after each. */
  const runDue = () => {
    for (let count = 0; ; count++) {
      // The highest priority runs first; among equals SBML asks for a random choice (seeded: the same run, the same choice).
      let best = -1;
      let bestPrio = -Infinity;
      let ties = 0;
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i]!;
        if (p.time > t) continue;
        const pr = events[p.event]!.priority?.(x) ?? -Infinity;
        if (best < 0 || pr > bestPrio) {
          best = i;
          bestPrio = pr;
          ties = 1;
        } else if (pr === bestPrio && rng.int(++ties) === 0) best = i;
      }
      if (best < 0) return;
      if (count > MAX_EVENTS_AT_ONE_TIME)
        throw new IntegrationError(`more than ${MAX_EVENTS_AT_ONE_TIME} events at t = ${t}: an event that sets off itself`, t);
      const [p] = pending.splice(best, 1) as [Pending];
      const ev = events[p.event]!;
      const vals = p.values ?? ev.values.map((f) => f(x));
      const scales = ev.scales.map((f) => (f ? f(x) : 1));
      let paramsChanged = false;
      ev.targets.forEach((target, i) => {
        const v = vals[i]! * scales[i]!;
        if (target.k === "species") x[target.s] = v;
        else {
          P[target.p] = v;
          paramsChanged = true;
        }
      });
      if (paramsChanged) setParameters(md, P);
      syncTime();
      check();
    }
  };

  syncTime();
  check();
  runDue();
  record();
  for (let k = 1; k < points; k++) {
    const tk = (opts.until * k) / (points - 1);
    try {
      while (t < tk) {
        let tNext = tk;
        for (const p of pending) if (p.time > t && p.time < tNext) tNext = p.time;
        let stop = -1;
        // A model whose every value is a constant or a rule's (no state): nothing to integrate.
        if (md.n > 0)
          try {
            integ.integrate(
              x,
              t,
              tNext,
              events.length === 0
                ? undefined
                : (ts, xs) => {
                    for (let j = 0; j < events.length; j++)
                      if (holds(events[j]!.trigger(xs)) !== status[j]) {
                        stop = ts;
                        throw new TriggerChanged();
                      }
                  },
            );
          } catch (e) {
            if (!(e instanceof TriggerChanged)) throw e;
          }
        t = stop >= 0 ? stop : tNext;
        syncTime();
        check();
        runDue();
      }
    } catch (e) {
      if (e instanceof IntegrationError) return { species, t: tOut, values, ...(changesParams ? { params } : {}), stopped: { message: e.message, time: e.t } };
      throw e;
    }
    tOut.push(tk);
    record();
  }
  return { species, t: tOut, values, ...(changesParams ? { params } : {}), ...(integ instanceof StochasticIntegrator ? { events: integ.events } : {}) };
}
