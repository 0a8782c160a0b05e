"""What the benchmark scripts share: best-of-n timing, the optional C library, the table."""

import math
import time


def best_time(run, repeats):
    """The fastest of ``repeats`` runs (the least disturbed by the rest of the machine), and its result."""
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


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
