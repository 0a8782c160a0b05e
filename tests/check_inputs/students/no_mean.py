# Batch gradient, scalar parameters: sums the per-sample gradients and forgets to divide by n.
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gradient(params, X, Y):
    w1, w2, w3, w4, w5, w6 = (params[k] for k in ("w1", "w2", "w3", "w4", "w5", "w6"))
    b1, b2, b3 = params["b1"], params["b2"], params["b3"]
    sum_h1 = w1 * X[:, 0] + w2 * X[:, 1] + b1
    sum_h2 = w3 * X[:, 0] + w4 * X[:, 1] + b2
    h1, h2 = sigmoid(sum_h1), sigmoid(sum_h2)
    y_pred = sigmoid(w5 * h1 + w6 * h2 + b3)
    d_out = -2 * (Y - y_pred) * y_pred * (1 - y_pred)
    d_h1 = d_out * w5 * h1 * (1 - h1)
    d_h2 = d_out * w6 * h2 * (1 - h2)
    return {
        "w1": np.sum(d_h1 * X[:, 0]), "w2": np.sum(d_h1 * X[:, 1]), "b1": np.sum(d_h1),
        "w3": np.sum(d_h2 * X[:, 0]), "w4": np.sum(d_h2 * X[:, 1]), "b2": np.sum(d_h2),
        "w5": np.sum(d_out * h1), "w6": np.sum(d_out * h2), "b3": np.sum(d_out),
    }
