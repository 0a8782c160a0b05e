"""A hand-written backprop for the article's 2-2-1 network, with one mistake in it.

Check it:

    nnderive check examples/mine.py:backprop

The checker finds that dL/dw1 is wrong, that the factor at fault is dh1/dw1,
and offers the hint that explains the numbers: x2 is used where x1 belongs.
Fix line marked MISTAKE (x[1] -> x[0]) and the check passes.
"""

import math


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def deriv_sigmoid(x):
    # f'(x) = f(x) * (1 - f(x))
    fx = sigmoid(x)
    return fx * (1 - fx)


def backprop(params, x, y_true):
    """The nine partials of L = (y_true - y_pred)^2 at one sample, and the article's factors.

    ``params`` maps "w1".."w6", "b1".."b3" to numbers; ``x`` is (x1, x2).
    """
    p = params
    # the forward pass, keeping each neuron's sum: f' is taken at the sum
    sum_h1 = p["w1"] * x[0] + p["w2"] * x[1] + p["b1"]
    h1 = sigmoid(sum_h1)
    sum_h2 = p["w3"] * x[0] + p["w4"] * x[1] + p["b2"]
    h2 = sigmoid(sum_h2)
    sum_o1 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
    y_pred = sigmoid(sum_o1)

    # the chain-rule factors, named as in the article
    d_L_d_ypred = -2 * (y_true - y_pred)
    d_ypred_d_w5 = h1 * deriv_sigmoid(sum_o1)
    d_ypred_d_w6 = h2 * deriv_sigmoid(sum_o1)
    d_ypred_d_b3 = deriv_sigmoid(sum_o1)
    d_ypred_d_h1 = p["w5"] * deriv_sigmoid(sum_o1)
    d_ypred_d_h2 = p["w6"] * deriv_sigmoid(sum_o1)
    d_h1_d_w1 = x[1] * deriv_sigmoid(sum_h1)  # MISTAKE: w1 multiplies x1, so this should be x[0]
    d_h1_d_w2 = x[1] * deriv_sigmoid(sum_h1)
    d_h1_d_b1 = deriv_sigmoid(sum_h1)
    d_h2_d_w3 = x[0] * deriv_sigmoid(sum_h2)
    d_h2_d_w4 = x[1] * deriv_sigmoid(sum_h2)
    d_h2_d_b2 = deriv_sigmoid(sum_h2)

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
        # the factors too: each one is checked, so the report can say which is wrong
        "d_L_d_ypred": d_L_d_ypred,
        "d_ypred_d_h1": d_ypred_d_h1,
        "d_ypred_d_h2": d_ypred_d_h2,
        "d_ypred_d_w5": d_ypred_d_w5,
        "d_ypred_d_w6": d_ypred_d_w6,
        "d_ypred_d_b3": d_ypred_d_b3,
        "d_h1_d_w1": d_h1_d_w1,
        "d_h1_d_w2": d_h1_d_w2,
        "d_h1_d_b1": d_h1_d_b1,
        "d_h2_d_w3": d_h2_d_w3,
        "d_h2_d_w4": d_h2_d_w4,
        "d_h2_d_b2": d_h2_d_b2,
    }
