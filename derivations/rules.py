"""Local derivative rules as tables: one row per activation, one per loss.

Each activation keeps its forward function and its local derivative side by
side; the engine (:mod:`derivations.chain`) only ever looks rules up here, so
a new activation is one new row.  Every rule is checked by
:meth:`Derivation.verify` against ``sympy.diff`` of the *explicit* formula
(``explicit``), which uses only SymPy's own functions.

The activations are SymPy functions of their own (``sigmoid``, ``d_sigmoid``,
...) so that expressions stay compact (``sigmoid(sum_h1)``, not a wall of
exponentials) and printers can show them as the article does (f, f').

>>> from sympy import Symbol
>>> s = Symbol("s")
>>> ACTIVATIONS["sigmoid"].derivative_of(s) == d_sigmoid(s)
True
>>> ACTIVATIONS["sigmoid"].derivative_via(s, sigmoid(s)) == sigmoid(s) * (1 - sigmoid(s))
True
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy
from nncore.activations import sigmoid as nncore_sigmoid
from sympy import Add, Function, Heaviside, Max, Mul, Pow, exp, log


class ActivationFunction(Function):
    """Base of our activation functions: one argument, an explicit formula."""

    nargs = 1

    def explicit(self):
        """This function written with SymPy's own functions only."""
        raise NotImplementedError

    def _eval_rewrite_as_explicit(self, x, **kwargs):
        return type(self)(x).explicit()

    def _eval_evalf(self, prec):
        return self.explicit().evalf(prec)

    #: how SymPy's own LaTeX (Jupyter's display of a factor's ``named``) writes the function
    latex_name = None

    def _latex(self, printer):
        # f'(sum_h1) as the article writes it, not SymPy's d_{sigmoid}(sum_h1)
        if self.latex_name is None:
            return printer._print_Function(self)
        return rf"{self.latex_name}\left({printer._print(self.args[0])}\right)"


class sigmoid(ActivationFunction):
    """The logistic function 1/(1 + e^(-x)); the article's f."""

    latex_name = r"f"

    def fdiff(self, argindex=1):
        return d_sigmoid(self.args[0])

    def explicit(self):
        return 1 / (1 + exp(-self.args[0]))


class d_sigmoid(ActivationFunction):
    """f'(x) for the sigmoid: f(x) (1 - f(x))."""

    latex_name = r"f'"

    def fdiff(self, argindex=1):
        x = self.args[0]
        return d_sigmoid(x) * (1 - 2 * sigmoid(x))

    def explicit(self):
        s = sigmoid(self.args[0]).explicit()
        return s * (1 - s)


class d_tanh(ActivationFunction):
    """tanh'(x) = 1 - tanh(x)^2."""

    latex_name = r"\\tanh'"

    def fdiff(self, argindex=1):
        x = self.args[0]
        return -2 * sympy.tanh(x) * d_tanh(x)

    def explicit(self):
        return 1 - sympy.tanh(self.args[0]) ** 2


class relu(ActivationFunction):
    """max(0, x)."""

    latex_name = r"\\operatorname{ReLU}"

    def fdiff(self, argindex=1):
        return d_relu(self.args[0])

    def explicit(self):
        return Max(0, self.args[0])


class d_relu(ActivationFunction):
    """relu'(x): 1 for x > 0, else 0 (the value 0 at x = 0 is the usual choice)."""

    latex_name = r"\\operatorname{ReLU}'"

    def fdiff(self, argindex=1):
        return sympy.S.Zero

    def explicit(self):
        return Heaviside(self.args[0], 0)


class softplus(ActivationFunction):
    """log(1 + e^x), a smooth relu."""

    latex_name = r"\\operatorname{softplus}"

    def fdiff(self, argindex=1):
        return d_softplus(self.args[0])

    def explicit(self):
        return log(1 + exp(self.args[0]))


class d_softplus(ActivationFunction):
    """softplus'(x) = sigmoid(x)."""

    latex_name = r"\\operatorname{softplus}'"

    def fdiff(self, argindex=1):
        return d_sigmoid(self.args[0])

    def explicit(self):
        return sigmoid(self.args[0]).explicit()


# --- numpy implementations, all safe for any float input -----------------------


np_sigmoid = nncore_sigmoid  # the article's formula, made safe below x = -700


def np_d_sigmoid(x):
    s = np_sigmoid(x)
    return s * (1.0 - s)


def np_d_tanh(x):
    return 1.0 - np.tanh(x) ** 2


def np_relu(x):
    return np.maximum(x, 0.0)


def np_d_relu(x):
    return np.where(np.asarray(x) > 0, 1.0, 0.0)


def np_softplus(x):
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): nothing overflows
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


@dataclass(frozen=True, eq=False)
class Activation:
    """One activation: f, its derivative f', and how to compute f' cheaply.

    ``derivative_via(x, fx)`` is f'(x) written with f(x) where that is cheaper
    (the sigmoid's f(1 - f)); the numeric code uses it with the neuron's
    output already at hand.
    """

    name: str
    function: "Callable | None"  # None: the identity
    derivative: "Callable | None"  # None: f' = 1
    derivative_via: Callable
    explicit: Callable
    numpy: dict

    def of(self, x):
        """f(x) as a SymPy expression."""
        return x if self.function is None else self.function(x)

    def derivative_of(self, x):
        """f'(x) as a SymPy expression."""
        return sympy.S.One if self.derivative is None else self.derivative(x)


ACTIVATIONS = {
    a.name: a
    for a in (
        Activation(
            "sigmoid", sigmoid, d_sigmoid,
            derivative_via=lambda x, fx: fx * (1 - fx),
            explicit=lambda x: 1 / (1 + exp(-x)),
            numpy={"sigmoid": np_sigmoid, "d_sigmoid": np_d_sigmoid},
        ),
        Activation(
            "tanh", sympy.tanh, d_tanh,
            derivative_via=lambda x, fx: 1 - fx**2,
            explicit=sympy.tanh,
            numpy={"d_tanh": np_d_tanh},
        ),
        Activation(
            "relu", relu, d_relu,
            derivative_via=lambda x, fx: d_relu(x),
            explicit=lambda x: Max(0, x),
            numpy={"relu": np_relu, "d_relu": np_d_relu},
        ),
        Activation(
            "softplus", softplus, d_softplus,
            derivative_via=lambda x, fx: sigmoid(x),
            explicit=lambda x: log(1 + exp(x)),
            numpy={"softplus": np_softplus, "d_softplus": np_sigmoid, "sigmoid": np_sigmoid},
        ),
        Activation(
            "identity", None, None,
            derivative_via=lambda x, fx: sympy.S.One,
            explicit=lambda x: x,
            numpy={},
        ),
    )
}


@dataclass(frozen=True, eq=False)
class Loss:
    """One loss: its per-output term and the local derivative the chain starts from.

    ``wrt`` says which quantity of an output neuron the chain rule starts at:
    ``"output"`` (y_pred, as the article does for MSE) or ``"sum"`` (the
    pre-activation, where f' cancels and the product is only stable in
    closed form, as for cross-entropy on a sigmoid).
    """

    name: str
    description: str
    wrt: str
    term: Callable  # (y_true, y_pred) -> the textbook per-output loss
    stable_term: Callable  # (y_true, y_pred, sum) -> the same value, safe to evaluate
    derivative: Callable  # (y_true, y_pred) -> dL/d(wrt)
    output_activation: "str | None" = None  # the output activation it needs


LOSSES = {
    l.name: l
    for l in (
        Loss(
            "mse", "squared error (y_true - y_pred)^2 per output, mean over samples", "output",
            # unevaluated, so the printed form stays the article's -2(y_true - y_pred)
            term=lambda y, p: Pow(Add(y, -p, evaluate=False), 2, evaluate=False),
            stable_term=lambda y, p, s: (y - p) ** 2,
            derivative=lambda y, p: Mul(-2, Add(y, -p, evaluate=False), evaluate=False),
        ),
        Loss(
            "bce", "binary cross-entropy -(y log p + (1-y) log(1-p)), mean over samples", "sum",
            term=lambda y, p: -(y * log(p) + (1 - y) * log(1 - p)),
            # with p = sigmoid(s): -(y log p + (1-y) log(1-p)) = softplus(s) - y s
            stable_term=lambda y, p, s: softplus(s) - y * s,
            derivative=lambda y, p: Add(p, -y, evaluate=False),
            output_activation="sigmoid",
        ),
    )
}

#: numpy implementations of every function above, for lambdify
NUMPY_FUNCTIONS = {name: fn for a in ACTIVATIONS.values() for name, fn in a.numpy.items()}
NUMPY_FUNCTIONS.update({"softplus": np_softplus, "sigmoid": np_sigmoid})


def to_explicit(expr):
    """Rewrite our activation functions with SymPy's own (exp, log, Max, ...).

    >>> from sympy import Symbol
    >>> s = Symbol("s")
    >>> to_explicit(sigmoid(s)) == 1 / (1 + exp(-s))
    True
    """
    return expr.replace(lambda e: isinstance(e, ActivationFunction), lambda e: e.explicit())
