"""Benchmark: the JavaScript target in Node, against the article's code and the generated Python.

Two things the companion page (``nnderive html``) asks of the generated
JavaScript, timed in Node (the page's engine is the same V8 in Chromium):

training
    the article's run (1000 epochs over its four people, learning rate 0.1),
    from the same start as ``nncore.OurNeuralNetwork.train`` (the baseline)
    and the generated Python module; the page's Train button runs exactly this.
one slider move
    what the page computes each time a number moves: ``trace`` twice (the
    exact values and the article's step-by-step rounding).

Node times itself with ``performance.now()`` (the process start is not
counted), best of several repeats, as the Python contenders are.  The
trained parameters must agree with the baseline to 1e-12 or the script fails.

Run::

    python bench/bench_js.py                 # about 5 s; needs node (Debian: apt-get install nodejs)
    python bench/bench_js.py --repeats 9
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import nncore
from derivations.codegen import generate, load

from benchlib import best_time, print_table, verdict

NODE_SCRIPT = """
import * as net from "./generated.mjs";
const [start, X, y, epochs, repeats] = JSON.parse(process.argv[2]);
let best = Infinity, result;
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  result = net.train(start, X, y, epochs, 0.1);
  best = Math.min(best, performance.now() - t0);
}
const round = (v) => Number(v.toPrecision(3));
let move = Infinity;
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 10000; i++) {
    net.trace(start, X[0], y[0]);
    net.trace(start, X[0], y[0], round);
  }
  move = Math.min(move, (performance.now() - t0) / 10000);
}
console.log(JSON.stringify({ train: best / 1000, params: result[0], move: move / 1000 }));
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per contender; the best counts (default 5)")
    parser.add_argument("--epochs", type=int, default=1000, help="epochs of the article's training (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the starting parameters (default 0)")
    args = parser.parse_args(argv)
    node = shutil.which("node")
    if node is None:
        print("node is not installed (Debian: apt-get install nodejs)", file=sys.stderr)
        return 2
    start = np.random.default_rng(args.seed).normal(size=9).tolist()
    X, y = nncore.DATA.tolist(), nncore.ALL_Y_TRUES.tolist()

    def baseline():
        network = nncore.OurNeuralNetwork()
        network.set_params(**dict(zip(nncore.PARAM_NAMES, start)))
        network.train(nncore.DATA, nncore.ALL_Y_TRUES, epochs=args.epochs)
        return list(network.params.values())

    base_time, base_params = best_time(baseline, args.repeats)
    python = load()
    py_time, (py_params, _) = best_time(lambda: python.train(start, X, y, args.epochs, 0.1), args.repeats)
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "generated.mjs").write_text(generate(target="js"))
        Path(directory, "bench.mjs").write_text(NODE_SCRIPT)
        done = subprocess.run([node, "bench.mjs", json.dumps([start, X, y, args.epochs, args.repeats])],
                              cwd=directory, capture_output=True, text=True, check=True)
    measured = json.loads(done.stdout)
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"the article's training, {args.epochs} epochs, best of {args.repeats}; node {version}")
    print_table("training", "nncore (the article's numpy)", [
        ("nncore (the article's numpy)", base_time, 1.0),
        ("generated python", py_time, base_time / py_time),
        ("generated js (node)", measured["train"], base_time / measured["train"]),
    ], 2)
    print(f"one slider move on the page (trace, exact and rounded): {measured['move'] * 1e6:.2f} µs")
    failed = [name for name, params in (("generated python", py_params), ("generated js", measured["params"]))
              if not np.allclose(params, base_params, rtol=1e-12, atol=0)]
    return verdict(failed, "every contender ended at the baseline's parameters (rtol 1e-12)")


if __name__ == "__main__":
    sys.exit(main())
