# Two hidden layers of two neurons (2-2-2-1), written out weight by weight like the article.
import math


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


class DeepNetwork:
    def __init__(self):
        self.w1, self.w2, self.w3, self.w4 = 0.1, -0.2, 0.3, 0.4       # x -> h1, h2
        self.w5, self.w6, self.w7, self.w8 = -0.5, 0.6, 0.7, -0.8      # h -> g1, g2
        self.w9, self.w10 = 0.9, -1.0                                   # g -> o1
        self.b1, self.b2, self.b3, self.b4, self.b5 = 0.0, 0.1, 0.2, 0.3, 0.4

    def train(self, data, all_y_trues, learn_rate=0.1, epochs=100):
        for epoch in range(epochs):
            for x, y in zip(data, all_y_trues):
                s1 = self.w1 * x[0] + self.w2 * x[1] + self.b1
                s2 = self.w3 * x[0] + self.w4 * x[1] + self.b2
                h1, h2 = sigmoid(s1), sigmoid(s2)
                s3 = self.w5 * h1 + self.w6 * h2 + self.b3
                s4 = self.w7 * h1 + self.w8 * h2 + self.b4
                g1, g2 = sigmoid(s3), sigmoid(s4)
                s5 = self.w9 * g1 + self.w10 * g2 + self.b5
                o = sigmoid(s5)

                d_o = -2 * (y - o) * o * (1 - o)                 # dL/ds5
                d_g1 = d_o * self.w9 * g1 * (1 - g1)             # dL/ds3
                d_g2 = d_o * self.w10 * g2 * (1 - g2)            # dL/ds4
                d_h1 = (d_g1 * self.w5 + d_g2 * self.w7) * h1 * (1 - h1)
                d_h2 = (d_g1 * self.w6 + d_g2 * self.w8) * h2 * (1 - h2)

                grads = {
                    "w1": d_h1 * x[0], "w2": d_h1 * x[1], "w3": d_h2 * x[0], "w4": d_h2 * x[1],
                    "w5": d_g1 * h1, "w6": d_g1 * h2, "w7": d_g2 * h1, "w8": d_g2 * h2,
                    "w9": d_o * g1, "w10": d_o * g2,
                    "b1": d_h1, "b2": d_h2, "b3": d_g1, "b4": d_g2, "b5": d_o,
                }
                for name, g in grads.items():
                    setattr(self, name, getattr(self, name) - learn_rate * g)
