"""Benchmark: the derivation at scale, the chain rule against naive ``sympy.diff``, side by side.

Two routes from a network description to a numeric gradient, timed in the
same run on the same samples:

ours
    ``Derivation(network)`` (built directly, so nothing is cached): one named
    factor per connection, layer by layer, each neuron's downstream chain
    reused; then ``NumericDerivation`` lambdifies the statement list, whose
    shared subexpressions are already named; then one evaluation.
naive
    the loss expanded in inputs and parameters with SymPy's own functions
    (``derivations.graph.explicit_loss``), ``sympy.diff`` once per
    parameter, ``lambdify(cse=True)`` of the whole gradient, one evaluation.

Both gradients are compared at the same random point (mean over the
samples), so the timings compare like with like.  The SymPy cache is cleared
before each measurement.  The script ends with a Markdown table for the
README and the issue's targets (2-16-16-1 derived and lambdified in under
5 s; 2-8-8-1 at least 20 times faster than the naive route).

Run::

    python bench/bench_derive.py                 # about 30 s: naive up to 2-8-8-1
    python bench/bench_derive.py --naive-large   # also the naive route on 2-16-16-1 (minutes)
"""

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass

import numpy as np
import sympy
from sympy.core.cache import clear_cache

from derivations.chain import Derivation
from derivations.graph import build_graph, explicit_loss
from derivations.network import Network
from derivations.numeric import NumericDerivation

#: the scaling table's networks, smallest first
SCALING = ("2-4-1", "2-8-1", "2-4-4-1", "2-8-8-1", "2-16-16-1", "2-32-32-1")
#: the naive route by default (2-16-16-1 takes minutes: --naive-large)
NAIVE = ("2-4-1", "2-8-1", "2-4-4-1", "2-8-8-1")
NAIVE_LARGE = ("2-16-16-1",)
#: the issue's targets
TARGET_SECONDS = ("2-16-16-1", 5.0)
TARGET_RATIO = ("2-8-8-1", 20.0)
#: the two gradients must agree to this, relative to the largest partial
AGREEMENT = 1e-9


@dataclass
class Timing:
    derive: float  # seconds to the symbolic gradient
    lambdify: float  # seconds to turn it into a numpy function
    evaluate: float  # seconds for one gradient over every sample
    gradient: dict  # {param name: mean partial over the samples}
    statements: int = 0  # lines of the statement list (ours only)

    @property
    def total(self):
        return self.derive + self.lambdify + self.evaluate


def ours(network, params, X, y):
    clear_cache()
    start = time.perf_counter()
    derivation = Derivation(network)
    derivation.partials  # the scalar chain is built on first use: here, so that the derive column holds it
    derived = time.perf_counter()
    numeric = NumericDerivation(derivation)
    numeric._gradient  # built on first use: here, so that the lambdify column holds it
    lambdified = time.perf_counter()
    gradient = numeric.gradient(params, X, y)
    evaluated = time.perf_counter()
    program = numeric.program
    return Timing(derived - start, lambdified - derived, evaluated - lambdified, gradient,
                  len(program.forward) + len(program.backward))


def naive(network, params, X, y):
    clear_cache()
    start = time.perf_counter()
    graph = build_graph(network)
    loss = explicit_loss(graph)
    partials = [sympy.diff(loss, p) for p in graph.params]
    derived = time.perf_counter()
    args = list(graph.params) + list(graph.inputs) + list(graph.targets)
    function = sympy.lambdify(args, partials, modules="numpy", cse=True)
    lambdified = time.perf_counter()
    columns = [params[p.name] for p in graph.params] + list(X.T) + list(np.reshape(y, (len(X), -1)).T)
    per_sample = function(*columns)
    gradient = {p.name: float(np.mean(np.broadcast_to(g, (len(X),)))) for p, g in zip(graph.params, per_sample)}
    evaluated = time.perf_counter()
    return Timing(derived - start, lambdified - derived, evaluated - lambdified, gradient)


def point(network, samples, seed):
    """Parameters, inputs and targets drawn once per network, shared by both routes."""
    rng = np.random.default_rng(seed)
    names = [f"w{i + 1}" for i in range(network.n_weights)] + [f"b{i + 1}" for i in range(network.n_biases)]
    # scaled so the sums stay in the sigmoid's lively range
    params = {n: float(v) for n, v in zip(names, rng.normal(scale=0.5, size=len(names)))}
    X = rng.normal(size=(samples, network.n_inputs))
    y = rng.random(size=(samples,) if network.n_outputs == 1 else (samples, network.n_outputs))
    return params, X, y


def disagreement(a, b):
    """The largest difference between two gradients, relative to the largest partial."""
    scale = max(abs(v) for v in a.values())
    return max(abs(a[k] - b[k]) for k in a) / scale


def best(route, network, data, repeat):
    runs = [route(network, *data) for _ in range(repeat)]
    return min(runs, key=lambda t: t.total)


def seconds(value):
    return "—" if value is None else f"{value:.3f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--naive-large", action="store_true", help="also run the naive route on 2-16-16-1 (minutes)")
    parser.add_argument("--samples", type=int, default=10_000, help="samples per gradient evaluation (default 10000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per route and network; the fastest counts (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    print(f"nnderive derivation benchmark: Python {platform.python_version()}, SymPy {sympy.__version__}, "
          f"NumPy {np.__version__}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"each gradient evaluated once on {args.samples} samples; sigmoid activations, mse loss\n")
    # first use of lambdify and of the printers costs imports: pay it outside the timings
    warm = Network((2, 1))
    ours(warm, *point(warm, 4, 0))
    naive(warm, *point(warm, 4, 0))

    naive_specs = NAIVE + (NAIVE_LARGE if args.naive_large else ())
    rows = []
    failed = False
    for spec in SCALING:
        network = Network.parse(spec)
        data = point(network, args.samples, args.seed)
        fast = best(ours, network, data, args.repeat)
        slow = best(naive, network, data, args.repeat) if spec in naive_specs else None
        off = disagreement(slow.gradient, fast.gradient) if slow else None
        if off is not None and not off <= AGREEMENT:
            failed = True
        rows.append((spec, network, fast, slow, off))
        line = f"{spec:>10}: ours {fast.total:7.3f} s"
        if slow:
            line += f"   naive {slow.total:7.3f} s   {slow.total / fast.total:6.1f}x faster   " \
                    f"gradients agree to {off:.1e}"
        print(line, flush=True)

    print("\nScaling, in seconds. derive: Derivation(network); lambdify: NumericDerivation (the statement "
          "list, then its gradient function); naive: sympy.diff of the expanded loss "
          "+ lambdify(cse=True) + one gradient.\n")
    print(f"| network | parameters | statements | derive | lambdify | gradient, {args.samples} samples "
          f"| ours total | naive total | naive / ours |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for spec, network, fast, slow, _ in rows:
        ratio = f"{slow.total / fast.total:.0f}×" if slow else "—"
        print(f"| {spec} | {network.n_params} | {fast.statements} | {fast.derive:.3f} | {fast.lambdify:.3f} "
              f"| {fast.evaluate:.3f} | {fast.total:.3f} | {seconds(slow.total if slow else None)} | {ratio} |")

    print("\nTargets:")
    found = {spec: (fast, slow) for spec, _, fast, slow, _ in rows}
    spec, limit = TARGET_SECONDS
    took = found[spec][0].derive + found[spec][0].lambdify
    print(f"  {spec} derived and lambdified in {took:.2f} s (target < {limit:g} s): "
          f"{'met' if took < limit else 'NOT MET'}")
    spec, wanted = TARGET_RATIO
    fast, slow = found[spec]
    ratio = slow.total / fast.total
    print(f"  {spec}: {ratio:.0f}x faster than the naive route (target >= {wanted:g}x): "
          f"{'met' if ratio >= wanted else 'NOT MET'}")
    if failed:
        print("\nTHE TWO ROUTES DISAGREE: the timings compare different things", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
