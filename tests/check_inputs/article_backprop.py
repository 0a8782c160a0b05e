"""The article's backprop for one sample, as a gradient function (a test input for nnderive check).

Written the way a reader turns the article's train() into f(params, x, y_true):
the same feedforward, the same factor names, the same products.  The mutants
in tests/test_check_mutants.py change one line of this file at a time.
"""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def deriv_sigmoid(x):
    fx = sigmoid(x)
    return fx * (1 - fx)


def backprop(params, x, y_true):
    w1, w2, w3, w4, w5, w6 = (params[k] for k in ("w1", "w2", "w3", "w4", "w5", "w6"))
    b1, b2, b3 = params["b1"], params["b2"], params["b3"]

    # --- feedforward
    sum_h1 = w1 * x[0] + w2 * x[1] + b1
    h1 = sigmoid(sum_h1)
    sum_h2 = w3 * x[0] + w4 * x[1] + b2
    h2 = sigmoid(sum_h2)
    sum_o1 = w5 * h1 + w6 * h2 + b3
    y_pred = sigmoid(sum_o1)

    # --- the chain-rule factors
    d_L_d_ypred = -2 * (y_true - y_pred)
    # Neuron o1
    d_ypred_d_w5 = h1 * deriv_sigmoid(sum_o1)
    d_ypred_d_w6 = h2 * deriv_sigmoid(sum_o1)
    d_ypred_d_b3 = deriv_sigmoid(sum_o1)
    d_ypred_d_h1 = w5 * deriv_sigmoid(sum_o1)
    d_ypred_d_h2 = w6 * deriv_sigmoid(sum_o1)
    # Neuron h1
    d_h1_d_w1 = x[0] * deriv_sigmoid(sum_h1)
    d_h1_d_w2 = x[1] * deriv_sigmoid(sum_h1)
    d_h1_d_b1 = deriv_sigmoid(sum_h1)
    # Neuron h2
    d_h2_d_w3 = x[0] * deriv_sigmoid(sum_h2)
    d_h2_d_w4 = x[1] * deriv_sigmoid(sum_h2)
    d_h2_d_b2 = deriv_sigmoid(sum_h2)

    # --- the partials, and the factors so that each one is checked too
    return {
        "w1": d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1,
        "w2": d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w2,
        "w3": d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w3,
        "w4": d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w4,
        "w5": d_L_d_ypred * d_ypred_d_w5,
        "w6": d_L_d_ypred * d_ypred_d_w6,
        "b1": d_L_d_ypred * d_ypred_d_h1 * d_h1_d_b1,
        "b2": d_L_d_ypred * d_ypred_d_h2 * d_h2_d_b2,
        "b3": d_L_d_ypred * d_ypred_d_b3,
        "d_L_d_ypred": d_L_d_ypred,
        "d_ypred_d_w5": d_ypred_d_w5,
        "d_ypred_d_w6": d_ypred_d_w6,
        "d_ypred_d_b3": d_ypred_d_b3,
        "d_ypred_d_h1": d_ypred_d_h1,
        "d_ypred_d_h2": d_ypred_d_h2,
        "d_h1_d_w1": d_h1_d_w1,
        "d_h1_d_w2": d_h1_d_w2,
        "d_h1_d_b1": d_h1_d_b1,
        "d_h2_d_w3": d_h2_d_w3,
        "d_h2_d_w4": d_h2_d_w4,
        "d_h2_d_b2": d_h2_d_b2,
    }


def partials_only(params, x, y_true):
    """The same partials without the factors: the check can then only point at factors by hints."""
    result = backprop(params, x, y_true)
    return {name: result[name] for name in ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")}


def step(params, x, y_true, learn_rate):
    """One SGD step, w <- w - learn_rate * dL/dw, as the article's train() does it."""
    grads = backprop(params, x, y_true)
    return {name: value - learn_rate * grads[name] for name, value in params.items()}
