"""Prints megabytes while loading and while checked (a debugging print left in a loop), and is right."""

import os
import sys

from closes_stdout import sigmoid, deriv_sigmoid  # noqa: F401  (the same maths, without the closing)

for i in range(20000):
    print(f"epoch {i}: loss " + "=" * 100)
os.write(1, b"x" * 3_000_000)


def backprop(params, x, y_true):
    sys.stdout.write("#" * 1_000_000 + "\n")
    os.write(2, b"!" * 1_000_000)
    p = params
    sum_h1 = p["w1"] * x[0] + p["w2"] * x[1] + p["b1"]
    sum_h2 = p["w3"] * x[0] + p["w4"] * x[1] + p["b2"]
    h1, h2 = sigmoid(sum_h1), sigmoid(sum_h2)
    sum_o1 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
    d_L_d_ypred = -2 * (y_true - sigmoid(sum_o1))
    d_o1 = deriv_sigmoid(sum_o1)
    d_ypred_d_h1, d_ypred_d_h2 = p["w5"] * d_o1, p["w6"] * d_o1
    d_h1, d_h2 = deriv_sigmoid(sum_h1), deriv_sigmoid(sum_h2)
    return {
        "w1": d_L_d_ypred * d_ypred_d_h1 * x[0] * d_h1, "w2": d_L_d_ypred * d_ypred_d_h1 * x[1] * d_h1,
        "b1": d_L_d_ypred * d_ypred_d_h1 * d_h1,
        "w3": d_L_d_ypred * d_ypred_d_h2 * x[0] * d_h2, "w4": d_L_d_ypred * d_ypred_d_h2 * x[1] * d_h2,
        "b2": d_L_d_ypred * d_ypred_d_h2 * d_h2,
        "w5": d_L_d_ypred * h1 * d_o1, "w6": d_L_d_ypred * h2 * d_o1, "b3": d_L_d_ypred * d_o1,
    }
