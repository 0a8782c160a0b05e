"""The article's loss: mean squared error."""

import numpy as np


def mse_loss(y_true, y_pred):
    """MSE = (1/n) * sum_i (y_true_i - y_pred_i)^2.

    Examples
    --------
    >>> print(mse_loss([1, 0, 0, 1], [0, 0, 0, 0]))   # the article's example
    0.5
    """
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    return float(((y_true - y_pred) ** 2).mean())
