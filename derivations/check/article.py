"""nncore's own backprop in the checker's three forms: the demo of a passing check.

``nnderive check --article`` checks :func:`article_backprop` (or, with
``--kind``, :func:`article_step` or nncore's ``OurNeuralNetwork`` class).

>>> alice = dict(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
>>> print(article_backprop(alice, [-2, -1], 1)["w1"])
0.02146953526581111
>>> print(round(article_step(alice, [-2, -1], 1, 0.1)["w1"], 6))
0.997853
"""

from nncore import OurNeuralNetwork


def article_backprop(params, x, y_true):
    """nncore's hand-written backprop as a gradient function: the 9 partials and the 12 factors."""
    network = OurNeuralNetwork(seed=0)
    network.set_params(**params)
    return network.backprop(x, y_true)


def article_step(params, x, y_true, learn_rate):
    """One SGD step of nncore's network: the new parameters."""
    partials = article_backprop(params, x, y_true)
    return {name: value - learn_rate * partials[name] for name, value in params.items()}


#: what ``--article`` checks, by ``--kind``
ARTICLE_TARGETS = {
    "auto": article_backprop,
    "gradient": article_backprop,
    "step": article_step,
    "class": OurNeuralNetwork,
}
