"""Benchmark: the mean-loss gradient over a million samples, side by side in one run.

The article's network, its gradient averaged over 1,000,000 random samples:

baseline
    a hand-vectorized numpy backprop, written below as a careful person would
    (the article's formulas on whole columns, each f' taken once, one delta
    per neuron).
generated numpy
    ``nnderive codegen --target numpy``: the derivation's statement list.
sympy lambdify(cse=True)
    SymPy's own route: the nine raw partials, lambdified with SymPy's common
    subexpression elimination.
derivation.gradient
    the derivation's lambdified statement list (what ``Derivation.gradient`` runs).
generated c
    ``nnderive codegen --target c``, compiled, called once through ctypes.

All must agree (to 1e-10 relative to the largest component) or the script
fails.  Timings are the best of several repeats; ratios are baseline time /
backend time.  The issue's target: the generated numpy no slower than the
hand-vectorized version (ratio >= 1), the C faster still.

Run::

    python bench/bench_gradient.py                    # about 15-30 s
    python bench/bench_gradient.py --samples 100000
"""

import argparse
import platform
import sys

import numpy as np
from sympy import lambdify

from derivations import derive
from derivations.codegen import load

from benchlib import best_time, c_library, print_table, verdict
from derivations.rules import NUMPY_FUNCTIONS
from nncore import sigmoid


def hand_vectorized(params, X, y):
    """The article's backprop on whole columns: forward, one delta per neuron, means."""
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = params
    x1, x2 = X[:, 0], X[:, 1]
    h1 = sigmoid(w1 * x1 + w2 * x2 + b1)
    h2 = sigmoid(w3 * x1 + w4 * x2 + b2)
    y_pred = sigmoid(w5 * h1 + w6 * h2 + b3)
    delta_o1 = -2 * (y - y_pred) * y_pred * (1 - y_pred)  # dL/dsum_o1
    delta_h1 = delta_o1 * w5 * h1 * (1 - h1)  # dL/dsum_h1
    delta_h2 = delta_o1 * w6 * h2 * (1 - h2)
    return np.array([
        np.mean(delta_h1 * x1), np.mean(delta_h1 * x2), np.mean(delta_h2 * x1), np.mean(delta_h2 * x2),
        np.mean(delta_o1 * h1), np.mean(delta_o1 * h2),
        np.mean(delta_h1), np.mean(delta_h2), np.mean(delta_o1),
    ])


def sympy_cse_route():
    d = derive()
    args = list(d.params) + list(d.inputs) + list(d.targets)
    gradient = lambdify(args, [p.expr for p in d.partials.values()], modules=[NUMPY_FUNCTIONS, "numpy"], cse=True)

    def run(params, X, y):
        return np.array([np.mean(g) for g in gradient(*params, X[:, 0], X[:, 1], y)])

    return run


def derivation_route():
    d = derive()
    names = [p.name for p in d.params]

    def run(params, X, y):
        return np.array(list(d.gradient(dict(zip(names, params)), X, y).values()))

    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    X = rng.normal(scale=10.0, size=(args.samples, 2))  # around the article's shifted weights/heights
    y = (rng.random(args.samples) < 0.5).astype(float)
    params = rng.normal(size=9)

    generated = load(target="numpy")
    sympy_cse = sympy_cse_route()
    derivation = derivation_route()
    runs = {
        "generated numpy": lambda: generated.gradients(params, X, y),
        "sympy lambdify(cse=True), raw partials": lambda: sympy_cse(params, X, y),
        "derivation.gradient (lambdified statement list)": lambda: derivation(params, X, y),
    }
    library = c_library()
    if library is not None:
        runs["generated c"] = lambda: library.gradients(params, X, y)

    print(f"The mean-loss gradient of the article's network over {args.samples:,} samples, best of "
          f"{args.repeats}; Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    base_time, reference = best_time(lambda: hand_vectorized(params, X, y), args.repeats)
    scale = np.max(np.abs(reference))
    rows = [("hand-vectorized numpy backprop (baseline)", base_time, 1.0)]
    failed = []
    for name, run in runs.items():
        seconds, grad = best_time(run, args.repeats)
        worst = np.max(np.abs(np.asarray(grad) - reference)) / scale
        if not worst <= 1e-10:
            failed.append(f"{name} differs by {worst:.1e}")
        rows.append((name, seconds, base_time / seconds))

    print_table("route", "hand-vectorized", rows, digits=2)
    ratios = {name: ratio for name, _, ratio in rows}
    numpy_ratio = ratios["generated numpy"]
    print(f"target generated numpy no slower than hand-vectorized: "
          f"{'met' if numpy_ratio >= 1 else 'NOT met'} ({numpy_ratio:.2f}x)")
    if "generated c" in ratios:
        c_ratio = ratios["generated c"]
        print(f"target generated c faster still: {'met' if c_ratio > numpy_ratio else 'NOT met'} ({c_ratio:.2f}x)")
    return verdict(failed, "every route agrees with the baseline (to 1e-10 of the largest component)")


if __name__ == "__main__":
    sys.exit(main())
