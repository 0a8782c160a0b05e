"""Calls sys.exit(3) at module level, as scripts with a main() do."""

import sys


def backprop(params, x, y_true):
    return {}


sys.exit(3)
