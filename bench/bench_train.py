"""Benchmark: the article's training with every backend, against the article's own code.

The article's run (1000 epochs over its four people, one SGD step per sample,
learning rate 0.1) from the same initial parameters, timed side by side in
one process:

baseline
    ``nncore.OurNeuralNetwork.train``: the article's hand-written numpy code,
    as nncore retells it.
the article's own class
    ``tests/check_inputs/article_network.py``, the article's program copied
    faithfully (its ``train`` is fixed at 1000 epochs, so it runs only then).
generated python / numpy / c
    the code ``nnderive codegen`` writes, run as a user would (the Python
    modules imported, the C compiled once and called through ctypes; its
    timing includes the call).
sympy lambdify
    for comparison, SymPy's plain route: ``lambdify(modules="math")`` of the
    nine raw partials, called once per step in the same loop.

Every run must end at the same parameters as the baseline (to 1e-12), or
the script fails.  Each timing is the best of several repeats; the ratios
are baseline time / backend time.  The issue's targets are set against the
article's own code: the generated Python at least 4x faster than the
article's class, the generated numpy no slower (its train steps in plain
floats), the C at least 100x (nncore itself is now faster than the
article's class: see bench_nncore.py).

Run::

    python bench/bench_train.py              # about 10-20 s
    python bench/bench_train.py --repeats 5
"""

import argparse
import math
import platform
import sys

import numpy as np
from sympy import lambdify

import nncore
from derivations import derive
from derivations.codegen import load

from benchlib import article_module, article_training, best_time, c_library, print_table, verdict

TARGETS = {"generated python": 4.0, "generated numpy": 1.0, "generated c": 100.0}  # x faster than the article's class
ARTICLE = "the article's own class"


def baseline(start, epochs):
    network = nncore.OurNeuralNetwork()
    network.set_params(**dict(zip(nncore.PARAM_NAMES, start)))
    history = network.train(nncore.DATA, nncore.ALL_Y_TRUES, epochs=epochs)
    return list(network.params.values()), history


def sympy_lambdify_route():
    """A training loop around SymPy's plain lambdify of the raw partials (modules="math")."""
    d = derive()

    def sigmoid(x):
        return math.exp(x) if x < -700 else 1.0 / (1.0 + math.exp(-x))

    def d_sigmoid(x):
        s = sigmoid(x)
        return s * (1.0 - s)

    args = list(d.params) + list(d.inputs) + list(d.targets)
    gradient = lambdify(args, [p.expr for p in d.partials.values()],
                        modules=[{"sigmoid": sigmoid, "d_sigmoid": d_sigmoid}, "math"])
    loss = lambdify(args, d.loss, modules=[{"sigmoid": sigmoid}, "math"])
    samples = [(tuple(map(float, x)), float(t)) for x, t in zip(nncore.DATA, nncore.ALL_Y_TRUES)]

    def train(start, epochs, learn_rate=0.1):
        params = list(start)
        history = []
        for _ in range(epochs):
            for x, t in samples:
                params = [p - learn_rate * g for p, g in zip(params, gradient(*params, *x, t))]
            history.append(sum(loss(*params, *x, t) for x, t in samples) / len(samples))
        return params, history

    return train


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    start = list(nncore.OurNeuralNetwork(seed=args.seed).params.values())
    X, y = nncore.DATA.astype(float), nncore.ALL_Y_TRUES.astype(float)
    python, numpy_module = load(target="python"), load(target="numpy")  # generated before timing
    runs = {
        "generated python": lambda: python.train(start, X, y, epochs=args.epochs),
        "generated numpy": lambda: numpy_module.train(start, X, y, epochs=args.epochs),
        "sympy lambdify (math)": (lambda train: lambda: train(start, args.epochs))(sympy_lambdify_route()),
    }
    if args.epochs == 1000:  # the article's train() knows no other
        article = article_module()
        runs[ARTICLE] = lambda: (article_training(article, nncore.PARAM_NAMES, start), [None] * args.epochs)
    library = c_library()
    if library is not None:
        runs["generated c"] = lambda: library.train(start, X, y, epochs=args.epochs)

    print(f"The article's training: {args.epochs} epochs x 4 samples, seed {args.seed}, "
          f"best of {args.repeats}; Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}")
    base_time, (base_params, base_history) = best_time(lambda: baseline(start, args.epochs), args.repeats)
    rows = [("nncore OurNeuralNetwork.train (baseline)", base_time, 1.0)]
    failed = []
    for name, run in runs.items():
        seconds, (params, history) = best_time(run, args.repeats)
        worst = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(params, base_params))
        if worst > 1e-12 or len(history) != len(base_history):
            failed.append(f"{name} ends {worst:.1e} away from the baseline")
        rows.append((name, seconds, base_time / seconds))

    print_table("backend", "nncore", rows, digits=2)
    times = {name: time for name, time, _ in rows}
    if ARTICLE not in times:
        print(f"(targets not checked: {ARTICLE} trains 1000 epochs only)")
    for name, target in TARGETS.items():
        if name in times and ARTICLE in times:
            ratio = times[ARTICLE] / times[name]
            met = "met" if ratio >= target else "NOT met"
            print(f"target {name} >= {target:g}x {ARTICLE}: {met} ({ratio:.1f}x)")
    return verdict(failed, "every backend ends at the baseline's parameters (to 1e-12)")


if __name__ == "__main__":
    sys.exit(main())
