# Matrix code (list of parameters in layer order) that returns dW1 transposed: X.T @ delta for delta.T @ X.
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def backprop(params, X, Y):
    W1, b1, W2, b2 = params
    m = len(X)
    H = sigmoid(X @ W1.T + b1)
    out = sigmoid(H @ W2.T + b2)
    delta_out = -2 * (Y.reshape(-1, 1) - out) * out * (1 - out)
    delta_h = delta_out @ W2 * H * (1 - H)
    return [X.T @ delta_h / m, delta_h.mean(axis=0), delta_out.T @ H / m, delta_out.mean(axis=0)]
