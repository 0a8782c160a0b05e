"""The numpy target: one module that needs only numpy, vectorized over samples.

The same statements as the Python target, but every quantity is an array
with one entry per sample (``x1`` is the first column of ``X``), so ``loss``
and ``gradients`` have no Python loop over rows.  Only ``train`` loops: the
article's SGD takes its steps one sample after another.

>>> from derivations import derive
>>> source = emit(derive())
>>> "import numpy as np" in source and "for x in X" not in source
True
"""

import re

from sympy.printing.numpy import NumPyPrinter

from derivations.codegen.base import HelperCalls, header, joined, wrap
from derivations.codegen.listing import Listing
from derivations.codegen.emit_python import PythonModule, PythonPrinter, names_tuple, rule, unpacking

TARGET = "numpy"
#: see the generated BLOCK
BLOCK = 16384


class NumpyPrinter(HelperCalls, NumPyPrinter):
    """SymPy's numpy printer, with our activations as calls to their helpers.

    The helpers' source comes from the activation records (:mod:`derivations.rules.activations`).
    """

    TARGET = TARGET


class FloatPrinter(PythonPrinter):
    """The Python target's printer for the numpy module's one-sample float code (``train``).

    Its helpers (math.exp, not np.exp) sit in the same module as numpy's, so
    each gets the prefix ``float_``: ``float_sigmoid`` beside ``sigmoid``.

    >>> from derivations.rules import sigmoid
    >>> from sympy import Symbol
    >>> printer = FloatPrinter()
    >>> printer.doprint(sigmoid(Symbol("s")))
    'float_sigmoid(s)'
    >>> "def float_sigmoid(x):" in printer.helpers()[0] and "math.exp" in printer.helpers()[0]
    True
    """

    PREFIX = "float_"

    def _print_call(self, expr):
        text = super()._print_call(expr)
        return text if "." in self.CALLS[type(expr).__name__] else self.PREFIX + text

    def helpers(self):
        names = "|".join(re.escape(name) for name in self.helper_sources())
        if not names:
            return super().helpers()
        called = re.compile(rf"(?<![\w.])({names})\(")  # a definition or a call, not math.tanh(
        return [called.sub(rf"{self.PREFIX}\1(", source) for source in super().helpers()]


#: why the statements run under np.errstate(under="ignore")
UNDERFLOW = "# a value below 1e-308 (e.g. e^-800) rounds to 0, as it should: no warning for that"


def emit(derivation):
    """The numpy module for ``derivation``, as text."""
    return NumpyModule(Listing(derivation)).text()


class NumpyModule(PythonModule):
    """Writes the numpy module: like the Python one, with arrays of samples."""

    def __init__(self, listing):
        super().__init__(listing)
        self.printer = NumpyPrinter()

    def arguments(self, targets):
        ls = self.listing
        lines = unpacking(ls.params, "params")
        names = list(ls.inputs) + (list(ls.targets) if targets else [])
        call = "_columns(X, y)" if targets else "_columns(X)"
        lines += unpacking(names, call)
        return lines

    def statements(self, lines, sections=False, indent="    "):
        body = super().statements(lines, sections, indent + "    ")
        return [f"{indent}{UNDERFLOW}", f'{indent}with np.errstate(under="ignore"):'] + body

    def text(self):
        ls = self.listing
        one = self.single
        outputs = ls.outputs[0] if one else f"({', '.join(ls.outputs)})"
        per = "an array with one entry per sample" if one else "an array with one row per sample"
        stacked = [f"    return {ls.outputs[0]}"] if one else joined(
            "return np.stack([", list(ls.outputs), "], axis=1)", "    "
        )
        code = []
        code += self.function(
            "predict(params, X)", f"{outputs} for every sample (row of X) at once: {per}.",
            ls.outputs, stacked, targets=False,
        )
        code += ["", ""]
        code += self.function(
            "losses(params, X, y)", "L for every sample at once: an array with one entry per sample.",
            [ls.loss.name], [f"    return {ls.loss.name}"],
        )
        code += ["", ""]
        code += self.function(
            "backprop(params, X, y)",
            "dL/dparam for every sample at once, in PARAMS order: the chain rule, factor by factor.",
            ls.gradients, self.returning(list(ls.gradients)), sections=True,
        )
        parts = [
            self.docstring(),
            "import math",
            "",
            "import numpy as np",
            "",
            *names_tuple("PARAMS", ls.params),
            *names_tuple("INPUTS", ls.inputs),
            *names_tuple("TARGETS", ls.targets),
            "",
            "#: rows per block in loss and gradients: small blocks keep the temporaries in the cache",
            f"BLOCK = {BLOCK}",
            "",
            *self.helpers(),
            "",
            rule("every sample at once"),
            "",
            "",
            *code,
            "",
            "",
            *self.float_code(),
            "",
            "",
            BATCH.format(
                n_in=len(ls.inputs),
                inputs=", ".join(ls.inputs),
                y_shape="(len(X),)" if one else f"(len(X), {len(ls.targets)})",
                y_what="one target per row of X" if one else f"one row of {len(ls.targets)} targets per row of X",
                y_columns="y" if one else "*y.T",
                y_flat=SINGLE_Y if one else "",
            ).strip("\n"),
        ]
        return "\n".join(parts) + "\n"

    def float_code(self):
        """One sample in plain Python floats, for train: the Python target's code, its helpers renamed."""
        ls = self.listing
        floats = PythonModule(ls)
        floats.printer = FloatPrinter()
        code = floats.function(
            "float_sample_loss(params, x, y_true)", "L for one sample, in plain floats.",
            [ls.loss.name], [f"    return {ls.loss.name}"],
        )
        code += ["", ""]
        code += floats.function(
            "float_backprop(params, x, y_true)", "dL/dparam for one sample, in plain floats (PARAMS order).",
            ls.gradients, floats.returning(list(ls.gradients)),
        )
        return [
            rule("one sample in plain floats: the article's SGD steps"),
            "",
            "# train takes one step per sample, and a step is a few dozen operations on single",
            "# numbers; numpy spends about a microsecond on each call whatever the array's size, so",
            "# train works in plain Python floats with math's exp (as the python target does).",
            "",
            *floats.helpers(),
            "",
            *code,
        ]

    def docstring(self):
        ls = self.listing
        one = self.single
        y_row = "one target y_true per sample" if one else f"one row ({', '.join(ls.targets)}) per sample"
        out_name = ls.outputs[0] if one else f"({', '.join(ls.outputs)})"
        interface = wrap(
            f"Functions (params: numbers in the order of PARAMS; X: an array with one row "
            f"({', '.join(ls.inputs)}) per sample; y: {y_row}):"
        ) + [
            "",
            "    loss(params, X, y)          the mean loss over the samples",
            "    gradients(params, X, y)     its gradient: an array in PARAMS order",
            "    sgd_step(params, x, y_true, learn_rate)",
            "                                one step of the article's SGD on one sample: new params",
            "    train(params, X, y, epochs=1000, learn_rate=0.1)",
            "                                the article's loop, sample by sample in order; returns",
            "                                (trained params, mean loss after each epoch)",
            f"    predict(params, X)          {out_name} for every sample",
            "    losses(params, X, y), backprop(params, X, y)",
            "                                L and dL/dparam of every sample, as arrays",
            "",
            "It needs only numpy. loss, gradients and predict are vectorized over the samples (no",
            "Python loop over rows; loss and gradients take them in blocks of BLOCK rows, whose",
            "temporaries fit in the CPU's cache); the activations are computed in forms that",
            "cannot overflow.",
        ]
        text = "\n".join(header(ls, TARGET, interface)).replace("\\", "\\\\")
        return f'"""{text}\n"""\n'


SINGLE_Y = '''
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]'''

BATCH = '''
def loss(params, X, y):
    """The mean loss over the samples (the rows of X, with targets y)."""
    X, y = _arrays(X, y)
    total = 0.0
    for start in range(0, len(X), BLOCK):
        total += np.sum(losses(params, X[start:start + BLOCK], y[start:start + BLOCK]))
    return float(total / len(X))


def gradients(params, X, y):
    """The gradient of loss(params, X, y): an array in PARAMS order."""
    X, y = _arrays(X, y)
    total = np.zeros(len(PARAMS))
    for start in range(0, len(X), BLOCK):
        total += [np.sum(d) for d in backprop(params, X[start:start + BLOCK], y[start:start + BLOCK])]
    return total / len(X)


def sgd_step(params, x, y_true, learn_rate):
    """One step of the article's SGD on one sample: each parameter minus learn_rate * dL/dparam."""
    return np.asarray(params, dtype=float) - learn_rate * gradients(params, [x], [y_true])


def train(params, X, y, epochs=1000, learn_rate=0.1):
    """The article's training: every epoch, one SGD step per sample, in order.

    Returns the trained parameters (an array in PARAMS order) and the mean loss
    over the samples after each epoch.  SGD steps follow one another, so this
    loops over the samples, in plain floats (see float_backprop); loss and
    gradients do not loop.
    """
    X, y = _arrays(X, y)
    params = np.array(params, dtype=float).tolist()
    learn_rate = float(learn_rate)
    samples = list(zip(X.tolist(), y.tolist()))
    loss_history = []
    for epoch in range(epochs):
        for x, y_true in samples:
            params = [p - learn_rate * d for p, d in zip(params, float_backprop(params, x, y_true))]
        loss_history.append(math.fsum(float_sample_loss(params, x, y_true) for x, y_true in samples) / len(samples))
    return np.array(params), loss_history


def _arrays(X, y=None):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != {n_in} or len(X) == 0:
        raise ValueError(f"X must have one row ({inputs}) per sample, got shape {{X.shape}}")
    if y is None:
        return X, None
    y = np.asarray(y, dtype=float){y_flat}
    if y.shape != {y_shape}:
        raise ValueError(f"y must have {y_what}, got shape {{y.shape}}")
    return X, y


def _columns(X, y=None):
    X, y = _arrays(X, y)
    if y is None:
        return tuple(X.T)
    return (*X.T, {y_columns})
'''
