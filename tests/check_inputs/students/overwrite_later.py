# A homework class: correct updates, then a "tidy-up" block that re-assigns b2 from the wrong bias.
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def deriv_sigmoid(x):
    fx = sigmoid(x)
    return fx * (1 - fx)


class Network:
    def __init__(self):
        rng = np.random.default_rng(1)
        for name in ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"):
            setattr(self, name, rng.normal())

    def train(self, data, all_y_trues):
        learn_rate = 0.1
        for epoch in range(500):
            for x, y_true in zip(data, all_y_trues):
                sum_h1 = self.w1 * x[0] + self.w2 * x[1] + self.b1
                h1 = sigmoid(sum_h1)
                sum_h2 = self.w3 * x[0] + self.w4 * x[1] + self.b2
                h2 = sigmoid(sum_h2)
                sum_o1 = self.w5 * h1 + self.w6 * h2 + self.b3
                y_pred = sigmoid(sum_o1)

                d_L_d_ypred = -2 * (y_true - y_pred)
                d_ypred_d_h1 = self.w5 * deriv_sigmoid(sum_o1)
                d_ypred_d_h2 = self.w6 * deriv_sigmoid(sum_o1)
                g1 = d_L_d_ypred * d_ypred_d_h1 * deriv_sigmoid(sum_h1)
                g2 = d_L_d_ypred * d_ypred_d_h2 * deriv_sigmoid(sum_h2)
                g3 = d_L_d_ypred * deriv_sigmoid(sum_o1)

                self.w1 -= learn_rate * g1 * x[0]
                self.w2 -= learn_rate * g1 * x[1]
                self.b1 -= learn_rate * g1
                self.w3 -= learn_rate * g2 * x[0]
                self.w4 -= learn_rate * g2 * x[1]
                self.b2 -= learn_rate * g2
                self.w5 -= learn_rate * g3 * h1
                self.w6 -= learn_rate * g3 * h2
                self.b3 -= learn_rate * g3
                # "make sure the biases are updated" (added later; b3 where b2 belongs)
                self.b2 = self.b3 - learn_rate * g2
