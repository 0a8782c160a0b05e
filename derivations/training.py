"""Train a network with a choice of backend: the article's hand-written code or generated code.

Backends (:data:`BACKENDS`):

``handwritten``
    :meth:`nncore.OurNeuralNetwork.train`, the article's class (its network only).
``python``, ``numpy``
    The generated modules (:mod:`derivations.codegen`), run in-process.
``c``
    The generated C, compiled with the system's compiler (:mod:`derivations.cbuild`).

The generated code is kept between runs (:mod:`derivations.sourcecache`):
training with code already generated for the network derives nothing and
does not load SymPy.

Every backend runs the article's loop (every epoch, one SGD step per sample,
in order) from the same initial parameters: a standard normal draw, in
parameter order, from ``numpy.random.default_rng(seed)``, exactly the draw
``nncore.OurNeuralNetwork(seed)`` makes.  So every backend follows the same
trajectory, float rounding apart.

>>> run = train(seed=0, epochs=1000, backend="python")
>>> emily, frank = run.predict([[-7, -3], [20, 2]])
>>> bool(emily > 0.9 and frank < 0.1)      # the article: Emily 0.951 (F), Frank 0.039 (M)
True
>>> run.history[-1] < 0.01
True
"""

import array
import csv
import itertools
import math
import numbers
import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import nncore
from derivations import cbuild, sourcecache
from derivations.arrays import finite_array
from derivations.asciinum import NUMBER, why_not_a_number
from derivations.errors import Argument, NnderiveError
from derivations.network import article_network, require_network
from derivations.rules import BOUNDS

#: the backends and what they run
BACKENDS = {
    "handwritten": "nncore.OurNeuralNetwork.train (the article's hand-written numpy code)",
    "python": "the generated pure-Python module",
    "numpy": "the generated numpy module",
    "c": "the generated C, compiled with the system's C compiler",
}


class TrainingError(NnderiveError):
    """Training cannot run as asked (a backend unavailable, bad data, divergence)."""


def initial_params(network=None, seed=None):
    """The initial parameters: a standard normal draw in parameter order from ``default_rng(seed)``.

    The same numbers as ``nncore.OurNeuralNetwork(seed)`` for the article's network.

    >>> import nncore
    >>> initial_params(seed=3) == list(nncore.OurNeuralNetwork(seed=3).params.values())
    True
    """
    network = network if network is not None else article_network()
    rng = np.random.default_rng(seed)
    return [float(rng.normal()) for _ in range(network.n_params)]


class Handwritten:
    """The article's own class as a backend: nncore.OurNeuralNetwork."""

    def __init__(self, network):
        if not network.is_article:
            raise TrainingError(
                f"the handwritten backend is the article's 2-2-1 sigmoid network with mse only, "
                f"not a {network.describe()}; use the python, numpy or c backend"
            )

    @staticmethod
    def _network(params):
        network = nncore.OurNeuralNetwork()
        network.set_params(**dict(zip(nncore.PARAM_NAMES, params)))
        return network

    def train(self, params, X, y, epochs=1000, learn_rate=0.1):
        network = self._network(params)
        history = network.train(np.asarray(X, float), np.asarray(y, float), epochs=epochs, learn_rate=learn_rate)
        return [network.params[name] for name in nncore.PARAM_NAMES], history

    def predict(self, params, X):
        return self._network(params).predict(np.asarray(X, float))


def get_backend(name, network=None, style=None):
    """The backend ``name`` for ``network``: an object with ``train`` and ``predict``.

    ``style`` picks the generated code's style (:func:`derivations.codegen.generate`;
    None: by the network's size).

    Raises :class:`TrainingError` for an unknown name, the handwritten backend
    on another network, or the C backend without a C compiler.
    """
    network = network if network is not None else article_network()
    if name == "handwritten":
        return Handwritten(network)
    if name in ("python", "numpy"):
        return _module(network, name, style)
    if name == "c":
        try:
            return cbuild.load(network, style=style)
        except (cbuild.CompilerNotFound, cbuild.CompileError, cbuild.CacheError) as error:
            raise TrainingError(f"the c backend is not available: {error}") from None
    raise TrainingError(f"unknown backend {name!r} (choose from: {', '.join(BACKENDS)})")


@lru_cache(maxsize=64)
def _module(network, target, style):
    """The generated module; its source is kept between runs, so a second run derives nothing."""
    source = sourcecache.source(network, target, style, cbuild._generate)
    return sourcecache.load_module(source, f"nnderive_{target}_{style or 'auto'}_{network.spec.replace('-', '_')}")


@dataclass(frozen=True)
class Training:
    """The result of :func:`train`: where it started, where it ended, the loss on the way."""

    network: object
    backend: str
    seed: object
    epochs: int
    learn_rate: float
    initial: tuple
    params: tuple
    history: tuple  # the mean loss over the samples after each epoch
    style: object = None  # of the generated code (None: chosen by the network's size)

    @property
    def named_params(self):
        """``{"w1": ..., ...}``: the trained parameters by name."""
        return dict(zip(self.network.param_names, self.params))

    def predict(self, X):
        """The trained network's outputs for every row of ``X``."""
        return np.asarray(get_backend(self.backend, self.network, self.style).predict(list(self.params), X))


def train(network=None, X=None, y=None, *, backend="python", epochs=1000, learn_rate=0.1,
          seed=None, params=None, every=0, report=None, style=None):
    """Train ``network`` (default: the article's) on ``X``, ``y`` with the article's SGD.

    ``X``, ``y`` default to the article's four people.  ``style`` is the
    generated code's (``"scalar"`` or ``"layers"``, as in
    :func:`derivations.codegen.generate`; None: chosen by the network's
    size); every style takes the same steps, float rounding apart.  ``params`` (in
    parameter order) default to :func:`initial_params` of ``seed``.  With
    ``every`` and ``report``, ``report(epoch, loss)`` is called as training
    goes, for epochs 0, every, 2*every, ... (the article prints every 10th).
    The steps are the same either way: training stops only between epochs.
    """
    network = require_network(network, "train")
    X, y = _data(network, X, y)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise TrainingError(f"epochs must be a whole number of at least 1, got {epochs!r}")
    if isinstance(learn_rate, bool) or not (
            isinstance(learn_rate, numbers.Real) and math.isfinite(learn_rate) and learn_rate > 0):
        raise TrainingError(f"the learning rate must be a positive number, got {learn_rate!r}")
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 0:
        raise TrainingError(f"every must be a whole number of at least 0, got {every!r}")
    if params is None and (isinstance(seed, (bool, float, str)) or not _seeds(seed)):
        raise TrainingError(f"seed must be a whole number of at least 0 (or a numpy Generator), got {seed!r}")
    if style is not None and backend == "handwritten":
        raise TrainingError("the handwritten backend is the article's own code; a style belongs to generated code "
                            "(the python, numpy or c backend)", argument="style")
    runner = get_backend(backend, network, style)
    start = list(params) if params is not None else initial_params(network, seed)
    if len(start) != network.n_params:
        raise TrainingError(f"params must hold {network.n_params} numbers, got {len(start)}")
    current, history = [float(p) for p in start], []
    chunk = every if (every and report) else epochs
    done = 0
    while done < epochs:
        steps = min(chunk, epochs - done)
        before = current
        try:
            # a diverging run is reported below, once, rather than warned about at every step
            with np.errstate(over="ignore", invalid="ignore"):
                current, losses = runner.train(current, X, y, epochs=steps, learn_rate=learn_rate)
        except OverflowError:
            losses = [math.inf]
        current = [float(p) for p in current]
        history += [float(v) for v in losses]
        # relu's max(0, NaN) is 0 in Python and C: the loss can look fine over NaN parameters
        if not all(math.isfinite(v) for v in losses) or not all(math.isfinite(p) for p in current):
            _diverged(runner, before, X, y, done, steps, learn_rate)
        if report:
            for epoch in range(done, done + steps):
                if epoch % every == 0:
                    report(epoch, history[epoch])
        done += steps
    return Training(network, backend, seed, epochs, float(learn_rate), tuple(start), tuple(current),
                    tuple(history), style)


#: an output within this fraction of its range from a bound is saturated (the slope is below ~1e-6)
SATURATED = 1e-6


def saturation(result, X, y):
    """One line of warning when every output is saturated and some are wrong, else ``None``.

    A huge learning rate can drive a sigmoid output to 1 for every sample:
    the loss stays finite (0.5), nothing diverges, yet the gradient is zero
    and training has silently stopped.

    >>> stuck = train(seed=1, epochs=20, learn_rate=1e300)
    >>> print(saturation(stuck, nncore.DATA, nncore.ALL_Y_TRUES))
    every output is saturated (sigmoid at 1.000 for all 4 samples) and some are wrong: ...
    >>> saturation(train(seed=1, epochs=20), nncore.DATA, nncore.ALL_Y_TRUES) is None
    True
    """
    activation = result.network.activations[-1]
    if BOUNDS[activation] is None:  # an unbounded output never saturates
        return None
    low, high = BOUNDS[activation]
    out = np.asarray(result.predict(X), dtype=float).reshape(len(X), -1)
    target = np.asarray(y, dtype=float).reshape(len(X), -1)
    at_bound = np.minimum(out - low, high - out) < SATURATED * (high - low)
    wrong = np.abs(out - target) > (high - low) / 2
    if not (at_bound.all() and wrong.any()):
        return None
    shown = ", ".join(sorted({f"{v:.3f}" for v in out.ravel()})[:3])
    return (f"every output is saturated ({activation} at {shown} for all {len(X)} samples) and some are wrong: "
            f"the gradient vanishes there, so training has stopped learning; try a learning rate smaller "
            f"than {result.learn_rate:g}")


def _diverged(runner, params, X, y, first, steps, learn_rate):
    """Raise the :class:`TrainingError` of a run that diverged within ``steps`` epochs from ``first``.

    The epochs are run again one at a time from ``params`` (the same steps,
    so the same numbers) to name the epoch where it happened.
    """
    for epoch in range(first, first + steps):
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                params, losses = runner.train(params, X, y, epochs=1, learn_rate=learn_rate)
        except OverflowError:
            losses = [math.inf]
        if not all(math.isfinite(v) for v in losses):
            raise TrainingError(f"training diverged in epoch {epoch}: the loss is no longer a finite number; "
                                "try a smaller learning rate")
        if not all(math.isfinite(float(p)) for p in params):
            raise TrainingError(f"training diverged in epoch {epoch}: the parameters are no longer finite "
                                "numbers; try a smaller learning rate or smaller inputs")
    raise TrainingError(f"training diverged by epoch {first + steps - 1}; try a smaller learning rate")


def _seeds(seed):
    """Whether numpy takes ``seed`` (it raises for a negative number, a string, ...)."""
    try:
        np.random.default_rng(seed)
    except (TypeError, ValueError):
        return False
    return True


def _data(network, X, y):
    if X is None and y is None:
        if network.n_inputs != 2 or network.n_outputs != 1:
            raise TrainingError(
                f"the article's people have 2 inputs and 1 target; a {network.spec} network needs "
                f"samples with {network.n_inputs} inputs and {network.n_outputs} target(s)"
            )
        return nncore.DATA.astype(float), nncore.ALL_Y_TRUES.astype(float)
    if X is None or y is None:
        raise TrainingError("give both X and y, or neither (the article's people)")
    X, y = (_finite(value, name) for name, value in (("X", X), ("y", y)))
    n_in, n_out = network.n_inputs, network.n_outputs
    if X.ndim != 2 or X.shape[1] != n_in or len(X) == 0:
        raise TrainingError(f"X must have one row per sample and {n_in} columns, got shape {X.shape}")
    if n_out == 1 and y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    expected = (len(X),) if n_out == 1 else (len(X), n_out)
    if y.shape != expected:
        raise TrainingError(f"y must have shape {expected} to match X, got {y.shape}")
    return X, y


def _finite(value, name):
    """``value`` as a float array of finite numbers, or a :class:`TrainingError` saying what is wrong."""
    return finite_array(value, name, TrainingError)


# --- samples from a CSV file -------------------------------------------------------------

#: how a samples file looks, for --help and the README
CSV_FORMAT = (
    "CSV, one sample per line: the inputs x1..xn, then the target y_true (or the targets "
    "y_true1..y_truek of a network with k outputs). An optional first line of column names "
    "is skipped; blank lines and lines starting with # are ignored. Numbers are plain "
    "ASCII decimals (-2, 0.5, 1e-3); NaN, infinity or anything else is an error."
)

#: the most samples read by default (--max-rows): enough for any lecture, and memory is bounded
MAX_ROWS = 5_000_000
#: the longest line read (a row of a 50,000-parameter network's inputs fits many times)
MAX_LINE = 1 << 22
#: characters per column and row allowed on average, on top of a fixed allowance for comments:
#: so a file that never ends (``/dev/zero``, ``yes ''``) stops with an error
CHARS_PER_FIELD = 64
SLACK = 1 << 26


class DataError(TrainingError):
    """A samples file that cannot be used; the message names the file and the line."""


def read_samples(path, network=None, max_rows=MAX_ROWS):
    """``(X, y)`` from a samples file (:data:`CSV_FORMAT`) for ``network``, at most ``max_rows`` samples.

    The file is read a line at a time, so a huge file (or ``/dev/zero``)
    fails with a :class:`DataError` past the limits instead of filling memory.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp, "people.csv")
    ...     _ = path.write_text("weight,height,female\\n-2,-1,1\\n25,6,0\\n")
    ...     X, y = read_samples(path)
    >>> X.tolist(), y.tolist()
    ([[-2.0, -1.0], [25.0, 6.0]], [1.0, 0.0])
    """
    network = require_network(network, "read_samples")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_samples() takes a file name, not a {type(path).__name__}")
    if isinstance(max_rows, bool) or not isinstance(max_rows, (int, np.integer)) or max_rows < 1:
        raise TypeError(f"max_rows must be a whole number of at least 1, got {max_rows!r}")
    names = list(network.sample_names)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            values = _read_rows(handle, path, names, max_rows)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path} is a directory, not a samples file") from None
    except UnicodeDecodeError as error:
        raise DataError(f"cannot read {path}: it is not UTF-8 text (byte {error.object[error.start]:#04x} at "
                        f"position {error.start}); save it as UTF-8 CSV") from None
    except (OSError, csv.Error) as error:
        raise DataError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    data = np.frombuffer(values, dtype=np.float64).reshape(-1, len(names))  # the same memory, not a copy
    X, y = data[:, : network.n_inputs], data[:, network.n_inputs:]
    if network.loss == "bce" and ((y < 0) | (y > 1)).any():
        raise DataError(f"{path}: cross-entropy (bce) needs targets between 0 and 1")
    return X, (y[:, 0] if network.n_outputs == 1 else y)


def _read_rows(handle, path, names, max_rows):
    """The numbers of every sample, row after row, in one flat array of doubles."""
    width = len(names)
    reader = csv.reader(_lines(handle, path, SLACK + CHARS_PER_FIELD * width * max_rows, max_rows))
    values = array.array("d")
    first, header, count = True, False, 0
    for row in reader:
        n = reader.line_num
        if not any(f.strip() for f in row) or row[0].lstrip().startswith("#"):
            continue
        if first:
            first = False
            _check_separator(path, n, row)  # else "1;2;0" would pass for a header
            if not any(_looks_numeric(f) for f in row):
                header = True
                continue
        if count == max_rows:
            raise DataError(f"{path} has more than {max_rows:,} samples, the limit (", Argument("max_rows"), ")",
                            argument="max_rows")
        if len(row) != width:
            _check_separator(path, n, row)
            trailing = " (a comma at the end of the line?)" if len(row) == width + 1 and not row[-1].strip() else ""
            raise DataError(
                f"{path} line {n}: expected {width} columns ({', '.join(names)}), got {len(row)}{trailing}"
            )
        for field, name in zip(row, names):
            if not NUMBER.fullmatch(field.strip()):
                why = why_not_a_number(field)
                why = "" if why == "not a number" else f": {why}"
                raise DataError(f"{path} line {n}: {name} is {field.strip()!r}, not a number{why}")
            number = float(field)
            if not math.isfinite(number):
                raise DataError(f"{path} line {n}: {name} is {field.strip()!r}, too large")
            values.append(number)
        count += 1
    if count == 0:
        raise DataError(f"{path} has no samples" + (" (only a header line)" if header else ""))
    return values


def _lines(handle, path, max_chars, max_rows):
    """The lines of ``handle``, refusing one too long, a NUL character, or more text than ``max_chars``."""
    total = 0
    for n in itertools.count(1):
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        if "\0" in line:
            raise DataError(f"{path} line {n} holds a NUL character: it is a binary file, not CSV text")
        if len(line) > MAX_LINE:
            raise DataError(f"{path} line {n} is longer than {MAX_LINE:,} characters: not a samples file")
        total += len(line)
        if total > max_chars:
            raise DataError(f"{path} is larger than {max_chars:,} characters, more than {max_rows:,} samples "
                            "can take (raise ", Argument("max_rows"), " if it is really samples)", argument="max_rows")
        yield line


def _check_separator(path, n, row):
    """One field holding ';' or a tab: the file separates its columns with that, not commas."""
    for separator in ";\t":
        if len(row) == 1 and separator in row[0]:
            raise DataError(f"{path} line {n}: separate the columns with commas, not {separator!r}")


def _looks_numeric(field):
    try:
        float(field)
    except ValueError:
        return False
    return True
