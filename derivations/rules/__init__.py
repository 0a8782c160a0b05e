"""The rules: one record per activation and per loss, and what is built from all of them.

Each activation is one :class:`~derivations.rules.base.Activation` record in
:mod:`derivations.rules.activations` and each loss one
:class:`~derivations.rules.base.Loss` in :mod:`derivations.rules.losses`.
Every other module looks rules up here; none names an activation.

>>> sorted(ACTIVATIONS)
['identity', 'leaky_relu', 'relu', 'sigmoid', 'softplus', 'tanh']
>>> NUMPY_FUNCTIONS["d_softplus"] is NUMPY_FUNCTIONS["sigmoid"]      # softplus' is the sigmoid
True
>>> FUNCTIONS["d_tanh"].name, FUNCTIONS["tanh"].name
('tanh', 'tanh')
"""

from derivations.rules.activations import (
    ACTIVATIONS,
    d_leaky_relu,
    d_relu,
    d_sigmoid,
    d_softplus,
    d_tanh,
    leaky_relu,
    relu,
    sigmoid,
    softplus,
)
from derivations.rules.base import Activation, ActivationFunction, Helper, Loss, Spelling
from derivations.rules.losses import LOSSES

#: numpy implementations of every activation function and derivative, by SymPy function name
NUMPY_FUNCTIONS = {name: fn for a in ACTIVATIONS.values() for name, fn in a.numpy.items()}

#: SymPy function name (sigmoid, d_sigmoid, tanh, ...) -> the activation it belongs to
FUNCTIONS = {f.__name__: a for a in ACTIVATIONS.values() for f in a.functions}


def is_derivative(function_name):
    """True for the name of an activation's derivative (``d_sigmoid``), False for the function itself."""
    derivative = FUNCTIONS[function_name].derivative
    return derivative is not None and derivative.__name__ == function_name


def helper_calls(target):
    """``{SymPy function name: what code of target calls}`` over every activation."""
    calls = {}
    for a in ACTIVATIONS.values():
        for name, called in a.calls.items():
            calls[name] = called if isinstance(called, str) else called[target]
    return calls


def helper_sources(target):
    """``{helper name: Helper}`` of ``target`` over every activation, in the order they are written."""
    return {name: h for a in ACTIVATIONS.values() for name, h in a.helpers.get(target, {}).items()}


def to_explicit(expr):
    """Rewrite our activation functions with SymPy's own (exp, log, Max, ...).

    >>> from sympy import Symbol, exp
    >>> s = Symbol("s")
    >>> to_explicit(sigmoid(s)) == 1 / (1 + exp(-s))
    True
    """
    return expr.replace(lambda e: isinstance(e, ActivationFunction), lambda e: e.explicit())


__all__ = [
    "ACTIVATIONS", "FUNCTIONS", "LOSSES", "NUMPY_FUNCTIONS",
    "Activation", "ActivationFunction", "Helper", "Loss", "Spelling",
    "d_leaky_relu", "d_relu", "d_sigmoid", "d_softplus", "d_tanh",
    "leaky_relu", "relu", "sigmoid", "softplus",
    "helper_calls", "helper_sources", "is_derivative", "to_explicit",
]
