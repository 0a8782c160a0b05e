"""The article's network trained on a batch: one gradient for all samples, the mean over them.

Check it with:  nnderive check examples/batch.py:gradient   (and examples/batch.py:step)
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gradient(params, X, Y):
    """The mean over the rows of X of the article's nine partials (X: n x 2, Y: n)."""
    p = params
    x1, x2 = X[:, 0], X[:, 1]
    sum_h1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
    sum_h2 = p["w3"] * x1 + p["w4"] * x2 + p["b2"]
    h1, h2 = sigmoid(sum_h1), sigmoid(sum_h2)
    sum_o1 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
    y_pred = sigmoid(sum_o1)

    d_L_d_ypred = -2 * (Y - y_pred)              # one per sample
    d_o1 = y_pred * (1 - y_pred)                 # f'(sum_o1)
    d_h1 = h1 * (1 - h1)
    d_h2 = h2 * (1 - h2)
    into_h1 = d_L_d_ypred * p["w5"] * d_o1 * d_h1
    into_h2 = d_L_d_ypred * p["w6"] * d_o1 * d_h2
    per_sample = {
        "w1": into_h1 * x1, "w2": into_h1 * x2, "b1": into_h1,
        "w3": into_h2 * x1, "w4": into_h2 * x2, "b2": into_h2,
        "w5": d_L_d_ypred * d_o1 * h1, "w6": d_L_d_ypred * d_o1 * h2, "b3": d_L_d_ypred * d_o1,
    }
    return {name: values.mean() for name, values in per_sample.items()}


def step(params, X, Y, learn_rate=0.1):
    """One step of batch gradient descent."""
    grads = gradient(params, X, Y)
    return {name: value - learn_rate * grads[name] for name, value in params.items()}
