"""The layer view in numbers: BP1-BP4 evaluated with numpy, a batch of samples at once.

Rows are samples (the batch form of the layer view: Zˡ = Aˡ⁻¹ (Wˡ)ᵀ + bˡ,
row by row the same as zˡ = Wˡ aˡ⁻¹ + bˡ), and the gradients are the means
over the samples, as matrix products: ∂L̄/∂Wˡ = (Δˡ)ᵀ Aˡ⁻¹ / n,
∂L̄/∂bˡ = the mean of the rows of Δˡ.  The functions are the activation
records' own numpy versions; the loss's first factor is its record's
derivative.  This is what the worked example shows as vectors and what the
layer-view tests compare with the scalar derivation.

>>> from derivations import derive
>>> alice = dict(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
>>> values = layer_values(derive(), alice, [[-2, -1]], [1])
>>> [round(float(v), 4) for v in values[0].a[0]]          # h1, h2: the article's 0.0474
[0.0474, 0.0474]
>>> print(values[0].dW[0, 0])                              # ∂L/∂w1 = W¹[1,1]
0.02146953526581111
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sympy import Symbol, lambdify

from derivations.rules import ACTIVATIONS, LOSSES, NUMPY_FUNCTIONS


@dataclass(frozen=True)
class LayerValues:
    """One layer's numbers for a batch: ``z``, ``a``, ``delta`` (samples × neurons); ``dW``, ``db`` (means)."""

    index: int
    z: np.ndarray
    a: np.ndarray
    delta: np.ndarray
    dW: np.ndarray
    db: np.ndarray


def layer_values(derivation, params, X, y):
    """Every layer's :class:`LayerValues` for the samples ``X`` (rows) and targets ``y`` (numbers, as checked
    by the caller: the worked example's point, or :meth:`derivations.numeric.NumericDerivation.arguments`)."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    Y = np.asarray(y, dtype=float).reshape(len(X), -1)
    route = LayerNumbers(derivation.network)
    values = np.array([float(params[name]) for name in derivation.network.param_names])
    n = len(X)
    return [LayerValues(l, z, a, delta, delta.T @ a_in / n, delta.mean(axis=0))
            for l, (a_in, z, a, delta) in enumerate(route.passes(route.matrices(values), X, Y), start=1)]


def _function(activation):
    if activation.function is None:
        return lambda z: z
    return activation.numpy[activation.function.__name__]


@lru_cache(maxsize=None)
def _loss_gradient(name):
    """∂L/∂(the output's handle) of the loss ``name``, as a numpy function of (y, a)."""
    y, p = Symbol("y"), Symbol("p")
    return lambdify((y, p), LOSSES[name].derivative(y, p), modules="numpy")


class LayerNumbers:
    """The layer view as a fast numeric route: gradient and loss summed over a block of rows.

    The matrices are gathered from the parameter vector by index arrays made
    once (row = neuron, column = input, the layer view's map), so a block costs
    a few matrix products per layer instead of one statement per weight.
    :class:`derivations.numeric.NumericDerivation` takes this route for wide
    networks, where it is the faster one; both routes are proved equal
    (:func:`derivations.verify.verify_layers`) and tested to 1e-12.

    >>> from derivations import Network
    >>> route = LayerNumbers(Network((2, 2, 1)))
    >>> alice = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0], dtype=float)
    >>> print(route.gradient_sum(alice, np.array([[-2.0, -1.0]]), np.array([[1.0]]))[0])
    0.02146953526581111
    """

    def __init__(self, network):
        # From the sizes alone, as the derivation numbers its parameters (network.param_names):
        # weights neuron by neuron, so W^l is a consecutive run read row by row, then the
        # biases.  No symbol is made, so a wide network costs the same to set up as a narrow one.
        self.layers = []
        weights, biases = 0, network.n_weights
        last = len(network.layers) - 2
        for index, (n_in, n_out, name) in enumerate(zip(network.layers, network.layers[1:], network.activations)):
            W = np.arange(weights, weights + n_out * n_in, dtype=np.intp).reshape(n_out, n_in)
            b = np.arange(biases, biases + n_out, dtype=np.intp)
            weights, biases = weights + n_out * n_in, biases + n_out
            activation = ACTIVATIONS[name]
            # BP1 starts at the sum where the loss says so (bce on a sigmoid output): no f' there
            at_sum = index == last and LOSSES[network.loss].wrt != "output"
            self.layers.append((W, b, _function(activation), _fprime_via(activation, at_sum)))
        self.n_params = network.n_params
        self.loss = network.loss

    def _forward(self, matrices, X):
        a, passes = X, []
        for (W, b), (_, _, f, _) in zip(matrices, self.layers):
            z = a @ W.T
            z += b  # in place: a block's matrices are large, each temporary costs a pass over memory
            a_in, a = a, f(z)
            passes.append((a_in, z, a))
        return passes, a

    def matrices(self, values):
        """Each layer's (W, b) gathered from the parameter vector: once per call, not per block."""
        return [(values[W], values[b]) for W, b, _, _ in self.layers]

    def gradient_sum(self, values, X, Y, matrices=None):
        """The gradient summed (not averaged) over the rows of ``X``, in parameter order."""
        matrices = self.matrices(values) if matrices is None else matrices
        total = np.zeros(self.n_params)
        for (W, b, _, _), (dW, db) in zip(self.layers, self._layer_sums(matrices, X, Y)):
            total[W] = dW
            total[b] = db
        return total

    def gradient_total(self, values, blocks):
        """The gradient summed over every block of (X rows, Y rows): matrices gathered once, scattered once."""
        matrices = self.matrices(values)
        sums = None
        for X, Y in blocks:
            part = self._layer_sums(matrices, X, Y)
            if sums is None:
                sums = part
            else:
                for (dW, db), (pW, pb) in zip(sums, part):
                    dW += pW
                    db += pb
        total = np.zeros(self.n_params)
        for (W, b, _, _), (dW, db) in zip(self.layers, sums):
            total[W] = dW
            total[b] = db
        return total

    def passes(self, matrices, X, Y):
        """BP1-BP4 on a block of rows: per layer, first to last, ``(a_in, z, a, delta)``, one row per sample."""
        out = []
        with np.errstate(under="ignore"):
            forward, a = self._forward(matrices, X)
            delta = None
            for (W, b), (_, _, _, fprime), (a_in, z, f) in zip(reversed(matrices), reversed(self.layers),
                                                              reversed(forward)):
                if delta is None:
                    delta = _loss_gradient(self.loss)(Y, a) * fprime(z, f)
                else:
                    delta = delta @ following
                    delta *= fprime(z, f)
                out.append((a_in, z, f, delta))
                following = W
        return out[::-1]

    def _layer_sums(self, matrices, X, Y):
        """Per layer (Σ δ aᵀ, Σ δ) over the rows of one block."""
        return [(delta.T @ a_in, delta.sum(axis=0)) for a_in, _, _, delta in self.passes(matrices, X, Y)]

    def loss_sum(self, values, X, Y, matrices=None):
        """The loss summed over the rows of ``X``, in the record's form that cannot overflow."""
        matrices = self.matrices(values) if matrices is None else matrices
        with np.errstate(under="ignore"):
            passes, a = self._forward(matrices, X)
            return float(np.sum(_stable_loss(self.loss)(Y, a, passes[-1][1])))

    def loss_total(self, values, blocks):
        """The loss summed over every block of (X rows, Y rows), the matrices gathered once."""
        matrices = self.matrices(values)
        return sum(self.loss_sum(values, X, Y, matrices) for X, Y in blocks)


@lru_cache(maxsize=None)
def _fprime_via(activation, at_sum=False):
    """f'(z) of a layer as numpy of (z, a): from the output at hand where the record says so (σ' = a(1 - a)).

    1 where the chain enters at the sum (bce on a sigmoid output) or for the identity.
    """
    x, fx = Symbol("x"), Symbol("fx")
    via = activation.derivative_via(x, fx)
    if at_sum or via == 1:
        return lambda z, a: 1.0
    return lambdify((x, fx), via, modules=[NUMPY_FUNCTIONS, "numpy"])


@lru_cache(maxsize=None)
def _stable_loss(name):
    """The loss of ``name`` per output, as numpy of (y, a, z): the record's stable form."""
    y, p, s = Symbol("y"), Symbol("p"), Symbol("s")
    return lambdify((y, p, s), LOSSES[name].stable_term(y, p, s), modules=[NUMPY_FUNCTIONS, "numpy"])
