# Gradient with the common 1/2 (y - y_pred)^2 convention: dL/dy_pred = -(y - y_pred), no 2.
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def backprop(params, x, y_true):
    p = params
    z1 = p["w1"] * x[0] + p["w2"] * x[1] + p["b1"]
    z2 = p["w3"] * x[0] + p["w4"] * x[1] + p["b2"]
    h1, h2 = sigmoid(z1), sigmoid(z2)
    z3 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
    y_pred = sigmoid(z3)
    d_L_d_ypred = -(y_true - y_pred)            # L = 1/2 (y_true - y_pred)^2
    s3 = y_pred * (1 - y_pred)
    s1, s2 = h1 * (1 - h1), h2 * (1 - h2)
    return {
        "w5": d_L_d_ypred * s3 * h1, "w6": d_L_d_ypred * s3 * h2, "b3": d_L_d_ypred * s3,
        "w1": d_L_d_ypred * p["w5"] * s3 * s1 * x[0], "w2": d_L_d_ypred * p["w5"] * s3 * s1 * x[1],
        "b1": d_L_d_ypred * p["w5"] * s3 * s1,
        "w3": d_L_d_ypred * p["w6"] * s3 * s2 * x[0], "w4": d_L_d_ypred * p["w6"] * s3 * s2 * x[1],
        "b2": d_L_d_ypred * p["w6"] * s3 * s2,
    }
