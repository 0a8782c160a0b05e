"""Every loss, one record each: the textbook term, a form safe to evaluate, the chain's first factor.

>>> from sympy import Symbol
>>> y, p = Symbol("y_true"), Symbol("y_pred")
>>> LOSSES["mse"].term(y, p) == (y - p) ** 2
True
>>> LOSSES["bce"].derivative(y, p) == p - y
True
>>> LOSSES["half-mse"].derivative(y, p) == p - y
True
"""

from sympy import Add, Mul, Pow, Rational, log

from derivations.rules.activations import softplus
from derivations.rules.base import Loss

MSE = Loss(
    "mse", "the squared error of one sample", "output",
    # unevaluated, so the printed form stays the article's -2(y_true - y_pred)
    term=lambda y, p: Pow(Add(y, -p, evaluate=False), 2, evaluate=False),
    stable_term=lambda y, p, s: (y - p) ** 2,
    derivative=lambda y, p: Mul(-2, Add(y, -p, evaluate=False), evaluate=False),
    text="MSE",
)

HALF_MSE = Loss(
    "half-mse", "half the squared error of one sample", "output",
    # the common convention L = 1/2 (y_true - y_pred)^2, whose 1/2 cancels the 2 of the square
    term=lambda y, p: Mul(Rational(1, 2), Pow(Add(y, -p, evaluate=False), 2, evaluate=False), evaluate=False),
    stable_term=lambda y, p, s: (y - p) ** 2 / 2,
    derivative=lambda y, p: Add(p, -y, evaluate=False),
    text="half MSE",
)

BCE = Loss(
    "bce", "the binary cross-entropy of one sample", "sum",
    term=lambda y, p: -(y * log(p) + (1 - y) * log(1 - p)),
    # with p = sigmoid(s): -(y log p + (1-y) log(1-p)) = softplus(s) - y s
    stable_term=lambda y, p, s: softplus(s) - y * s,
    derivative=lambda y, p: Add(p, -y, evaluate=False),
    output_activation="sigmoid",
    text="BCE",
)

#: every loss by name
LOSSES = {loss.name: loss for loss in (MSE, BCE, HALF_MSE)}
