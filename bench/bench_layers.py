"""Benchmark: the layer style of generated code (issue 10), side by side with hand-written baselines.

Four measurements, each contender run in the same rounds as the others (a
round runs every contender in turn; each keeps its best round).  A contender
of under 20 ms runs that long in a row within a round and counts the mean
call, as timeit does: one call of the C training (0.3 ms), timed right after
50 ms of the article's class, would time mostly the caches that left cold.

1. 2-64-64-1 (sigmoid, mse), the mean-loss gradient over 100,000 samples:
   a hand-vectorized *blocked* numpy matrix backprop written below (the
   baseline: rows = samples, blocks of 4096, the textbook sigmoid), the
   generated numpy and C in the layer style, and jax.jit(jax.grad) when jax
   is installed (float64, CPU).  Targets: numpy >= 1.0x the baseline; C no
   slower than the generated numpy and within 1.5x of jax.jit.
2. 2-2-1, the article's network, the gradient over 1,000,000 samples:
   the hand-vectorized numpy backprop of bench_gradient.py (the baseline),
   the generated numpy and C in both styles, jax.jit.  Targets: C >= 2.5x,
   numpy >= 1.0x (the scalar style is this network's default).
3. Compiling the layer-style C of 2-64-64-1 (target: under 3 s) and the
   generated files' sizes for 2-8-8-1 and 2-64-64-1 (they grow with the
   number of layers, not of parameters).
4. The article's training (1000 epochs x 4 samples, rate 0.1) from one start:
   the article's own class (tests/check_inputs/article_network.py) against
   the generated numpy and C ``train`` in both styles.  Targets: numpy no
   slower than the article's class, C at least 150x.  Then wide networks'
   training (2-16-16-1 and 2-64-64-1, 50 epochs x 16 samples), where the
   baseline is a hand-written numpy SGD (one sample at a time, written
   below) and the generated numpy and C ``train`` in the layer style race
   it (no target: the issue sets none; the numpy module's own choice of
   route, floats or numpy, is what is timed).

numpy's BLAS runs one thread unless OPENBLAS_NUM_THREADS says otherwise
(see below); jax.jit uses its own threads, the C one.  After the four
measurements the script runs measurement 1 again in a child process with
OPENBLAS_NUM_THREADS=2 (both numpy contenders then use two threads; skip it
with --one-thread), and ends with every target, met or NOT met.

Every contender must agree with its baseline (gradients to 1e-10 of the
largest component, trained parameters to 1e-9) or the script fails.

Run::

    python bench/bench_layers.py              # about two minutes
    python bench/bench_layers.py --rounds 7 --skip-jax
    python bench/bench_layers.py --only wide  # measurement 1 alone
    python bench/bench_layers.py --only train --one-call   # the training, one call per round
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

# One BLAS thread for numpy unless the environment says otherwise (set before numpy loads): on a
# shared machine OpenBLAS's threads wait for each other, and the matrix products of both numpy
# contenders then vary fourfold from run to run.  jax keeps its own threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after the BLAS setting)

from benchlib import article_module, article_training, print_table, verdict  # noqa: E402
from bench_gradient import hand_vectorized  # noqa: E402
from derivations import Network, cbuild  # noqa: E402
from derivations.codegen import generate, load  # noqa: E402
from derivations.training import initial_params  # noqa: E402

WIDE = Network((2, 64, 64, 1))
ARTICLE = Network()


#: seconds of calls in a row that time a fast contender (--one-call: 0, one call per round)
FILL = 0.02


def best_times(runs, rounds, fill=None):
    """``{name: (best seconds per call, result)}``: every round runs each contender in turn.

    The first round calls each once.  Later rounds call a contender as many times
    in a row as take ``fill`` seconds (default :data:`FILL`; once, for any that
    takes longer) and divide, as ``timeit`` does: a call of under a millisecond,
    timed once right after a contender that ran for 50 ms, measures mostly what
    that one left behind (cold caches, a core that slowed down).
    """
    fill = FILL if fill is None else fill
    best = {name: (float("inf"), None) for name in runs}
    calls = dict.fromkeys(runs, 1)
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            for _ in range(calls[name]):
                result = run()
            seconds = (time.perf_counter() - start) / calls[name]
            if seconds < best[name][0]:
                best[name] = (seconds, result)
            calls[name] = max(1, int(fill / max(seconds, 1e-9)))
    return best


# --- the baselines, written by hand ---------------------------------------------------------


def hand_blocked(sizes, block=4096):
    """A careful person's blocked numpy backprop for a sigmoid/mse network: rows = samples.

    Weights are unpacked by the documented naming (layer by layer, neuron by
    neuron, input by input; then the biases); each block of rows goes forward
    with one matrix product per layer and back with the four equations.
    """
    shapes = list(zip(sizes[1:], sizes[:-1]))
    n_weights = sum(a * b for a, b in shapes)

    def unpack(params):
        Ws, bs, w, b = [], [], 0, n_weights
        for rows, cols in shapes:
            Ws.append(params[w:w + rows * cols].reshape(rows, cols))
            bs.append(params[b:b + rows])
            w, b = w + rows * cols, b + rows
        return Ws, bs

    def gradient(params, X, y):
        params = np.asarray(params, dtype=float)
        Ws, bs = unpack(params)
        gWs = [np.zeros_like(W) for W in Ws]
        gbs = [np.zeros_like(b) for b in bs]
        with np.errstate(over="ignore"):  # exp(-z) may overflow to inf: 1/(1 + inf) = 0 is right
            for start in range(0, len(X), block):
                A = [X[start:start + block]]
                for W, b in zip(Ws, bs):
                    A.append(1.0 / (1.0 + np.exp(-(A[-1] @ W.T + b))))
                out = A[-1]
                delta = -2.0 * (y[start:start + block, None] - out) * out * (1.0 - out)
                for layer in range(len(Ws) - 1, -1, -1):
                    gWs[layer] += delta.T @ A[layer]
                    gbs[layer] += delta.sum(axis=0)
                    if layer:
                        delta = (delta @ Ws[layer]) * A[layer] * (1.0 - A[layer])
        return np.concatenate([g.ravel() for g in gWs] + gbs) / len(X)

    return gradient


def hand_sgd(sizes):
    """A careful person's numpy SGD for a sigmoid/mse network, one sample at a time.

    W_l and b_l are views of the parameters (the documented naming), each
    sample goes forward and back with the four equations and steps in place,
    and the mean loss over all samples follows each epoch (rows = samples).
    """
    shapes = list(zip(sizes[1:], sizes[:-1]))
    n_weights = sum(a * b for a, b in shapes)

    def train(params, X, y, epochs, learn_rate):
        params = np.array(params, dtype=float)
        Ws, bs, w, b = [], [], 0, n_weights
        for rows, cols in shapes:
            Ws.append(params[w:w + rows * cols].reshape(rows, cols))
            bs.append(params[b:b + rows])
            w, b = w + rows * cols, b + rows
        history = []
        with np.errstate(over="ignore"):  # exp(-z) may overflow to inf: 1/(1 + inf) = 0 is right
            for _ in range(epochs):
                for x, target in zip(X, y):
                    A = [x]
                    for W, bias in zip(Ws, bs):
                        A.append(1.0 / (1.0 + np.exp(-(W @ A[-1] + bias))))
                    out = A[-1]
                    delta = -2.0 * (target - out) * out * (1.0 - out)
                    for layer in range(len(Ws) - 1, -1, -1):
                        back = Ws[layer].T @ delta  # before this layer's step: BP2 needs the old W
                        Ws[layer] -= learn_rate * np.outer(delta, A[layer])
                        bs[layer] -= learn_rate * delta
                        delta = back * A[layer] * (1.0 - A[layer])
                A = X
                for W, bias in zip(Ws, bs):
                    A = 1.0 / (1.0 + np.exp(-(A @ W.T + bias)))
                history.append(float(np.mean((y - A[:, 0]) ** 2)))
        return params, history

    return train


def jax_gradient(sizes):
    """jax.jit(jax.grad(mean loss)) in float64, or None without jax."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    shapes = list(zip(sizes[1:], sizes[:-1]))
    n_weights = sum(a * b for a, b in shapes)

    def loss(params, X, y):
        w, b, a = 0, n_weights, X
        for rows, cols in shapes:
            W = params[w:w + rows * cols].reshape(rows, cols)
            a = jax.nn.sigmoid(a @ W.T + params[b:b + rows])
            w, b = w + rows * cols, b + rows
        return jnp.mean(jnp.sum((y[:, None] - a) ** 2, axis=1))

    compiled = jax.jit(jax.grad(loss))

    def run(params, X, y):
        return np.asarray(compiled(params, X, y).block_until_ready())

    def prepared(params, X, y):
        params, X, y = (jnp.asarray(np.asarray(v, dtype=float)) for v in (params, X, y))
        run(params, X, y)  # compile once, outside the timing
        return lambda: run(params, X, y)

    return prepared


# --- the measurements -------------------------------------------------------------------------


def gradient_race(network, n, rounds, rng, baseline_name, baseline, styles, use_jax):
    X = rng.normal(scale=3.0, size=(n, network.n_inputs))
    y = (rng.random(n) < 0.5).astype(float)
    params = rng.normal(scale=0.5, size=network.n_params)
    runs = {f"{baseline_name} (baseline)": lambda: baseline(params, X, y)}
    for style in styles:
        module = load(network, "numpy", style)
        runs[f"generated numpy, {style}"] = lambda module=module: module.gradients(params, X, y)
    for style in styles:
        library = c_or_none(network, style)
        if library is not None:
            runs[f"generated c, {style}"] = lambda library=library: library.gradients(params, X, y)
    jax_run = jax_gradient(network.layers) if use_jax else None
    if jax_run is not None:
        runs["jax.jit(jax.grad)"] = jax_run(params, X, y)
    best = best_times(runs, rounds)
    base_name = next(iter(runs))
    base_time, reference = best[base_name]
    scale = np.max(np.abs(reference))
    failed, rows = [], []
    for name, (seconds, grad) in best.items():
        worst = np.max(np.abs(np.asarray(grad) - reference)) / scale
        if not worst <= 1e-10:
            failed.append(f"{network.spec} {name} differs by {worst:.1e}")
        rows.append((name, seconds, base_time / seconds))
    print(f"\n{network.describe()}: the mean-loss gradient over {n:,} samples, best of {rounds} rounds")
    print_table("route", baseline_name, rows, digits=2)
    return {name: seconds for name, seconds, _ in rows}, failed


def c_or_none(network, style):
    try:
        return cbuild.load(network, style=style)
    except (cbuild.CompilerNotFound, cbuild.CompileError) as error:
        print(f"(C skipped: {error})")
        return None


#: every target line printed so far, for the summary at the end
TARGETS = []


def target(text, met, detail):
    line = f"target {text}: {'met' if met else 'NOT met'} ({detail})"
    print(line)
    TARGETS.append(line)
    return met


def compile_and_sizes():
    print("\nCompiling and file sizes (bytes) of the layer style")
    with tempfile.TemporaryDirectory() as directory:
        source = generate(WIDE, "c", "layers")
        start = time.perf_counter()
        try:
            cbuild.compile_source(source, directory)
            seconds = time.perf_counter() - start
        except (cbuild.CompilerNotFound, cbuild.CompileError) as error:
            print(f"(compile skipped: {error})")
            seconds = None
    small = Network((2, 8, 8, 1))
    print()
    print("| network | parameters | numpy, layers | c, layers |")
    print("|---|---:|---:|---:|")
    sizes = {}
    for net in (small, WIDE):
        sizes[net.spec] = [len(generate(net, target, "layers").encode()) for target in ("numpy", "c")]
        print(f"| {net.spec} | {net.n_params} | {sizes[net.spec][0]} | {sizes[net.spec][1]} |")
    print()
    if seconds is not None:
        target("compiling the C of 2-64-64-1 under 3 s", seconds < 3.0, f"{seconds:.2f} s")
    growth = max(b / a for a, b in zip(sizes[small.spec], sizes[WIDE.spec]))
    target("file size grows with layers, not parameters (2-64-64-1 vs 2-8-8-1 within 2%)", growth < 1.02,
           f"{growth:.3f}x for {WIDE.n_params / small.n_params:.0f}x the parameters")


def training_race(rounds):
    article = article_module()
    names = [f"w{k}" for k in range(1, 7)] + ["b1", "b2", "b3"]
    start = initial_params(ARTICLE, seed=1)
    X = np.array(article.data, dtype=float)
    y = np.array(article.all_y_trues, dtype=float)
    runs = {"the article's own class (baseline)": lambda: np.array(article_training(article, names, start))}
    for style in ("scalar", "layers"):
        module = load(ARTICLE, "numpy", style)
        runs[f"generated numpy train, {style}"] = lambda module=module: np.asarray(module.train(start, X, y)[0])
    for style in ("scalar", "layers"):
        library = c_or_none(ARTICLE, style)
        if library is not None:
            runs[f"generated c train, {style}"] = lambda library=library: np.asarray(library.train(start, X, y)[0])
    best = best_times(runs, rounds)
    base_name = next(iter(runs))
    base_time, reference = best[base_name]
    failed, rows = [], []
    for name, (seconds, params) in best.items():
        worst = np.max(np.abs(params - reference))
        if not worst <= 1e-9:
            failed.append(f"training with {name} ends {worst:.1e} away")
        rows.append((name, seconds, base_time / seconds))
    print(f"\nThe article's training (1000 epochs x 4 samples), best of {rounds} rounds")
    print_table("route", "the article's class", rows, digits=1)
    return {name: ratio for name, _, ratio in rows}, failed


def wide_training_race(network, rounds, rng, epochs=50, n=16):
    X = rng.normal(size=(n, network.n_inputs))
    y = (rng.random(n) < 0.5).astype(float)
    start = rng.normal(scale=0.5, size=network.n_params)
    baseline = hand_sgd(network.layers)
    runs = {"hand numpy SGD (baseline)": lambda: baseline(start, X, y, epochs, 0.1)}
    module = load(network, "numpy", "layers")
    runs["generated numpy train, layers"] = lambda: module.train(start, X, y, epochs, 0.1)
    library = c_or_none(network, "layers")
    if library is not None:
        runs["generated c train, layers"] = lambda: library.train(start, X, y, epochs, 0.1)
    best = best_times(runs, rounds)
    base_name = next(iter(runs))
    base_time, (reference, reference_history) = best[base_name]
    failed, rows = [], []
    for name, (seconds, (params, history)) in best.items():
        worst = max(np.max(np.abs(np.asarray(params) - reference)),
                    np.max(np.abs(np.asarray(history) - reference_history)))
        if not worst <= 1e-9:
            failed.append(f"training {network.spec} with {name} ends {worst:.1e} away")
        rows.append((name, seconds, base_time / seconds))
    route = "floats" if network.n_params <= module.FLOAT_STEPS * len(module.SIZES) else "numpy"
    print(f"\n{network.describe()} ({network.n_params} parameters; the numpy module steps in {route}): "
          f"training, {epochs} epochs x {n} samples, best of {rounds} rounds")
    print_table("route", "hand numpy SGD", rows, digits=2)
    return failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--wide-samples", type=int, default=100_000)
    parser.add_argument("--small-samples", type=int, default=1_000_000)
    parser.add_argument("--skip-jax", action="store_true", help="do not time jax.jit even if jax is installed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=PARTS, action="append",
                        help="run only this measurement (again for several); default: all")
    parser.add_argument("--one-call", action="store_true",
                        help="time every contender by one call per round, even a fast one (default: calls "
                             "in a row for 20 ms, divided)")
    parser.add_argument("--one-thread", action="store_true",
                        help="do not run the 2-64-64-1 race again with two BLAS threads")
    args = parser.parse_args(argv)
    global FILL
    FILL = 0.0 if args.one_call else FILL
    parts = args.only or PARTS
    rng = np.random.default_rng(args.seed)
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS={threads}")
    failed = []

    if "wide" in parts:
        failed += wide_race(args, rng, threads)
    if "small" in parts:
        failed += small_race(args, rng)
    if "compile" in parts:
        compile_and_sizes()
    if "train" in parts:
        failed += train_targets(args)
    status = verdict(failed, "every contender agrees with its baseline")
    if "wide" in parts and not args.one_thread and threads == "1":
        status = max(status, two_threads(args))
    if len(parts) > 1 or not args.one_thread:  # not in the child: its parent prints its lines
        print("\nEvery target of this run:")
        for line in TARGETS:
            print("  " + line)
    return status


PARTS = ("wide", "small", "compile", "train")


def wide_race(args, rng, threads):
    wide, failed = gradient_race(WIDE, args.wide_samples, args.rounds, rng, "hand blocked numpy",
                                 hand_blocked(WIDE.layers), ["layers"], not args.skip_jax)
    base = wide["hand blocked numpy (baseline)"]
    numpy_s, c_s = wide["generated numpy, layers"], wide.get("generated c, layers")
    blas = f"{threads} BLAS thread{'s' if threads != '1' else ''}"
    target(f"2-64-64-1 numpy no slower than hand blocked numpy ({blas})", numpy_s <= base, f"{base / numpy_s:.2f}x")
    if c_s is not None:
        target(f"2-64-64-1 c no slower than generated numpy ({blas})", c_s <= numpy_s, f"{numpy_s / c_s:.2f}x")
        if "jax.jit(jax.grad)" in wide:
            jax_s = wide["jax.jit(jax.grad)"]
            target("2-64-64-1 c within 1.5x of jax.jit", c_s <= 1.5 * jax_s, f"c takes {c_s / jax_s:.2f}x jax's time")
    return failed


def small_race(args, rng):
    small, failed = gradient_race(ARTICLE, args.small_samples, args.rounds, rng, "hand-vectorized numpy",
                                  hand_vectorized, ["scalar", "layers"], not args.skip_jax)
    base = small["hand-vectorized numpy (baseline)"]
    for style in ("scalar", "layers"):
        if f"generated c, {style}" in small:
            ratio = base / small[f"generated c, {style}"]
            target(f"2-2-1 c ({style}) at least 2.5x hand-vectorized numpy", ratio >= 2.5, f"{ratio:.2f}x")
        ratio = base / small[f"generated numpy, {style}"]
        target(f"2-2-1 numpy ({style}) at least 1.0x hand-vectorized numpy", ratio >= 1.0, f"{ratio:.2f}x")
    return failed


def train_targets(args):
    ratios, failed = training_race(args.rounds)
    rng = np.random.default_rng(args.seed)
    for network in (Network((2, 16, 16, 1)), WIDE):
        failed += wide_training_race(network, args.rounds, rng)
    for style in ("scalar", "layers"):
        ratio = ratios[f"generated numpy train, {style}"]
        target(f"article training, numpy ({style}) no slower than the article's class", ratio >= 1.0,
               f"{ratio:.1f}x")
        if f"generated c train, {style}" in ratios:
            ratio = ratios[f"generated c train, {style}"]
            target(f"article training, c ({style}) at least 150x the article's class", ratio >= 150,
                   f"{ratio:.0f}x")
    return failed


def two_threads(args):
    """Measurement 1 again in a child process whose numpy has two BLAS threads; its exit status."""
    print("\n--- 2-64-64-1 again, with OPENBLAS_NUM_THREADS=2 (a child process; jax.jit as above) ---", flush=True)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
    command = [sys.executable, __file__, "--only", "wide", "--one-thread", "--rounds", str(args.rounds),
               *(["--one-call"] if args.one_call else []),
               "--wide-samples", str(args.wide_samples), "--seed", str(args.seed), "--skip-jax"]  # jax: done once
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    print(result.stdout, end="", flush=True)
    print(result.stderr, end="", file=sys.stderr)
    TARGETS.extend(line for line in result.stdout.splitlines() if line.startswith("target "))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
