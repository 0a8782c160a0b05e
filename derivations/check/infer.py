"""Which network a class is for, from the parameters it has: w1..w10 and b1..b5 are not the article's.

A class with more weights or biases than the network being checked would
keep random values in the ones the check never sets, and its verdict would
change from run to run.  So the parameters are counted first: when exactly
one layered network (the inputs and outputs of the one given, hidden
layers in between) has that many weights and biases, it is the one;
otherwise the check stops and names the ``--net`` to pass.

>>> from derivations import Network
>>> [n.spec for n in networks_with(10, 5, Network((2, 2, 1)))]
['2-2-2-1', '2-3-1-1']
>>> [n.spec for n in networks_with(9, 4, Network((2, 2, 1)))]
['2-3-1']
"""

import itertools
import re

from derivations.check.loading import CheckError
from derivations.errors import Argument
from derivations.network import Network

_PARAM = re.compile(r"^([wb])(\d+)$")
#: hidden layers and widths tried when inferring
MAX_HIDDEN_LAYERS = 3
MAX_WIDTH = 8


def numbered_params(instance, names=None):
    """The highest ``w<k>`` and ``b<k>`` among the attributes of ``instance`` (renamed ones count by their article name)."""
    renamed = {user: article for article, user in (names or {}).items()}
    highest = {"w": 0, "b": 0}
    for attribute in _attributes(instance):
        match = _PARAM.match(renamed.get(attribute, attribute))
        if match:
            highest[match.group(1)] = max(highest[match.group(1)], int(match.group(2)))
    return highest["w"], highest["b"]


def _attributes(instance):
    try:
        return list(vars(instance))
    except TypeError:  # __slots__
        return [n for n in dir(instance) if not n.startswith("_")]


def networks_with(n_weights, n_biases, like):
    """Layered networks with ``like``'s inputs, outputs and activations and this many weights and biases."""
    n_in, n_out = like.layers[0], like.layers[-1]
    found = []
    for depth in range(1, MAX_HIDDEN_LAYERS + 1):
        for hidden in itertools.product(range(1, MAX_WIDTH + 1), repeat=depth):
            layers = (n_in, *hidden, n_out)
            weights = sum(a * b for a, b in zip(layers, layers[1:]))
            if weights == n_weights and sum(layers[1:]) == n_biases:
                hidden_act = like.activations[0]
                found.append(Network(layers, hidden_act, like.output_activation, like.loss))
    return found


def network_for(instance, network, given, names=None):
    """The network to check ``instance``'s class against: ``network``, or the one its parameters imply.

    ``given`` says the caller chose ``network`` (then a mismatch is an error,
    not a guess).
    """
    n_w, n_b = numbered_params(instance, names)
    have_w, have_b = network.n_weights, network.n_biases
    if (n_w, n_b) == (have_w, have_b) or (n_w <= have_w and n_b <= have_b):
        return network, None
    cls = type(instance).__name__
    extra = [f"w{have_w + 1}..w{n_w}" if n_w > have_w + 1 else f"w{n_w}"] if n_w > have_w else []
    extra += [f"b{have_b + 1}..b{n_b}" if n_b > have_b + 1 else f"b{n_b}"] if n_b > have_b else []
    what = f"{cls} has {' and '.join(extra)}, which a {network.spec} network does not have"
    candidates = networks_with(n_w, n_b, network)
    if given or len(candidates) != 1:
        if not candidates:
            raise CheckError(f"{what}; no layered network with {network.layers[0]} inputs has {n_w} weights and "
                             f"{n_b} biases: pass the network it is (", Argument("network"), ")", argument="network")
        options = [Argument("network", c.spec, python=f"network=Network.parse({c.spec!r})") for c in candidates]
        parts = [f"{what}; it has {n_w} weights and {n_b} biases: pass "]
        for i, option in enumerate(options):
            parts += ([" or "] if i else []) + [option]
        raise CheckError(*parts, argument="network")
    chosen = candidates[0]
    return chosen, f"{cls} has w1..w{n_w} and b1..b{n_b}: checked as the {chosen.spec} network, the only layered " \
                   f"network with that many (pass the network to choose another)."
