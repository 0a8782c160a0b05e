"""The article's network with one weight matrix per layer: W1 (2 x 2), b1 (2), W2 (1 x 2), b2 (1).

Rows are neurons, columns are inputs: W1[0, 1] is the article's w2 (x2 -> h1).
Check it with:  nnderive check examples/matrix.py:gradient   (and examples/matrix.py:step)
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gradient(params, X, Y):
    """Mean gradients over the batch, by matrix: {"dW1": ..., "db1": ..., "dW2": ..., "db2": ...}."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    H = sigmoid(X @ W1.T + b1)                   # n x 2: h1, h2 per sample
    Y_pred = sigmoid(H @ W2.T + b2)              # n x 1
    delta2 = -2 * (Y.reshape(-1, 1) - Y_pred) * Y_pred * (1 - Y_pred)   # dL/dsum_o1, n x 1
    delta1 = (delta2 @ W2) * H * (1 - H)         # dL/dsum_h, n x 2
    return {
        "dW1": delta1.T @ X / n, "db1": delta1.mean(axis=0),
        "dW2": delta2.T @ H / n, "db2": delta2.mean(axis=0),
    }


def step(params, X, Y, learn_rate=0.1):
    """One step of batch gradient descent on the matrices."""
    grads = gradient(params, X, Y)
    return {name: value - learn_rate * grads["d" + name] for name, value in params.items()}
