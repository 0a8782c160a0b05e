"""The shape of a rule: what one activation or one loss must say about itself.

A rule is a frozen record.  The engine reads its SymPy side (the function,
its derivative, the explicit formula :func:`derivations.verify.verify`
differentiates); the numeric code its numpy side; the printers its
:class:`Spelling`; each code emitter its :class:`Helper` sources.  Nothing
outside :mod:`derivations.rules` names an activation or a loss.
"""

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable

import sympy
from sympy import Function


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


@dataclass(frozen=True)
class Spelling:
    """How an activation is written: its name in text and LaTeX, and its rule stated once.

    In the rules, ``{f}`` stands for the function's name (the article's f for
    an all-sigmoid network, σ otherwise).
    """

    text: str
    latex: str
    called: str  # what prose calls it
    text_rules: tuple
    latex_rules: tuple


@dataclass(frozen=True)
class Helper:
    """The source of one helper function in one target language, and the helpers it calls."""

    source: str
    needs: tuple = ()


def frozen(mapping):
    """A read-only view of a dict (of dicts), for the records' tables."""
    return MappingProxyType({k: frozen(v) if isinstance(v, dict) else v for k, v in mapping.items()})


@dataclass(frozen=True, eq=False)
class Activation:
    """One activation, everything about it.

    ``function``/``derivative`` are SymPy function classes (None for the
    identity, whose f' is 1).  ``derivative_via(x, fx)`` is f'(x) written with
    f(x) where that is cheaper (the sigmoid's f(1 - f)); the statement list
    uses it with the neuron's output at hand.  ``numpy`` maps a SymPy function
    name to its overflow-safe numpy version.  ``calls`` maps a SymPy function
    name to what generated code calls, per target (a plain string: the same in
    every target); ``helpers`` holds, per target, the source of each helper
    function the calls need.
    """

    name: str
    function: "type | None"
    derivative: "type | None"
    derivative_via: Callable
    explicit: Callable
    numpy: "MappingProxyType" = field(default_factory=dict)
    spelling: "Spelling | None" = None  # None: the identity, never written
    definition: str = ""  # for generated files' headers: "tanh(x) = ..."
    calls: "MappingProxyType" = field(default_factory=dict)
    helpers: "MappingProxyType" = field(default_factory=dict)

    def __post_init__(self):
        for name in ("numpy", "calls", "helpers"):
            object.__setattr__(self, name, frozen(getattr(self, name)))

    def of(self, x):
        """f(x) as a SymPy expression."""
        return x if self.function is None else self.function(x)

    def derivative_of(self, x):
        """f'(x) as a SymPy expression."""
        return sympy.S.One if self.derivative is None else self.derivative(x)

    @property
    def functions(self):
        """The SymPy functions this activation brings: f and f' (for the identity, none)."""
        return tuple(f for f in (self.function, self.derivative) if isinstance(f, type))

    def __repr__(self):
        return f"<Activation {self.name}>"


@dataclass(frozen=True, eq=False)
class Loss:
    """One loss: its per-output term and the local derivative the chain starts from.

    ``wrt`` says which quantity of an output neuron the chain rule starts at:
    ``"output"`` (y_pred, as the article does for MSE) or ``"sum"`` (the
    pre-activation, where f' cancels and the product is only stable in closed
    form, as for cross-entropy on a sigmoid).
    """

    name: str
    description: str  # for generated files' headers: "the squared error of one sample"
    wrt: str
    term: Callable  # (y_true, y_pred) -> the textbook per-output loss
    stable_term: Callable  # (y_true, y_pred, sum) -> the same value, safe to evaluate
    derivative: Callable  # (y_true, y_pred) -> dL/d(wrt)
    output_activation: "str | None" = None  # the output activation it needs
    text: str = ""  # its name in prose: "MSE"

    def __repr__(self):
        return f"<Loss {self.name}>"
