# Matrix code where W1 is neurons x inputs but W2 is kept as a column (inputs x neurons), as in many blog posts.
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def grads(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]   # W2: 2 x 1
    n = X.shape[0]
    H = sigmoid(X @ W1.T + b1)            # n x 2
    P = sigmoid(H @ W2 + b2)              # n x 1
    d2 = -2 * (Y[:, None] - P) * P * (1 - P)
    d1 = (d2 @ W2.T) * H * (1 - H)
    return {"dW1": d1.T @ X / n, "db1": d1.sum(axis=0) / n, "dW2": H.T @ d2 / n, "db2": d2.sum(axis=0) / n}
