# Full-batch gradient descent: the nine partials averaged over all the data, one update per epoch.
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class BatchNetwork:
    def __init__(self):
        self.w1 = self.w2 = self.w3 = self.w4 = self.w5 = self.w6 = 0.5
        self.b1 = self.b2 = self.b3 = 0.0

    def train(self, data, all_y_trues, learn_rate=0.5, epochs=2000):
        x1, x2 = data[:, 0], data[:, 1]
        n = len(all_y_trues)
        for epoch in range(epochs):
            sum_h1 = self.w1 * x1 + self.w2 * x2 + self.b1
            sum_h2 = self.w3 * x1 + self.w4 * x2 + self.b2
            h1, h2 = sigmoid(sum_h1), sigmoid(sum_h2)
            y_pred = sigmoid(self.w5 * h1 + self.w6 * h2 + self.b3)
            d_o = -2 * (all_y_trues - y_pred) * y_pred * (1 - y_pred)
            d_h1 = d_o * self.w5 * h1 * (1 - h1)
            d_h2 = d_o * self.w6 * h2 * (1 - h2)
            self.w1 -= learn_rate * np.sum(d_h1 * x1) / n
            self.w2 -= learn_rate * np.sum(d_h1 * x2) / n
            self.b1 -= learn_rate * np.sum(d_h1) / n
            self.w3 -= learn_rate * np.sum(d_h2 * x1) / n
            self.w4 -= learn_rate * np.sum(d_h2 * x2) / n
            self.b2 -= learn_rate * np.sum(d_h2) / n
            self.w5 -= learn_rate * np.sum(d_o * h1) / n
            self.w6 -= learn_rate * np.sum(d_o * h2) / n
            self.b3 -= learn_rate * np.sum(d_o) / n
