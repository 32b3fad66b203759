"""Shared by the reference benchmarks: read a crnnc JSON CRN, build the mass-action ODE and its
analytic Jacobian with numpy/scipy, and make/read the training-sample schedule.

Rate convention (crnnc's): mass action without combinatorial factors,
    rate_r = k_r * prod_i x_i^{n_i},     dx/dt = sum_r (products_r - reactants_r) * rate_r.

Samples file (shared by crn_scipy.py, cvode_klu.c via crn_to_text.py, and crnnc_state.mjs):
    line 1: "<iterations> <n_inputs> <n_targets>"
    then one line per iteration: the n_inputs input values, then the n_targets target values.
Inputs/targets are assigned to the species of role "input"/"target" sorted by their "index".
"""

import json

import numpy as np
import scipy.sparse as sp


def load(path):
    with open(path) as f:
        return json.load(f)


def period(net):
    """The period T: the train block's parameter (the IR JSON names it by id in train.params)."""
    pid = net["train"]["params"]["period"]
    return float(next(p["value"] for p in net["parameters"] if p["id"] == pid))


def role_indices(net, role):
    """Species indices of a role, ordered by the species' "index" field."""
    idx = [(s.get("index", 0), q) for q, s in enumerate(net["species"]) if s["role"] == role]
    return [q for _, q in sorted(idx)]


def make_samples(net, iterations, seed):
    """The sample schedule. XOR: one of the 4 truth-table rows drawn uniformly (numpy
    default_rng(seed).integers(4)) per iteration. Anything else (MNIST: the dataset is not
    bundled): inputs uniform in [0, 1) and a one-hot target with a uniform class, same RNG."""
    rng = np.random.default_rng(seed)
    ni = len(role_indices(net, "input"))
    nt = len(role_indices(net, "target"))
    name = net["train"]["dataset"].get("name") if net.get("train") else None
    rows = np.zeros((iterations, ni + nt))
    if name == "xor":
        table = np.array([[0, 0, 0], [1, 0, 1], [0, 1, 1], [1, 1, 0]], dtype=float)
        rows[:] = table[rng.integers(4, size=iterations)]
    else:
        for k in range(iterations):
            rows[k, :ni] = rng.random(ni)
            rows[k, ni + rng.integers(nt)] = 1.0
    return rows, ni, nt


def write_samples(path, rows, ni, nt):
    with open(path, "w") as f:
        f.write(f"{rows.shape[0]} {ni} {nt}\n")
        for r in rows:
            f.write(" ".join(repr(float(v)) for v in r) + "\n")


def read_samples(path):
    with open(path) as f:
        it, ni, nt = (int(v) for v in f.readline().split())
        rows = np.loadtxt(f, ndmin=2)
    assert rows.shape == (it, ni + nt), (rows.shape, it, ni, nt)
    return rows, ni, nt


class MassAction:
    """Vectorised mass-action RHS and analytic Jacobian (CSC with a fixed pattern, or dense)."""

    def __init__(self, net):
        sp_ids = [s["id"] for s in net["species"]]
        index = {s: q for q, s in enumerate(sp_ids)}
        n, m = len(sp_ids), len(net["reactions"])
        self.n, self.m = n, m
        self.x0 = np.array([float(s["init"]) for s in net["species"]])
        k = np.zeros(m)
        reac = []  # per reaction: {species: order}
        net_rows, net_cols, net_vals = [], [], []
        for r, rx in enumerate(net["reactions"]):
            rate = rx["rate"]
            if rate["kind"] != "mass":
                raise ValueError(f"reaction {r}: rate kind {rate['kind']} is not mass action")
            k[r] = rate["k"]
            a = {}
            for s, c in rx["reactants"]:
                a[index[s]] = a.get(index[s], 0) + int(c)
            d = {q: -c for q, c in a.items()}
            for s, c in rx["products"]:
                d[index[s]] = d.get(index[s], 0) + int(c)
            reac.append(a)
            for q, v in d.items():
                if v != 0:
                    net_rows.append(q), net_cols.append(r), net_vals.append(float(v))
        self.k = k
        self.N = sp.csr_matrix((net_vals, (net_rows, net_cols)), shape=(n, m))
        # Reactants padded to width w; the dummy species n has concentration 1, order 0.
        w = max(1, max(len(a) for a in reac))
        self.ridx = np.full((m, w), n, dtype=np.int64)
        self.rord = np.zeros((m, w), dtype=np.int64)
        for r, a in enumerate(reac):
            for c, (q, o) in enumerate(sorted(a.items())):
                self.ridx[r, c], self.rord[r, c] = q, o
        if self.rord.max() > 3:
            raise ValueError("reactant orders above 3 are not supported")
        self.xp = np.ones(n + 1)
        # Jacobian: J[t, s] = sum over reactions r, reactant s of r, net species t of r of
        #   N[t, r] * d rate_r / d x_s.   Pairs (reactant entry (r, c), net entry (t, r)).
        Nc = self.N.tocsc()
        pr, pc, pt, pv = [], [], [], []
        for r in range(m):
            ts = Nc.indices[Nc.indptr[r]:Nc.indptr[r + 1]]
            vs = Nc.data[Nc.indptr[r]:Nc.indptr[r + 1]]
            for c in range(w):
                if self.ridx[r, c] == n:
                    continue
                for t, v in zip(ts, vs):
                    pr.append(r), pc.append(c), pt.append(t), pv.append(v)
        pr, pc, pt, pv = map(np.asarray, (pr, pc, pt, pv))
        ps = self.ridx[pr, pc]
        # CSC pattern: the union of (t, s) pairs plus the full diagonal.
        rows = np.concatenate([pt, np.arange(n)])
        cols = np.concatenate([ps, np.arange(n)])
        pat = sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        pat.sum_duplicates()
        pat.sort_indices()
        self.jpattern = pat
        # Slot in pat.data of each pair.
        slot_of = {}
        for j in range(n):
            for p in range(pat.indptr[j], pat.indptr[j + 1]):
                slot_of[(pat.indices[p], j)] = p
        self.pair_r, self.pair_c, self.pair_v = pr, pc, pv
        self.pair_slot = np.array([slot_of[(t, s)] for t, s in zip(pt, ps)], dtype=np.int64)
        self.pair_dense = pt * n + ps
        self.nnz = pat.nnz
        self.nfev = 0
        self.njev = 0

    def rates(self, x):
        xp = self.xp
        xp[:-1] = x
        f = xp[self.ridx]
        f = np.where(self.rord == 0, 1.0, np.where(self.rord == 1, f, np.where(self.rord == 2, f * f, f * f * f)))
        return self.k * f.prod(axis=1)

    def rhs(self, t, x):
        self.nfev += 1
        return self.N @ self.rates(x)

    def _partials(self, x):
        """d rate_r / d x_{ridx[r, c]} for every (r, c), shape (m, w)."""
        xp = self.xp
        xp[:-1] = x
        base = xp[self.ridx]
        o = self.rord
        f = np.where(o == 0, 1.0, np.where(o == 1, base, np.where(o == 2, base * base, base * base * base)))
        df = np.where(o == 0, 0.0, np.where(o == 1, 1.0, np.where(o == 2, 2 * base, 3 * base * base)))
        w = f.shape[1]
        out = np.empty_like(f)
        for c in range(w):
            other = np.ones(self.m)
            for c2 in range(w):
                if c2 != c:
                    other = other * f[:, c2]
            out[:, c] = self.k * df[:, c] * other
        return out

    def jac_values(self, x):
        d = self._partials(x)
        return self.pair_v * d[self.pair_r, self.pair_c]

    def jac_sparse(self, t, x):
        self.njev += 1
        J = self.jpattern.copy()
        J.data = np.bincount(self.pair_slot, weights=self.jac_values(x), minlength=self.nnz)
        return J

    def jac_dense(self, t, x):
        self.njev += 1
        n = self.n
        return np.bincount(self.pair_dense, weights=self.jac_values(x), minlength=n * n).reshape(n, n)


def weight_rails(net):
    """Indices of the weight and bias rail species (roles "weight" and "bias")."""
    return [q for q, s in enumerate(net["species"]) if s["role"] in ("weight", "bias")]


def read_state(path):
    """A state file: one "<species id> <value>" per line (lines starting with # are comments)."""
    ids, vals = [], []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b = line.split()
            ids.append(a), vals.append(float(b))
    return ids, np.array(vals)


def write_state(path, net, x, comment=""):
    with open(path, "w") as f:
        if comment:
            f.write(f"# {comment}\n")
        for s, v in zip(net["species"], x):
            f.write(f"{s['id']} {float(v)!r}\n")


def compare(net, x, ref, floor=1e-3):
    """Max relative difference on the weight/bias rails, |x - ref| / max(|ref|, floor), and the
    largest such difference over all species, with the species it occurs at."""
    x, ref = np.asarray(x), np.asarray(ref)
    rel = np.abs(x - ref) / np.maximum(np.abs(ref), floor)
    w = weight_rails(net)
    qa = int(np.argmax(rel))
    qw = w[int(np.argmax(rel[w]))]
    ids = [s["id"] for s in net["species"]]
    return {"weights_max_rel": float(rel[qw]), "weights_at": ids[qw], "all_max_rel": float(rel[qa]), "all_at": ids[qa]}
