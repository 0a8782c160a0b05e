"""nncore: the article's neural network, written out by hand in numpy.

This is the numeric twin of :mod:`derivations`: a 2-input, 2-hidden, 1-output
sigmoid network with the article's hand-written backpropagation and SGD, small
enough to read in one sitting.  It never imports :mod:`derivations`.

>>> from nncore import OurNeuralNetwork, DATA, ALL_Y_TRUES
>>> network = OurNeuralNetwork(seed=0)
>>> history = network.train(DATA, ALL_Y_TRUES)
>>> history[-1] < 0.01
True
"""

from nncore.activations import deriv_sigmoid, sigmoid
from nncore.data import (
    ALL_Y_TRUES,
    DATA,
    EMILY,
    FRANK,
    HEIGHT_SHIFT_IN,
    PEOPLE,
    WEIGHT_SHIFT_LB,
    Person,
    gender_of,
    person,
    shift,
)
from nncore.losses import mse_loss
from nncore.network import PARAM_NAMES, Neuron, OurNeuralNetwork
from nncore.train import train

__all__ = [
    "ALL_Y_TRUES",
    "DATA",
    "EMILY",
    "FRANK",
    "HEIGHT_SHIFT_IN",
    "PARAM_NAMES",
    "PEOPLE",
    "WEIGHT_SHIFT_LB",
    "Neuron",
    "OurNeuralNetwork",
    "Person",
    "deriv_sigmoid",
    "gender_of",
    "mse_loss",
    "person",
    "shift",
    "sigmoid",
    "train",
]
