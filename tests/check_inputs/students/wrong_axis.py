# Matrix batch code (samples in columns, as some course notes write it); b1's mean is over the wrong axis.
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def backward(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    A0 = X.T                                  # 2 x n
    n = A0.shape[1]
    A1 = sigmoid(W1 @ A0 + b1[:, None])       # 2 x n
    A2 = sigmoid(W2 @ A1 + b2[:, None])       # 1 x n
    dZ2 = -2 * (Y[None, :] - A2) * A2 * (1 - A2)
    dZ1 = (W2.T @ dZ2) * A1 * (1 - A1)        # 2 x n
    return {
        "dW2": dZ2 @ A1.T / n, "db2": dZ2.mean(axis=1),
        "dW1": dZ1 @ A0.T / n, "db1": dZ1.mean(axis=0),    # axis=0 averages h1 with h2, per sample
    }
