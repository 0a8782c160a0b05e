"""Benchmark: nncore against the article's own class, side by side in one run.

nncore is the article's network written out again (stable for large inputs,
seedable, returning the loss history); it must not be slower than the code it
retells.  The contenders, from the same initial parameters:

baseline
    the article's ``OurNeuralNetwork.train``, copied faithfully in
    ``tests/check_inputs/article_network.py`` (1000 epochs, learning rate
    0.1, its loss printed every 10 epochs; the printing goes to a buffer).
nncore OurNeuralNetwork.train
    the same training with nncore (which also records the loss every epoch).
sigmoid / deriv_sigmoid
    100,000 calls on one float each, as training makes them: the article's
    functions against nncore's.

Training must end at the baseline's parameters (to 1e-12) and the sigmoids
must agree (to 1e-15: both evaluate the same formula), or the script fails.
Each timing is the best of several repeats; the ratios are baseline time /
nncore time.  The issue's target: nncore's training at least as fast as the
article's (ratio >= 1).

Run::

    python bench/bench_nncore.py              # about 2 s
    python bench/bench_nncore.py --repeats 9
"""

import argparse
import platform
import sys

import numpy as np

import nncore

from benchlib import article_module, article_training, best_time, print_table, verdict

TARGET = 1.0


def nncore_training(start):
    network = nncore.OurNeuralNetwork()
    network.set_params(**dict(zip(nncore.PARAM_NAMES, start)))
    network.train(nncore.DATA, nncore.ALL_Y_TRUES, epochs=1000, learn_rate=0.1)
    return list(network.params.values())


def calls(function, xs):
    return lambda: [function(x) for x in xs]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    article = article_module()
    start = list(nncore.OurNeuralNetwork(seed=args.seed).params.values())
    # the inputs training gives f: numpy floats (a weight times a numpy row entry), moderate size
    xs = list(np.random.default_rng(args.seed).normal(scale=4.0, size=100_000))

    print(f"nncore vs the article's class: seed {args.seed}, best of {args.repeats}; "
          f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    contests = [
        ("OurNeuralNetwork.train, 1000 epochs", lambda: article_training(article, nncore.PARAM_NAMES, start),
         lambda: nncore_training(start), 1e-12),
        ("sigmoid, 100,000 floats", calls(article.sigmoid, xs), calls(nncore.sigmoid, xs), 1e-15),
        ("deriv_sigmoid, 100,000 floats", calls(article.deriv_sigmoid, xs), calls(nncore.deriv_sigmoid, xs), 1e-15),
    ]
    rows, failed = [], []
    for what, baseline, contender, tolerance in contests:
        base_time, expected = best_time(baseline, args.repeats)
        seconds, got = best_time(contender, args.repeats)
        worst = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(got, expected))
        if worst > tolerance:
            failed.append(f"{what}: nncore is {worst:.1e} away from the article")
        rows.append((f"{what}: article", base_time, 1.0))
        rows.append((f"{what}: nncore", seconds, base_time / seconds))

    print_table("contender", "the article", rows, digits=2)
    ratio = rows[1][2]
    print(f"target nncore training >= {TARGET:g}x the article's: {'met' if ratio >= TARGET else 'NOT met'} "
          f"({ratio:.2f}x)")
    return verdict(failed, "nncore ends where the article's class ends (to 1e-12); the sigmoids agree (to 1e-15)")


if __name__ == "__main__":
    sys.exit(main())
