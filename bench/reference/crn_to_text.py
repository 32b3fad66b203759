#!/usr/bin/python3
"""Convert a crnnc JSON CRN and a samples file into the plain text input of cvode_klu.c.

  /usr/bin/python3 bench/reference/crn_to_text.py /tmp/xor.json /tmp/xor.samples.txt -o /tmp/xor.crn.txt

Format (whitespace-separated tokens):
  crnref 1
  n m T
  x0_0 ... x0_{n-1}                                initial concentrations
  m lines: k  nr (s order)*nr  nn (s change)*nn     reactants (merged per species) and the
                                                    net stoichiometry (products − reactants, zeros dropped)
  ni idx*ni                                         input species, by "index"
  nt idx*nt                                         target species, by "index"
  nw idx*nw                                         weight/bias rails (for reports)
  K                                                 iterations in the schedule
  K lines: ni input values, nt target values
  n species ids, one per line
Species indices are 0-based positions in the JSON's "species" list.
"""

import argparse

import crnjson


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("net")
    ap.add_argument("samples")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    net = crnjson.load(a.net)
    rows, ni, nt = crnjson.read_samples(a.samples)
    index = {s["id"]: q for q, s in enumerate(net["species"])}
    n, m = len(net["species"]), len(net["reactions"])
    inputs = crnjson.role_indices(net, "input")
    targets = crnjson.role_indices(net, "target")
    assert (ni, nt) == (len(inputs), len(targets)), "samples file does not fit the network"
    out = ["crnref 1", f"{n} {m} {crnjson.period(net)!r}"]
    out.append(" ".join(repr(float(s["init"])) for s in net["species"]))
    for r in net["reactions"]:
        if r["rate"]["kind"] != "mass":
            raise SystemExit("only mass-action rates are supported")
        a_ = {}
        for s, c in r["reactants"]:
            a_[index[s]] = a_.get(index[s], 0) + int(c)
        d = {q: -c for q, c in a_.items()}
        for s, c in r["products"]:
            d[index[s]] = d.get(index[s], 0) + int(c)
        d = {q: v for q, v in d.items() if v != 0}
        toks = [repr(float(r["rate"]["k"])), str(len(a_))]
        for q, c in sorted(a_.items()):
            toks += [str(q), str(c)]
        toks.append(str(len(d)))
        for q, v in sorted(d.items()):
            toks += [str(q), str(v)]
        out.append(" ".join(toks))
    w = crnjson.weight_rails(net)
    for lst in (inputs, targets, w):
        out.append(" ".join(map(str, [len(lst), *lst])))
    out.append(str(rows.shape[0]))
    for r in rows:
        out.append(" ".join(repr(float(v)) for v in r))
    out += [s["id"] for s in net["species"]]
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
