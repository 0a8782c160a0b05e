"""The article's activation function f (the sigmoid) and its derivative."""

import numpy as np


def sigmoid(x):
    """f(x) = 1 / (1 + e^(-x)), the article's activation, for scalars or arrays.

    The article's formula, to the last bit, wherever it can be evaluated;
    below x = -700, where e^(-x) would overflow, f(x) equals e^x to double
    precision and that is what is returned.  So no input overflows.

    Examples
    --------
    >>> print(sigmoid(7))            # the article's neuron: w=[0, 1], b=4, x=[2, 3]
    0.9990889488055994
    >>> print(sigmoid(0))
    0.5
    >>> sigmoid(np.array([-1e4, 1e4]))   # no overflow warning, no NaN
    array([0., 1.])
    """
    x = np.asarray(x, dtype=float)
    textbook = 1.0 / (1.0 + np.exp(-np.maximum(x, -700.0)))
    return np.where(x < -700.0, np.exp(np.minimum(x, 0.0)), textbook)[()]


def deriv_sigmoid(x):
    """f'(x) = f(x) * (1 - f(x)), the derivative of :func:`sigmoid`.

    Examples
    --------
    >>> print(deriv_sigmoid(0))
    0.25
    >>> print(round(float(deriv_sigmoid(-3)), 6))
    0.045177
    """
    fx = sigmoid(x)
    return fx * (1 - fx)
