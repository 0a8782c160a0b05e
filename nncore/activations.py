"""The article's activation function f (the sigmoid) and its derivative."""

import math

import numpy as np

#: Below this, e^(-x) would overflow a double; there f(x) equals e^x to double precision.
FAR_LEFT = -700.0


def sigmoid(x):
    """f(x) = 1 / (1 + e^(-x)), the article's activation, for scalars or arrays.

    The article's formula, to the last bit, wherever it can be evaluated;
    below x = -700, where e^(-x) would overflow, f(x) equals e^x to double
    precision and that is what is returned.  So no input overflows.

    A float (the article calls f on one number at a time) takes the plain
    ``math`` route: no array is built, so training runs at the speed of the
    article's own code.  Anything else (arrays, lists, numpy integers) goes
    through numpy.

    Examples
    --------
    >>> print(sigmoid(7.0))          # the article's neuron: w=[0, 1], b=4, x=[2, 3]
    0.9990889488055994
    >>> print(sigmoid(0))
    0.5
    >>> print(sigmoid(-1e4), sigmoid(1e4))   # no OverflowError, no NaN
    0.0 1.0
    >>> sigmoid(np.array([-1e4, 0.0, 1e4]))  # no overflow warning
    array([0. , 0.5, 1. ])
    """
    if isinstance(x, float):  # also numpy.float64, a float subclass
        if x < FAR_LEFT:
            return math.exp(x)
        return 1.0 / (1.0 + math.exp(-x))
    x = np.asarray(x, dtype=float)
    textbook = 1.0 / (1.0 + np.exp(-np.maximum(x, FAR_LEFT)))
    return np.where(x < FAR_LEFT, np.exp(np.minimum(x, 0.0)), textbook)[()]


def deriv_sigmoid(x):
    """f'(x) = f(x) * (1 - f(x)), the derivative of :func:`sigmoid`.

    Examples
    --------
    >>> print(deriv_sigmoid(0.0))
    0.25
    >>> print(round(float(deriv_sigmoid(-3)), 6))
    0.045177
    """
    fx = sigmoid(x)
    return fx * (1 - fx)
