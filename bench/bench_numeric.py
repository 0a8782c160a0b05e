"""Benchmark: ``Derivation.gradient`` and ``loss_value`` at full speed, and how fast nnderive starts.

Side by side in one run, on the same parameters and samples:

baseline
    a hand-vectorized numpy backprop, as a careful person would write it: for
    the article's network the column-by-column version of bench_gradient.py
    (the article's formulas on whole columns), for 2-64-64-1 the matrix form
    below (one matrix product per layer and direction).
derivation
    ``derive(net).gradient`` / ``loss_value``: the statement list,
    lambdified, over blocks of rows (what the issue is about).
generated numpy
    ``nnderive codegen --target numpy`` run as a module (``gradients``, ``loss``).
jax.jit
    the matrix form in ``jax.numpy``, ``jax.jit(jax.grad(...))`` in float64
    on the CPU, compiled before timing (only if jax is installed).

for the article's 2-2-1 network over 1,000,000 samples and 2-64-64-1 over
100,000 (sigmoid, mse).  Every contender must agree with the baseline (to
1e-10 of the largest component) or the script fails.  Timings are the best of
several repeats; ratios are baseline time / contender time, and the issue's
target is derivation / generated numpy >= 1.

Then the time from nothing to a first gradient (``derive`` then its
gradient on 1,000 samples, SymPy's and nnderive's caches emptied first) for
2-8-8-1 and 2-64-64-1, and the start-up of
``nnderive --help`` and of a cached ``nnderive train --backend c`` (fresh
interpreters, best of several), with ``python -c pass`` and ``import sympy``
for scale, and the first, uncached run of each training (derive, generate,
compile) beside the cached one.

Run::

    python bench/bench_numeric.py                  # about 2 minutes
    python bench/bench_numeric.py --quick          # smaller data, fewer repeats
    python bench/bench_numeric.py --startup        # the start-up table only (a few seconds)
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sympy.core.cache import clear_cache

from bench_gradient import hand_vectorized
from benchlib import best_time
from derivations import Network, derive
from derivations import chain, layer_values
from derivations.codegen import load
from nncore import sigmoid

ROOT = Path(__file__).resolve().parent.parent
#: (network, samples) of the issue
CASES = (("2-2-1", 1_000_000), ("2-64-64-1", 100_000))
#: the build-time comparison of the issue: the big one within 8x of the small one
BUILD = ("2-8-8-1", "2-64-64-1", 8.0)
AGREEMENT = 1e-10


def unpack(sizes, values, xp=np):
    """Weight matrices (out x in) and bias vectors from the flat parameters, by the naming rules."""
    n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    Ws, bs, w, b = [], [], 0, n_weights
    for fan_in, size in zip(sizes, sizes[1:]):
        Ws.append(xp.reshape(values[w:w + fan_in * size], (size, fan_in)))
        bs.append(values[b:b + size])
        w, b = w + fan_in * size, b + size
    return Ws, bs


def hand_gradient(sizes, values, X, y):
    """The mean-loss gradient by matrix backprop (sigmoid everywhere, mse), in parameter order."""
    Ws, bs = unpack(sizes, values)
    outs = [X]
    for W, b in zip(Ws, bs):
        outs.append(sigmoid(outs[-1] @ W.T + b))
    a = outs[-1]
    delta = -2 * (y[:, None] - a) * a * (1 - a)  # dL/dsum of the output layer, per sample
    gW, gb = [], []
    for layer in range(len(Ws) - 1, -1, -1):
        gW.append((delta.T @ outs[layer]).ravel())
        gb.append(delta.sum(axis=0))
        if layer:
            h = outs[layer]
            delta = (delta @ Ws[layer]) * h * (1 - h)
    return np.concatenate(gW[::-1] + gb[::-1]) / len(X)


def article_loss(values, X, y):
    """The article's network by columns, as bench_gradient.hand_vectorized computes its forward pass."""
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = values
    x1, x2 = X[:, 0], X[:, 1]
    h1 = sigmoid(w1 * x1 + w2 * x2 + b1)
    h2 = sigmoid(w3 * x1 + w4 * x2 + b2)
    return float(np.mean((y - sigmoid(w5 * h1 + w6 * h2 + b3)) ** 2))


def hand_loss(sizes, values, X, y):
    Ws, bs = unpack(sizes, values)
    a = X
    for W, b in zip(Ws, bs):
        a = sigmoid(a @ W.T + b)
    return float(np.mean((y - a[:, 0]) ** 2))


def jax_contenders(sizes):
    """jit-compiled gradient and loss of the same matrix form, or None without jax."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")

    def loss(values, X, y):
        Ws, bs = unpack(sizes, values, jnp)
        a = X
        for W, b in zip(Ws, bs):
            a = jax.nn.sigmoid(a @ W.T + b)
        return jnp.mean((y - a[:, 0]) ** 2)

    gradient, value = jax.jit(jax.grad(loss)), jax.jit(loss)
    return (lambda v, X, y: np.asarray(gradient(v, X, y).block_until_ready()),
            lambda v, X, y: float(value(v, X, y)))


def compare(name, results, seconds, reference, failed):
    worst = np.max(np.abs(np.asarray(results) - reference)) / np.max(np.abs(reference))
    if not worst <= AGREEMENT:
        failed.append(f"{name} differs by {worst:.1e}")
    return seconds


def speed(spec, samples, repeats, seed, failed):
    network = Network.parse(spec)
    sizes = network.layers
    d = derive(network)
    names = [p.name for p in d.params]
    rng = np.random.default_rng(seed)
    values = rng.normal(scale=0.5, size=len(names))
    params = dict(zip(names, values.tolist()))
    X = rng.normal(scale=3.0, size=(samples, sizes[0]))
    y = rng.random(samples)
    generated = load(network, "numpy")
    d.gradient(params, X[:10], y[:10]), d.loss_value(params, X[:10], y[:10])  # built before timing

    gradients = {
        "derivation.gradient": lambda: np.array(list(d.gradient(params, X, y).values())),
        "generated numpy gradients": lambda: generated.gradients(values, X, y),
    }
    losses = {
        "derivation.loss_value": lambda: d.loss_value(params, X, y),
        "generated numpy loss": lambda: generated.loss(values, X, y),
    }
    jax = jax_contenders(sizes)
    if jax is not None:
        jgrad, jloss = jax
        jgrad(values, X, y), jloss(values, X, y)  # compiled before timing
        gradients["jax.jit(grad)"] = lambda: jgrad(values, X, y)
        losses["jax.jit(loss)"] = lambda: jloss(values, X, y)

    if network.is_article:
        hand = (lambda: hand_vectorized(values, X, y), lambda: article_loss(values, X, y))
    else:
        hand = (lambda: hand_gradient(sizes, values, X, y), lambda: hand_loss(sizes, values, X, y))
    rows = {}
    for what, baseline, contenders in (("gradient", hand[0], gradients), ("loss", hand[1], losses)):
        base, reference = best_time(baseline, repeats)
        rows[what] = [(f"hand-vectorized numpy {what} (baseline)", base, 1.0)]
        for name, run in contenders.items():
            seconds, result = best_time(run, repeats)
            compare(f"{spec} {name}", result, seconds, reference, failed)
            rows[what].append((name, seconds, base / seconds))
    return rows


def forget():
    """Every cache a first derivation fills: SymPy's, derive's, and the numeric route's lambdified pieces."""
    clear_cache()
    chain._derive.cache_clear()
    for cached in (layer_values._fprime_via, layer_values._loss_gradient, layer_values._stable_loss):
        cached.cache_clear()


def first_gradient(spec, seed):
    """Seconds from ``derive(network)`` to its first gradient on 1,000 samples, every cache emptied first."""
    network = Network.parse(spec)
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(1000, network.n_inputs)), rng.random(1000)
    params = dict(zip(network.param_names, rng.normal(scale=0.5, size=network.n_params).tolist()))
    forget()
    start = time.perf_counter()
    derive(network).gradient(params, X, y)
    return time.perf_counter() - start


def startup(argv, repeats, env):
    """The best wall time of a fresh ``python argv`` (stdout discarded)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a tenth of the samples, 2 repeats")
    parser.add_argument("--startup", action="store_true", help="only the start-up table")
    args = parser.parse_args(argv)
    repeats = 2 if args.quick else args.repeats
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"{platform.machine()}; best of {repeats}")
    if args.startup:
        startup_table(repeats)
        return 0

    failed = []
    for spec, samples in CASES:
        samples = samples // 10 if args.quick else samples
        rows = speed(spec, samples, repeats, args.seed, failed)
        for what, table in rows.items():
            print(f"\n{spec}, the mean-loss {what} over {samples:,} samples\n")
            print("| route | time | speed-up vs hand-vectorized |")
            print("|---|---:|---:|")
            for name, seconds, ratio in table:
                print(f"| {name} | {seconds * 1e3:.1f} ms | {ratio:.2f}x |")
            ours = next(s for n, s, _ in table if n.startswith("derivation"))
            theirs = next(s for n, s, _ in table if n.startswith("generated"))
            print(f"\nderivation / generated numpy: {theirs / ours:.2f}x "
                  f"(target >= 1: {'met' if theirs >= ours else 'NOT met'})")

    small, big, limit = BUILD
    t_small = min(first_gradient(small, args.seed) for _ in range(3))
    t_big = min(first_gradient(big, args.seed) for _ in range(3))
    print(f"\nFrom derive(network) to the first gradient (caches emptied, best of 3): {small} {t_small * 1e3:.1f} ms, {big} {t_big * 1e3:.1f} ms, "
          f"{t_big / t_small:.1f}x (target <= {limit:g}x: "
          f"{'met' if t_big / t_small <= limit else 'NOT met'})")

    startup_table(repeats)

    if failed:
        print("\nDISAGREEMENT: " + "; ".join(failed))
        return 1
    print(f"\nevery contender agrees with the baseline (to {AGREEMENT:g} of the largest component)")
    return 0


def startup_table(repeats):
    """How long commands take from nothing, in fresh interpreters with an empty cache of their own."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NNDERIVE_CACHE": cache, "PYTHONPATH": str(ROOT)}
        nnderive = ["-m", "derivations"]
        times = {"python -c pass (the interpreter alone)": startup(["-c", "pass"], repeats, env),
                 "python -c 'import sympy' (for scale)": startup(["-c", "import sympy"], repeats, env),
                 "nnderive --help": startup(nnderive + ["--help"], repeats, env),
                 "nnderive train --help": startup(nnderive + ["train", "--help"], repeats, env)}
        trainings = [("numpy --epochs 1", ["--backend", "numpy", "--epochs", "1"])]
        if shutil.which("cc") or os.environ.get("CC"):
            trainings.append(("c (1000 epochs)", ["--backend", "c"]))
        for name, options in trainings:
            train = nnderive + ["train", "--seed", "0", *options]
            # the first run derives, generates (and compiles): what it makes is kept from now on
            times[f"nnderive train --backend {name}, first run"] = startup(train, 1, env)
            times[f"nnderive train --backend {name}, cached"] = startup(train, repeats, env)
    print("\n| start-up | wall time |")
    print("|---|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {seconds * 1e3:.0f} ms |")


if __name__ == "__main__":
    sys.exit(main())
