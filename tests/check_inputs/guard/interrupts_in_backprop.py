"""Raises KeyboardInterrupt from inside the gradient function."""


def backprop(params, x, y_true):
    raise KeyboardInterrupt
