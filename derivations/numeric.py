"""Numeric functions from the derivation: the statement list, lambdified on first use.

SymPy's ``lambdify`` prints the program's statements as numpy code (its
``cse`` hook is handed our statement list, whose shared subexpressions are
already named), with the activations from :data:`derivations.rules.NUMPY_FUNCTIONS`
so no input overflows.  Inputs arrive as columns, so one call handles every
sample at once.  Each of the three callables is built the first time it is
asked for: a gradient does not pay for ``evaluate``.
"""

from collections.abc import Mapping
from functools import cached_property

import numpy as np
from sympy import lambdify

from derivations.errors import NnderiveError
from derivations.naming import partial_name
from derivations.rules import NUMPY_FUNCTIONS


class InputError(NnderiveError):
    """Numeric input of the wrong shape or kind; the message says what is expected."""


class NumericDerivation:
    """``gradient`` and ``loss_value`` for one derivation, built once."""

    def __init__(self, derivation):
        self.derivation = derivation
        self.program = derivation.program
        self.param_names = tuple(p.name for p in derivation.params)
        self._args = list(derivation.params) + list(derivation.inputs) + list(derivation.targets)

    def _lambdify(self, outputs, steps):
        # the statements are handed to lambdify as its common subexpressions: they are ours, already named
        return lambdify(self._args, outputs, modules=[NUMPY_FUNCTIONS, "numpy"],
                        cse=lambda exprs: ([(target, expr) for target, expr in steps], exprs))

    @cached_property
    def _gradient(self):
        program = self.program
        steps = [(s.target, s.expr) for s in program.forward + program.backward]
        return self._lambdify(list(program.gradients), steps)

    @cached_property
    def _loss(self):
        program = self.program
        return self._lambdify(program.loss.target, [(s.target, s.expr) for s in program.forward + (program.loss,)])

    @cached_property
    def _everything(self):
        # every named value at once: quantities, the loss, each factor, each partial
        d, program = self.derivation, self.program
        everything = [(s.target, s.expr) for s in program.forward + (program.loss,)]
        everything += [(f.symbol, f.named) for f in d.factors.values()]
        everything += [(p.symbol, p.named) for p in d.partials.values()]
        return self._lambdify([t for t, _ in everything], everything)

    @cached_property
    def value_names(self):
        """The names :meth:`evaluate` returns, in order."""
        d, program = self.derivation, self.program
        names = [s.target.name for s in program.forward + (program.loss,)]
        return names + list(d.factors) + [partial_name(p) for p in d.partials]

    def arguments(self, params, X, y):
        """Check and arrange ``params``, ``X``, ``y`` as the lambdified functions take them."""
        d = self.derivation
        if not isinstance(params, Mapping):
            raise InputError(f"params must map names to numbers ({', '.join(self.param_names)})")
        missing = [n for n in self.param_names if n not in params]
        extra = sorted(set(params) - set(self.param_names))
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if extra:
                parts.append("unknown " + ", ".join(extra))
            raise InputError(f"params: {'; '.join(parts)}")
        values = []
        for name in self.param_names:
            value = params[name]
            if isinstance(value, (bool, np.bool_)) or not np.isscalar(value) or not np.isreal(value):
                raise InputError(f"params[{name!r}] must be a real number, got {value!r}")
            if not np.isfinite(value):
                raise InputError(f"params[{name!r}] must be a finite number, got {value!r}")
            values.append(float(value))
        n_in, n_out = len(d.inputs), len(d.targets)
        X = as_finite_array(X, "X")
        if X.ndim == 1 and n_in == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != n_in:
            raise InputError(f"X must have one row per sample and {n_in} columns, got shape {X.shape}")
        y = as_finite_array(y, "y")
        if n_out == 1 and y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        expected = (len(X),) if n_out == 1 else (len(X), n_out)
        if y.shape != expected:
            raise InputError(f"y must have shape {expected} to match X, got {y.shape}")
        if len(X) == 0:
            raise InputError("X has no samples")
        y = y[:, None] if n_out == 1 else y
        return values + list(X.T) + list(y.T)

    def gradient(self, params, X, y):
        """The gradient of the mean loss over the samples, ``{name: float}``."""
        args = self.arguments(params, X, y)
        n = len(args[len(self.param_names)])
        per_sample = self._gradient(*args)
        return {
            name: float(np.mean(np.broadcast_to(g, (n,))))
            for name, g in zip(self.param_names, per_sample)
        }

    def evaluate(self, params, x, y_true):
        """Every named value for one sample: ``{name: float}``.

        Names are the quantities (``sum_h1``, ``h1``, ..., ``y_pred``, ``L``),
        the factors (``d_L_d_ypred``, ``d_h1_d_w1``, ...) and the partials
        (``d_L_d_w1``, ...).
        """
        args = self.arguments(params, [x], [y_true])
        values = self._everything(*args)
        return {name: float(np.ravel(v)[0]) for name, v in zip(self.value_names, values)}

    def loss_value(self, params, X, y):
        """The mean loss over the samples."""
        args = self.arguments(params, X, y)
        n = len(args[len(self.param_names)])
        return float(np.mean(np.broadcast_to(self._loss(*args), (n,))))


def as_finite_array(value, name, error=InputError):
    """``value`` as a float array of finite numbers, or ``error`` saying what is wrong with ``name``."""
    if value is None:  # numpy would make it a NaN
        raise error(f"{name} is missing (None)")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise error(f"{name} must hold numbers only") from None
    if not np.all(np.isfinite(array)):
        raise error(f"{name} holds NaN or infinity")
    return array
