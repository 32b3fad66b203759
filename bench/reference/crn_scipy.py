#!/usr/bin/python3
"""Reference timings with scipy: one-pot training of a crnnc CRN with scipy.integrate.solve_ivp.

  (a) LSODA with the analytic dense Jacobian, (b) BDF with the analytic sparse (CSC) Jacobian,
  rtol 1e-6, atol 1e-9. Per iteration k: set the input/target species to sample k, integrate
  over [(k-1)T, kT] from the carried-over state (a fresh solve_ivp call, i.e. a restart, at each
  boundary). Prints ms/iteration over the first 40 and first 300 iterations and over all that
  ran, one JSON line per method at the end.

  /usr/bin/python3 bench/reference/crn_scipy.py /tmp/xor.json --samples /tmp/xor.samples.txt \
      --iterations 300 --check /tmp/xor.crnnc.state --check-iterations 20

Options:
  --methods LSODA,BDF     which integrators
  --iterations N          iterations to run per method (default 300)
  --max-seconds S         stop a method after the iteration that passes S seconds (default 300)
  --check FILE            a state file written by crnnc_state.mjs after --check-iterations K
                          iterations of the same samples: the state at K is compared with it
  --json-out FILE         append the result lines to FILE

OPENBLAS_NUM_THREADS defaults to 1 here (see below); set it in the environment to override.
"""

import argparse
import json
import os
import sys
import time

# One BLAS thread unless told otherwise: with Debian's OpenBLAS (pthreads) LSODA's dense
# dgetrf on a 2-core machine that other processes also use ran 5-7x slower threaded.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

import crnjson  # noqa: E402


def run(net, ma, rows, ni, nt, method, iterations, max_seconds, check_k, rtol, atol):
    inputs = crnjson.role_indices(net, "input")
    targets = crnjson.role_indices(net, "target")
    T = crnjson.period(net)
    x = ma.x0.copy()
    ma.nfev = ma.njev = 0
    jac = ma.jac_dense if method == "LSODA" else ma.jac_sparse
    per_it = []
    steps = 0
    check_state = None
    start = time.perf_counter()
    for k in range(1, iterations + 1):
        x[inputs] = rows[k - 1, :ni]
        x[targets] = rows[k - 1, ni:ni + nt]
        t0 = time.perf_counter()
        sol = solve_ivp(ma.rhs, ((k - 1) * T, k * T), x, method=method, jac=jac, rtol=rtol, atol=atol)
        per_it.append(time.perf_counter() - t0)
        if sol.status != 0:
            raise RuntimeError(f"{method}: iteration {k}: {sol.message}")
        steps += len(sol.t) - 1
        x = sol.y[:, -1].copy()
        if k == check_k:
            check_state = x.copy()
        if time.perf_counter() - start > max_seconds:
            break
    per_it = np.array(per_it) * 1e3

    def avg(n):
        return float(per_it[:n].mean()) if len(per_it) >= n else None

    return {
        "integrator": f"scipy {method}",
        "linear_solver": "dense LU (LAPACK dgetrf, in ODEPACK)" if method == "LSODA" else "sparse LU (SuperLU splu)",
        "jacobian": "analytic dense" if method == "LSODA" else "analytic sparse CSC",
        "network": net["name"],
        "species": ma.n,
        "reactions": ma.m,
        "rtol": rtol,
        "atol": atol,
        "iterations_run": len(per_it),
        "ms_first40": avg(40),
        "ms_first300": avg(300),
        "ms_first3000": avg(3000),
        "ms_all": float(per_it.mean()),
        "steps": steps,
        "nfev": ma.nfev,
        "njev": ma.njev,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
    }, check_state, x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("net")
    ap.add_argument("--samples", required=True)
    ap.add_argument("--methods", default="LSODA,BDF")
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--max-seconds", type=float, default=300)
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-9)
    ap.add_argument("--check")
    ap.add_argument("--check-iterations", type=int, default=20)
    ap.add_argument("--json-out")
    a = ap.parse_args()

    net = crnjson.load(a.net)
    ma = crnjson.MassAction(net)
    rows, ni, nt = crnjson.read_samples(a.samples)
    iterations = min(a.iterations, rows.shape[0])
    print(f"{net['name']}: {ma.n} species, {ma.m} reactions, Jacobian nnz {ma.nnz} (with diagonal); "
          f"T = {crnjson.period(net)}; scipy {scipy.__version__}, numpy {np.__version__}", flush=True)
    ref = None
    if a.check:
        ids, ref = crnjson.read_state(a.check)
        assert ids == [s["id"] for s in net["species"]], "state file species differ from the network's"
    results = []
    for method in a.methods.split(","):
        res, xk, _ = run(net, ma, rows, ni, nt, method, iterations, a.max_seconds, a.check_iterations, a.rtol, a.atol)
        if ref is not None:
            if xk is None:
                res["check"] = f"not reached ({res['iterations_run']} < {a.check_iterations} iterations)"
            else:
                res["check"] = {"iterations": a.check_iterations, **crnjson.compare(net, xk, ref)}
        fmt = lambda v: "—" if v is None else f"{v:.2f}"
        print(f"{res['integrator']:>12} ({res['jacobian']}, {res['linear_solver']}): "
              f"{res['iterations_run']} iterations; ms/iteration first 40 {fmt(res['ms_first40'])}, "
              f"first 300 {fmt(res['ms_first300'])}, first 3000 {fmt(res['ms_first3000'])}, all {fmt(res['ms_all'])}; "
              f"steps {res['steps']}, f evals {res['nfev']}, J evals {res['njev']}", flush=True)
        if "check" in res:
            print(f"{'':>12} check vs crnnc after {a.check_iterations} iterations: {res['check']}", flush=True)
        results.append(res)
    for r in results:
        print(json.dumps(r))
    if a.json_out:
        with open(a.json_out, "a") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    sys.exit(main())
