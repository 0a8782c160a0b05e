"""The description of a layered network: sizes, activations and loss, as data.

A :class:`Network` says *what* to derive; :mod:`derivations.graph` turns it
into symbols and :func:`derivations.derive` into partials.  Nothing here knows
the article's 2-2-1 shape except :func:`article_network`.

Naming, for any sizes (the article's scheme, continued):

* inputs ``x1, x2, ...``; hidden neurons ``h1, h2, ...`` numbered on through
  all hidden layers (in a 2-3-3-1 network the first hidden layer is h1..h3,
  the second h4..h6); output neurons ``o1, o2, ...``;
* the pre-activation of neuron h1 is ``sum_h1``; the output of a single
  output neuron is ``y_pred`` (the article's o1) with target ``y_true``;
  with several outputs they are ``o1, o2, ...`` with targets ``y_true1, ...``;
* weights ``w1, w2, ...`` layer by layer, neuron by neuron, input by input;
  biases ``b1, b2, ...`` neuron by neuron, layer by layer; the parameters are
  all weights, then all biases.
"""

import numbers
import re
from dataclasses import dataclass

from derivations.errors import Argument, NnderiveError
from derivations.rules import ACTIVATION_NAMES, LOSS_NAMES, LOSS_OUTPUTS  # the names: no SymPy to check a network


class NetworkError(NnderiveError):
    """A network description that cannot be built; ``argument`` names the part, the message says why."""


@dataclass(frozen=True)
class Network:
    """A fully connected feed-forward network, described as data.

    ``activation`` is one name for every layer or a sequence with one name per
    layer after the inputs; ``output_activation``, if given, overrides the
    output layer's.  ``loss`` is ``"mse"`` or ``"bce"``.

    A network is normalised on construction: ``activation`` becomes the full
    tuple of names, one per layer, and ``output_activation`` the last of them,
    so every way of writing the same network gives an equal value (and one
    cache entry).

    Examples
    --------
    >>> net = Network(layers=(2, 2, 1))
    >>> net.activations, net.loss, net.n_weights, net.n_biases
    (('sigmoid', 'sigmoid'), 'mse', 6, 3)
    >>> Network((2, 2, 1), activation=("sigmoid", "sigmoid")) == Network([2, 2, 1], output_activation="sigmoid")
    True
    >>> Network((2, 2, 1), activation=["sigmoid", "sigmoid"]).is_article
    True
    >>> Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce").activations
    ('tanh', 'tanh', 'sigmoid')
    >>> Network((2, 2, 1), loss="hinge")
    Traceback (most recent call last):
    ...
    derivations.network.NetworkError: unknown loss 'hinge' (choose from: mse, bce, half-mse)
    """

    layers: tuple = (2, 2, 1)
    activation: "str | tuple" = "sigmoid"
    output_activation: "str | None" = None
    loss: str = "mse"

    def __post_init__(self):
        layers = self.layers
        if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
            raise NetworkError(f"layers must be a sequence of sizes, got {layers!r}", argument="layers")
        layers = tuple(layers)
        if len(layers) < 2:
            raise NetworkError("a network needs at least an input and an output layer, e.g. 2-1", argument="layers")
        for size in layers:
            # numbers.Integral: numpy's integers are sizes too (bool is not, though Python says it is)
            if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
                raise NetworkError(f"layer sizes must be whole numbers of at least 1, got {size!r}",
                                   argument="layers")
        layers = tuple(int(size) for size in layers)

        activation = self.activation
        if isinstance(activation, str):
            activation = (activation,) * (len(layers) - 1)
        elif isinstance(activation, (tuple, list)):
            activation = tuple(activation)
            if len(activation) != len(layers) - 1:
                raise NetworkError(f"{len(activation)} activations given for {len(layers) - 1} layers after the "
                                   "inputs; give one name, or one per layer", argument="activation")
        else:
            raise NetworkError(f"activation must be a name or a sequence of names, got {activation!r}",
                               argument="activation")
        if self.output_activation is not None:
            _check_name("output_activation", self.output_activation, ACTIVATION_NAMES)
            activation = activation[:-1] + (self.output_activation,)
        for name in activation:
            _check_name("activation", name, ACTIVATION_NAMES)
        _check_name("loss", self.loss, LOSS_NAMES)
        required = LOSS_OUTPUTS[self.loss]
        if required is not None and activation[-1] != required:
            raise NetworkError(f"loss {self.loss!r} needs a {required} output layer, not {activation[-1]!r} (set ",
                               Argument("output_activation", required), ")", argument="output_activation")
        object.__setattr__(self, "layers", layers)
        object.__setattr__(self, "activation", activation)
        object.__setattr__(self, "output_activation", activation[-1])

    @property
    def activations(self):
        """One activation name per layer after the inputs."""
        return self.activation

    @property
    def is_article(self):
        """True for the article's network: 2-2-1, sigmoid everywhere, MSE (however it was written)."""
        return self == ARTICLE

    @property
    def one_activation(self):
        """The activation every layer uses, or None when the layers differ."""
        return self.activation[0] if len(set(self.activation)) == 1 else None

    @property
    def n_inputs(self):
        return self.layers[0]

    @property
    def n_outputs(self):
        return self.layers[-1]

    @property
    def n_weights(self):
        return sum(a * b for a, b in zip(self.layers, self.layers[1:]))

    @property
    def n_biases(self):
        return sum(self.layers[1:])

    @property
    def n_params(self):
        return self.n_weights + self.n_biases

    @property
    def param_names(self):
        """Every parameter's name in the derivation's order: all weights (neuron by neuron), then all biases.

        Known from the sizes alone, without building a symbol: the numeric
        routes of a wide network need nothing else.

        >>> Network((2, 2, 1)).param_names
        ('w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'b1', 'b2', 'b3')
        """
        return (tuple(f"w{k}" for k in range(1, self.n_weights + 1))
                + tuple(f"b{k}" for k in range(1, self.n_biases + 1)))

    @property
    def sample_names(self):
        """The columns of one sample: the inputs, then the target ``y_true`` (or ``y_true1``, ... for several).

        Known from the sizes alone, as :attr:`param_names` (a samples file is read without deriving).

        >>> Network((2, 2, 1)).sample_names, Network((1, 2)).sample_names
        (('x1', 'x2', 'y_true'), ('x1', 'y_true1', 'y_true2'))
        """
        targets = ("y_true",) if self.n_outputs == 1 else tuple(f"y_true{k}" for k in range(1, self.n_outputs + 1))
        return tuple(f"x{k}" for k in range(1, self.n_inputs + 1)) + targets

    @property
    def spec(self):
        """The sizes as the command line writes them, e.g. ``'2-2-1'``."""
        return "-".join(map(str, self.layers))

    def describe(self):
        """One line a person can read: sizes, activations, loss.

        >>> article_network().describe()
        '2-2-1 network, sigmoid activations, mse loss'
        """
        names = self.activations
        if self.one_activation is not None:
            acts = f"{names[0]} activations"
        else:
            acts = "activations " + ", ".join(names)
        return f"{self.spec} network, {acts}, {self.loss} loss"

    @classmethod
    def parse(cls, spec, activation="sigmoid", output_activation=None, loss="mse"):
        """Build a network from the command line's ``2-3-3-1`` form.

        >>> Network.parse("2-3-1").layers
        (2, 3, 1)
        >>> Network.parse("2-x-1")
        Traceback (most recent call last):
        ...
        derivations.network.NetworkError: bad network '2-x-1': 'x' is not a layer size; write sizes joined by '-', e.g. 2-2-1
        """
        if not isinstance(spec, str):
            raise TypeError(f"Network.parse takes sizes as text, e.g. '2-2-1', not a {type(spec).__name__}")
        parts = spec.strip().split("-")
        sizes = []
        for part in parts:
            if not re.fullmatch(r"[0-9]{1,6}", part.strip()):
                if re.fullmatch(r"[0-9]+", part.strip()):
                    why = "it is far too large for a layer"
                elif not part.strip() and len(parts) > 1:
                    why = "a size is missing (a '-' at an end, or two in a row)"
                else:
                    why = "write sizes joined by '-', e.g. 2-2-1"
                raise NetworkError(f"bad network {spec!r}: {part!r} is not a layer size; {why}", argument="layers")
            sizes.append(int(part))
        if any(s == 0 for s in sizes):
            raise NetworkError(f"bad network {spec!r}: every layer needs at least one neuron", argument="layers")
        if len(sizes) < 2:
            raise NetworkError(f"bad network {spec!r}: give at least an input and an output size, e.g. 2-1",
                               argument="layers")
        return cls(tuple(sizes), activation, output_activation, loss)


def _check_name(argument, name, table):
    if not isinstance(name, str) or name not in table:
        kind = "loss" if argument == "loss" else "activation"
        raise NetworkError(f"unknown {kind} {name!r} (choose from: {', '.join(table)})", argument=argument)


def require_network(network, who):
    """``network``, or the article's for ``None``; anything else is a :class:`TypeError` saying what to pass.

    >>> require_network("2-3-1", "derive")
    Traceback (most recent call last):
    ...
    TypeError: derive() takes a Network, e.g. derive(Network.parse('2-3-1')), not a str
    """
    if network is None:
        return article_network()
    if isinstance(network, Network):
        return network
    if isinstance(network, str):
        example = f"Network.parse({network!r})"
    elif isinstance(network, (tuple, list)):
        example = f"Network(layers={tuple(network)!r})"
    else:
        example = "Network(layers=(2, 2, 1))"
    raise TypeError(f"{who}() takes a Network, e.g. {who}({example}), not a {type(network).__name__}")


def article_network():
    """The article's network: 2 inputs, 2 sigmoid hidden neurons, 1 sigmoid output, MSE.

    >>> article_network() == Network(layers=(2, 2, 1), activation="sigmoid", loss="mse")
    True
    """
    return ARTICLE


ARTICLE = Network(layers=(2, 2, 1), activation="sigmoid", loss="mse")
