"""Loads fine; the gradient function never returns (a while loop whose condition never changes)."""


def backprop(params, x, y_true):
    grads = {}
    i = 0
    while i < 9:
        grads["w1"] = 0.0  # forgot i += 1
    return grads
