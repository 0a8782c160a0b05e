"""Hand-written backprops that go wrong in ways other than the maths (test inputs for nnderive check).

Each one is the article's backprop (article_backprop.py, beside this file)
broken in a way the checker must report as the user's problem, not crash on.
"""
import math
import sys
import warnings

import numpy as np

from article_backprop import backprop, partials_only

calls = {"train": 0}


def raises(params, x, y_true):
    sum_h1 = params["w1"] * x[0] + params["w2"] * x[1] + params["b1"]
    d_h1_d_w1 = x[2] * sum_h1  # there is no x[2]
    return {"w1": d_h1_d_w1}


def returns_list(params, x, y_true):
    return list(partials_only(params, x, y_true).values())


def returns_none(params, x, y_true):
    partials_only(params, x, y_true)


def missing_keys(params, x, y_true):
    result = partials_only(params, x, y_true)
    del result["w3"], result["b2"]
    return result


def nan_sometimes(params, x, y_true):
    result = backprop(params, x, y_true)
    if x[0] > 0:
        result["w5"] = math.nan
        result["d_h1_d_w1"] = math.nan
    return result


def wrong_types(params, x, y_true):
    result = partials_only(params, x, y_true)
    result["w1"] = str(result["w1"])
    result["w2"] = [result["w2"], 0.0]
    result["b1"] = None
    return result


def arrays(params, x, y_true):
    """Partials as numpy scalars and one-element arrays: numbers all the same."""
    return {name: np.array([value]) for name, value in partials_only(params, x, y_true).items()}


def typo_keys(params, x, y_true):
    result = partials_only(params, x, y_true)
    result["d_h1_dw1"] = 1.0
    result["notes"] = "hello"
    return result


def chatty(params, x, y_true):
    print("computing the partials...")
    print("done", file=sys.stderr)
    warnings.warn("this backprop talks a lot")
    np.exp(1000.0)  # an overflow warning from numpy
    return partials_only(params, x, y_true)


def exits(params, x, y_true):
    sys.exit("giving up")


def two_args(params, x):
    return {}


def many_args(*args):
    return {}


class NoParams:
    def train(self, data, all_y_trues):
        pass


class Lazy:
    """Has the parameters, never updates them."""

    def __init__(self):
        for name in ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"):
            setattr(self, name, 0.0)

    def train(self, data, all_y_trues):
        return None


class NeedsArguments:
    def __init__(self, seed):
        self.seed = seed

    def train(self, data, all_y_trues):
        pass


class NoTrain:
    w1 = 0.0


class Swallowing:
    """Updates w1..b3 from the article's partials, counting samples, inside a broad try/except."""

    def __init__(self):
        for name in ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"):
            setattr(self, name, 0.0)

    def train(self, data, all_y_trues):
        for epoch in range(1000):
            for x, y_true in zip(data, all_y_trues):
                calls["train"] += 1
                params = {n: getattr(self, n) for n in ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")}
                grads = partials_only(params, x, y_true)
                try:
                    for name, value in grads.items():
                        setattr(self, name, params[name] - 0.1 * value)
                except Exception:
                    pass


class RaisesInTrain:
    def __init__(self):
        self.w1 = self.w2 = self.w3 = self.w4 = self.w5 = self.w6 = self.b1 = self.b2 = self.b3 = 0.0

    def train(self, data, all_y_trues):
        for x in data:
            self.w1 -= 0.1 * x[0] / 0.0 if False else 0.1 * {}["d_L_d_w1"]


class _Grumpy(dict):
    def __getitem__(self, key):
        raise RuntimeError("not today")


def grumpy_mapping(params, x, y_true):
    return _Grumpy(partials_only(params, x, y_true))
