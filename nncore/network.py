"""The article's neuron and its 2-2-1 network, with hand-written backprop.

Wiring (x1 = weight, x2 = height)::

    h1 = f(w1*x1 + w2*x2 + b1)
    h2 = f(w3*x1 + w4*x2 + b2)
    o1 = f(w5*h1 + w6*h2 + b3)      (o1 is y_pred)
"""

import numpy as np

from nncore.activations import deriv_sigmoid, sigmoid
from nncore.train import train as sgd

PARAM_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")


class Neuron:
    """One sigmoid neuron: f(weights . inputs + bias).

    Examples
    --------
    >>> print(Neuron([0, 1], 4).feedforward([2, 3]))   # the article's 0.999
    0.9990889488055994
    """

    def __init__(self, weights, bias):
        self.weights = np.asarray(weights, dtype=float)
        self.bias = bias

    def feedforward(self, inputs):
        return float(sigmoid(np.dot(self.weights, inputs) + self.bias))


class OurNeuralNetwork:
    """The article's network: 2 inputs, hidden neurons h1 and h2, output o1.

    The nine parameters are plain attributes ``w1``..``w6``, ``b1``..``b3``,
    drawn from a standard normal as the article does; ``seed`` (an int or a
    ``numpy.random.Generator``) makes the draw repeatable.

    Examples
    --------
    >>> network = OurNeuralNetwork()
    >>> network.set_params(w1=0, w2=1, w3=0, w4=1, w5=0, w6=1, b1=0, b2=0, b3=0)
    >>> print(network.feedforward([2, 3]))   # the article's 0.7216
    0.7216325609518421
    >>> network.set_params(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
    >>> print(network.backprop([-2, -1], 1)["w1"])   # Alice: the article's 0.0214
    0.02146953526581111
    """

    def __init__(self, seed=None):
        rng = np.random.default_rng(seed)
        for name in PARAM_NAMES:
            setattr(self, name, float(rng.normal()))

    @property
    def params(self):
        """The nine parameters as a dict, in the order w1..w6, b1..b3."""
        return {name: getattr(self, name) for name in PARAM_NAMES}

    def set_params(self, **values):
        """Set parameters by name; an unknown name is an error."""
        unknown = set(values) - set(PARAM_NAMES)
        if unknown:
            raise TypeError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        for name, value in values.items():
            setattr(self, name, float(value))

    def feedforward(self, x):
        """y_pred for one sample x = [x1, x2], as a Python float."""
        h1 = sigmoid(self.w1 * x[0] + self.w2 * x[1] + self.b1)
        h2 = sigmoid(self.w3 * x[0] + self.w4 * x[1] + self.b2)
        return float(sigmoid(self.w5 * h1 + self.w6 * h2 + self.b3))

    def predict(self, data):
        """y_pred for every row of ``data`` (n x 2)."""
        return np.array([self.feedforward(x) for x in data])

    def backprop(self, x, y_true):
        """The article's hand-written backprop for one sample.

        Returns a dict with the nine partials of L = (y_true - y_pred)^2
        (keys ``"w1"``..``"b3"``) and every chain-rule factor under the
        article's names (``"d_L_d_ypred"``, ``"d_ypred_d_h1"``, ``"d_h1_d_w1"``, ...),
        every value a Python float.
        """
        # --- feedforward, keeping the pre-activations: f' is taken at them
        sum_h1 = self.w1 * x[0] + self.w2 * x[1] + self.b1
        h1 = sigmoid(sum_h1)
        sum_h2 = self.w3 * x[0] + self.w4 * x[1] + self.b2
        h2 = sigmoid(sum_h2)
        sum_o1 = self.w5 * h1 + self.w6 * h2 + self.b3
        y_pred = sigmoid(sum_o1)

        f = {"d_L_d_ypred": -2 * (y_true - y_pred)}
        # neuron o1
        f["d_ypred_d_w5"] = h1 * deriv_sigmoid(sum_o1)
        f["d_ypred_d_w6"] = h2 * deriv_sigmoid(sum_o1)
        f["d_ypred_d_b3"] = deriv_sigmoid(sum_o1)
        f["d_ypred_d_h1"] = self.w5 * deriv_sigmoid(sum_o1)
        f["d_ypred_d_h2"] = self.w6 * deriv_sigmoid(sum_o1)
        # neuron h1
        f["d_h1_d_w1"] = x[0] * deriv_sigmoid(sum_h1)
        f["d_h1_d_w2"] = x[1] * deriv_sigmoid(sum_h1)
        f["d_h1_d_b1"] = deriv_sigmoid(sum_h1)
        # neuron h2
        f["d_h2_d_w3"] = x[0] * deriv_sigmoid(sum_h2)
        f["d_h2_d_w4"] = x[1] * deriv_sigmoid(sum_h2)
        f["d_h2_d_b2"] = deriv_sigmoid(sum_h2)

        partials = {
            "w1": f["d_L_d_ypred"] * f["d_ypred_d_h1"] * f["d_h1_d_w1"],
            "w2": f["d_L_d_ypred"] * f["d_ypred_d_h1"] * f["d_h1_d_w2"],
            "w3": f["d_L_d_ypred"] * f["d_ypred_d_h2"] * f["d_h2_d_w3"],
            "w4": f["d_L_d_ypred"] * f["d_ypred_d_h2"] * f["d_h2_d_w4"],
            "w5": f["d_L_d_ypred"] * f["d_ypred_d_w5"],
            "w6": f["d_L_d_ypred"] * f["d_ypred_d_w6"],
            "b1": f["d_L_d_ypred"] * f["d_ypred_d_h1"] * f["d_h1_d_b1"],
            "b2": f["d_L_d_ypred"] * f["d_ypred_d_h2"] * f["d_h2_d_b2"],
            "b3": f["d_L_d_ypred"] * f["d_ypred_d_b3"],
        }
        # Python floats: they print as 0.0214..., not np.float64(0.0214...)
        return {name: float(value) for name, value in {**partials, **f}.items()}

    def train(self, data, all_y_trues, epochs=1000, learn_rate=0.1, verbose=False):
        """The article's per-sample SGD; returns the MSE after every epoch.

        See :func:`nncore.train.train`.
        """
        return sgd(self, data, all_y_trues, epochs=epochs, learn_rate=learn_rate, verbose=verbose)
