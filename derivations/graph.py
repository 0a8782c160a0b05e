"""Symbols and named intermediate quantities, built from a network description.

Every neuron gets a pre-activation ``sum_<name>`` and an output (``h1``, or
``y_pred`` for the article's single output o1).  The graph knows how each
quantity is defined from the ones before it, and how to write any expression
back in raw symbols (inputs, targets, parameters).

>>> from derivations.network import article_network
>>> g = build_graph(article_network())
>>> g.params
(w1, w2, w3, w4, w5, w6, b1, b2, b3)
>>> [q.name for q in g.definitions]
['sum_h1', 'h1', 'sum_h2', 'h2', 'sum_o1', 'y_pred', 'L']
>>> from derivations.rules import sigmoid
>>> w1, w2, b1, x1, x2 = (g.symbol(n) for n in ("w1", "w2", "b1", "x1", "x2"))
>>> g.definitions[g.symbol("sum_h1")] == w1 * x1 + w2 * x2 + b1
True
>>> g.to_raw(g.definitions[g.symbol("h1")]) == sigmoid(w1 * x1 + w2 * x2 + b1)
True
"""

from dataclasses import dataclass
from functools import cached_property

import sympy
from sympy import Add, Symbol

from derivations.network import Network
from derivations.rules import ACTIVATIONS, LOSSES, Activation, Loss
from derivations.values import Frozen, readonly


def real(name):
    """Every symbol in nnderive is a real number."""
    return Symbol(name, real=True)


@dataclass(frozen=True, repr=False, eq=False)
class Neuron:
    """One neuron of the graph: its symbols and how its inputs are weighted."""

    name: str  # h1, o1
    layer: int  # 1 for the first layer after the inputs
    sum: Symbol  # sum_h1: the pre-activation
    out: Symbol  # h1, or y_pred for a single output
    inputs: tuple  # the symbols feeding it: x1, x2 or h1, h2
    weights: tuple  # one weight per input, same order
    bias: Symbol
    activation: Activation

    def __repr__(self):
        return f"<Neuron {self.name}: {self.out} = {self.activation.name}({self.sum})>"

    @property
    def params(self):
        return self.weights + (self.bias,)

    @property
    def is_output(self):
        return self.name.startswith("o")

    @property
    def pre_activation(self):
        """w . inputs + b, in the neuron's input symbols."""
        return Add(*(w * i for w, i in zip(self.weights, self.inputs))) + self.bias


class Graph(Frozen):
    """The network's symbols, neurons and named quantities, in computation order; immutable."""

    def __init__(self, network: Network):
        self.network = network
        self.loss_rule: Loss = LOSSES[network.loss]
        sizes = network.layers
        self.inputs = tuple(real(f"x{i + 1}") for i in range(sizes[0]))
        single = sizes[-1] == 1
        self.targets = (real("y_true"),) if single else tuple(real(f"y_true{k + 1}") for k in range(sizes[-1]))
        self.loss = real("L")

        weights, biases, layers = [], [], []
        previous = self.inputs
        hidden_count = 0
        for depth, (size, act_name) in enumerate(zip(sizes[1:], network.activations), start=1):
            is_output = depth == len(sizes) - 1
            layer = []
            for j in range(size):
                if is_output:
                    name = f"o{j + 1}"
                    out = real("y_pred") if single else real(name)
                else:
                    hidden_count += 1
                    name = f"h{hidden_count}"
                    out = real(name)
                ws = tuple(real(f"w{len(weights) + i + 1}") for i in range(len(previous)))
                weights.extend(ws)
                layer.append([name, depth, real(f"sum_{name}"), out, previous, ws, None, ACTIVATIONS[act_name]])
            layers.append(layer)
            previous = tuple(spec[3] for spec in layer)
        # biases are numbered after all weights are known, neuron by neuron, layer by layer
        self.layers = []
        for layer in layers:
            built = []
            for spec in layer:
                spec[6] = real(f"b{len(biases) + 1}")
                biases.append(spec[6])
                built.append(Neuron(*spec))
            self.layers.append(tuple(built))
        self.layers = tuple(self.layers)
        self.weights = tuple(weights)
        self.biases = tuple(biases)
        self.params = self.weights + self.biases
        self.neurons = tuple(n for layer in self.layers for n in layer)
        self.outputs = self.layers[-1]
        self.freeze()

    def __repr__(self):
        return f"<Graph of a {self.network.describe()}>"

    def symbol(self, name):
        """The symbol called ``name`` (an input, target, parameter or quantity)."""
        try:
            return self._symbols[name]
        except KeyError:
            raise KeyError(f"no symbol {name!r} in this network") from None

    @cached_property
    def _symbols(self):
        table = {s.name: s for s in self.inputs + self.targets + self.params}
        table.update({s.name: s for s in self.definitions})
        return table

    def neuron_of(self, symbol):
        """The neuron whose output, pre-activation or parameter ``symbol`` is."""
        try:
            return self._owner[symbol]
        except KeyError:
            raise KeyError(f"{symbol} belongs to no neuron") from None

    @cached_property
    def _owner(self):
        # a table, not a scan: derive() asks once per parameter, so a scan costs O(params^2)
        return {s: n for n in self.neurons for s in (n.out, n.sum) + n.params}

    def consumers(self, neuron):
        """The (next neuron, weight) pairs that read ``neuron``'s output."""
        if neuron.layer == len(self.layers):
            return ()
        nxt = self.layers[neuron.layer]
        index = next(i for i, n in enumerate(self.layers[neuron.layer - 1]) if n is neuron)
        return tuple((m, m.weights[index]) for m in nxt)

    @cached_property
    def definitions(self):
        """Every named quantity and its definition from earlier ones, in order.

        The last one is the single-sample loss L, in its textbook form.
        """
        defs = {}
        for n in self.neurons:
            defs[n.sum] = n.pre_activation
            defs[n.out] = n.activation.of(n.sum)
        defs[self.loss] = self.loss_definition
        return readonly(defs)

    @cached_property
    def loss_definition(self):
        """L in the outputs and targets, its textbook form; alone, without every neuron's weighted sum."""
        return Add(*(self.loss_rule.term(y, o.out) for y, o in zip(self.targets, self.outputs)))

    def to_raw(self, expr):
        """Write ``expr`` in raw symbols: every named quantity substituted away."""
        return expr.xreplace(self._raw)

    @cached_property
    def _raw(self):
        # each quantity's raw form, built once from the raw forms before it
        raw = {}
        for q, definition in self.definitions.items():
            raw[q] = definition.xreplace(raw)
        return raw

    @cached_property
    def loss_raw(self):
        """The single-sample loss in inputs, targets and parameters."""
        return self._raw[self.loss]

    @cached_property
    def stable_loss(self):
        """The single-sample loss in named quantities, in a form safe to evaluate."""
        return Add(
            *(self.loss_rule.stable_term(y, o.out, o.sum) for y, o in zip(self.targets, self.outputs))
        )


def build_graph(network: Network) -> Graph:
    """The :class:`Graph` of ``network``."""
    return Graph(network)


def explicit_loss(graph: Graph):
    """The loss fully expanded with SymPy's own functions (exp, log, ...): the reference for verify."""
    explicit = {}
    for n in graph.neurons:
        explicit[n.sum] = n.pre_activation.xreplace(explicit)
        explicit[n.out] = n.activation.explicit(explicit[n.sum])
    return sympy.Add(
        *(graph.loss_rule.term(y, explicit[o.out]) for y, o in zip(graph.targets, graph.outputs))
    )
