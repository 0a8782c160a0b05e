"""What is built from all the rule records: the tables every other module looks rules up in.

Import them from :mod:`derivations.rules`, which loads this module (and with
it SymPy) on first use.

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
from derivations.rules.names import ACTIVATION_NAMES, BOUNDS, LOSS_OUTPUTS

# the names are listed apart, without SymPy, for the commands that only read them: they must be the records'
if (tuple(ACTIVATIONS) != ACTIVATION_NAMES or {a.name: a.bounds for a in ACTIVATIONS.values()} != BOUNDS
        or {name: loss.output_activation for name, loss in LOSSES.items()} != LOSS_OUTPUTS):
    raise RuntimeError("derivations/rules/names.py disagrees with the records: list every activation and loss there")

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
