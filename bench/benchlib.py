"""What the benchmark scripts share: best-of-n timing, the article's class, the optional C library, the table."""

import contextlib
import importlib.util
import io
import math
import time
from pathlib import Path

#: The article's complete program, copied faithfully (the tests' input for ``nnderive check``)
ARTICLE_FILE = Path(__file__).resolve().parent.parent / "tests" / "check_inputs" / "article_network.py"


def best_time(run, repeats):
    """The fastest of ``repeats`` runs (the least disturbed by the rest of the machine), and its result."""
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def article_module():
    """The article's script as a module; loading it trains once and prints, as the script does (muted)."""
    spec = importlib.util.spec_from_file_location("article_network", ARTICLE_FILE)
    module = importlib.util.module_from_spec(spec)
    with contextlib.redirect_stdout(io.StringIO()):
        spec.loader.exec_module(module)
    return module


def article_training(article, names, start):
    """The article's class set to ``start`` and trained by its own train() (1000 epochs, rate 0.1, muted).

    Returns the parameters it ends at, in the order of ``names``.
    """
    network = article.OurNeuralNetwork()
    for name, value in zip(names, start):
        setattr(network, name, value)
    with contextlib.redirect_stdout(io.StringIO()):
        network.train(article.data, article.all_y_trues)
    return [float(getattr(network, name)) for name in names]


def c_library():
    """The article network's compiled C target, or None (and a note) without a compiler."""
    try:
        from derivations import cbuild

        return cbuild.load()
    except Exception as error:  # no compiler: report it, time the rest
        print(f"(C backend skipped: {error})")
        return None


def verdict(failed, agreement):
    """The script's exit status: 1, naming them, if any contender disagreed with the baseline; else 0."""
    if failed:
        print("DISAGREEMENT: " + "; ".join(failed))
        return 1
    print(agreement)
    return 0


def print_table(what, baseline, rows, digits):
    """rows of (name, seconds, ratio) as a Markdown table, times in ms with ``digits`` decimals."""
    print()
    print(f"| {what} | time | speed-up vs {baseline} |")
    print("|---|---:|---:|")
    for name, seconds, ratio in rows:
        print(f"| {name} | {seconds * 1e3:.{digits}f} ms | {ratio:.{digits}f}x |")
    print()
