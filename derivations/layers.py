"""The layer view: the same derivation in matrix form, one layer at a time.

The article works one scalar at a time; every learner's next step is the same
network as matrices, and backpropagation as its four equations (Nielsen,
*Neural Networks and Deep Learning*, ch. 2):

* BP1  δᴸ = ∇ₐL ⊙ f'(zᴸ)            (bce on a sigmoid output: δᴸ = y_pred − y_true)
* BP2  δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ f'(zˡ)
* BP3  ∂L/∂bˡ = δˡ
* BP4  ∂L/∂Wˡ = δˡ (aˡ⁻¹)ᵀ

with the forward pass zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = f(zˡ), a⁰ = x.  The view is
read off the scalar derivation, not derived a second time: every matrix entry
is one of the derivation's named scalars (``W¹[1, 2]`` is w2, ``z¹[1]`` is
sum_h1, ``a¹[1]`` is h1) and δ for a neuron is ∂L/∂sum of that neuron, whose
chain is the article's chain without its last factor.  :func:`derivations.verify.verify_layers`
proves every entry of BP3 and BP4 equal to the scalar partial it maps to.

Weights are rows = neurons, columns = inputs, as the article numbers them
(w1, w2 feed h1 from x1, x2).

>>> from derivations import derive
>>> view = derive().layers
>>> [layer.shape for layer in view]            # W¹ is 2×2, W² is 1×2
[(2, 2), (1, 2)]
>>> view[0].W
Matrix([
[w1, w2],
[w3, w4]])
>>> view.entry("w2"), view.entry("b3")
(Entry(name='w2', layer=1, kind='W', row=1, column=2), Entry(name='b3', layer=2, kind='b', row=1, column=1))
>>> view[0].delta.T                            # δ for h1 is ∂L/∂sum_h1
Matrix([[d_L_d_sum_h1, d_L_d_sum_h2]])
>>> view[0].dW[0, 1]                          # ∂L/∂w2 = δ for h1 times x2
d_L_d_sum_h1*x2
"""

from dataclasses import dataclass
from functools import cached_property

from sympy import ImmutableMatrix, S

from derivations.graph import real
from derivations.naming import factor_name


@dataclass(frozen=True)
class Entry:
    """Where a scalar parameter sits in the layer view: ``W`` or ``b`` of ``layer``, 1-based row and column."""

    name: str
    layer: int
    kind: str
    row: int
    column: int


@dataclass(frozen=True, eq=False)
class Layer:
    """Layer ``index`` (1 = the first after the inputs) as matrices of the derivation's named scalars.

    ``W`` (neurons × inputs), ``b``, ``a_in`` (aˡ⁻¹: the inputs x, or the
    previous layer's outputs), ``z`` (the sums), ``a`` (the outputs) and
    ``delta`` (δˡ: ∂L/∂z, one symbol per neuron) are column vectors or
    matrices of symbols; ``dW`` and ``db`` are BP4 and BP3.  δˡ written by
    BP1 or BP2 is :meth:`LayerView.delta_rule`.
    """

    index: int
    neurons: tuple
    activation: object  # the activation record (derivations.rules)
    W: ImmutableMatrix
    b: ImmutableMatrix
    a_in: ImmutableMatrix
    z: ImmutableMatrix
    a: ImmutableMatrix
    delta: ImmutableMatrix
    fprime: ImmutableMatrix  # f'(z), entry by entry (ones where the chain enters at the sum)
    is_output: bool

    @property
    def shape(self):
        """The shape of ``W``: (neurons, inputs)."""
        return self.W.shape

    @property
    def dW(self):
        """BP4: ∂L/∂Wˡ = δˡ (aˡ⁻¹)ᵀ."""
        return self.delta * self.a_in.T

    @property
    def db(self):
        """BP3: ∂L/∂bˡ = δˡ."""
        return self.delta

    def __repr__(self):
        rows, columns = self.shape
        return f"<Layer {self.index}: {rows}×{columns}, {self.activation.name}>"


class LayerView:
    """Every layer of one derivation (see the module docstring); a sequence of :class:`Layer`.

    ``entry(name)`` finds a parameter's matrix entry, ``name_at(layer, kind,
    row, column)`` the other way round (both 1-based, as printed);
    ``delta_chain(neuron)`` gives the scalar factors whose product is δ for
    that neuron.  ``to_raw`` writes any layer expression in inputs, targets
    and parameters (for the proof).
    """

    def __init__(self, derivation):
        self.derivation = derivation
        g = derivation.graph
        layers = []
        previous_in = ImmutableMatrix([[x] for x in g.inputs])
        for index, neurons in enumerate(g.layers, start=1):
            is_output = index == len(g.layers)
            W = ImmutableMatrix([list(n.weights) for n in neurons])
            b = ImmutableMatrix([[n.bias] for n in neurons])
            z = ImmutableMatrix([[n.sum] for n in neurons])
            a = ImmutableMatrix([[n.out] for n in neurons])
            delta = ImmutableMatrix([[real(factor_name(g.loss, n.sum))] for n in neurons])
            fprime = ImmutableMatrix([[self._fprime(n)] for n in neurons])
            layers.append(Layer(index=index, neurons=neurons, activation=neurons[0].activation, W=W, b=b,
                                a_in=previous_in, z=z, a=a, delta=delta, fprime=fprime, is_output=is_output))
            previous_in = a
        self._layers = tuple(layers)
        self._entries = {}
        for layer in self._layers:
            for i, n in enumerate(layer.neurons, start=1):
                for j, w in enumerate(n.weights, start=1):
                    self._entries[w.name] = Entry(w.name, layer.index, "W", i, j)
                self._entries[n.bias.name] = Entry(n.bias.name, layer.index, "b", i, 1)

    def _fprime(self, neuron):
        """f'(sum) of a neuron, or 1 where the loss's chain starts at the sum (bce on a sigmoid)."""
        if self.derivation.handle[neuron] == neuron.sum:
            return S.One
        return neuron.activation.derivative_of(neuron.sum)

    # --- a sequence of layers -------------------------------------------------------------

    def __len__(self):
        return len(self._layers)

    def __getitem__(self, index):
        return self._layers[index]

    def __iter__(self):
        return iter(self._layers)

    def __repr__(self):
        shapes = ", ".join(f"W{layer.index} {layer.shape[0]}×{layer.shape[1]}" for layer in self)
        return f"<LayerView of a {self.derivation.network.describe()}: {shapes}>"

    # --- the map between the views ------------------------------------------------------------

    def entry(self, name):
        """The :class:`Entry` of the parameter ``name`` (``"w2"`` -> W¹ row 1, column 2)."""
        try:
            return self._entries[getattr(name, "name", name)]
        except KeyError:
            raise KeyError(f"no parameter {name!r} in this network") from None

    def name_at(self, layer, kind, row, column=1):
        """The parameter at a matrix entry (1-based): ``name_at(1, "W", 1, 2)`` is ``"w2"``."""
        matrix = self[layer - 1].W if kind == "W" else self[layer - 1].b
        return matrix[row - 1, column - 1].name

    def delta_chain(self, neuron):
        """The scalar factors whose product is δ for ``neuron`` (∂L/∂sum), and whether f' closes it.

        δ for h1 is the chain of w1 without its last factor ∂sum_h1/∂w1 = x1:
        for the article ∂L/∂y_pred · ∂y_pred/∂h1, times f'(sum_h1).
        """
        d = self.derivation
        return d.chain_to[neuron], d.handle[neuron] != neuron.sum

    def delta_rule(self, layer):
        """δ of ``layer`` by BP1 (the output layer) or BP2, in named quantities, the next layer's δ and weights.

        Built on request: for wide layers the product (Wˡ⁺¹)ᵀ δˡ⁺¹ has many terms,
        and only the proof and the printers need it written out.
        """
        g = self.derivation.graph
        if layer.is_output:
            grad = [g.loss_rule.derivative(y, n.out) for y, n in zip(g.targets, layer.neurons)]
            return ImmutableMatrix([[d * f] for d, f in zip(grad, layer.fprime)])
        following = self[layer.index]
        back = following.W.T * following.delta
        return ImmutableMatrix([[back[i] * layer.fprime[i]] for i in range(len(layer.neurons))])

    @cached_property
    def delta_raw(self):
        """``{δ symbol: δ in inputs, targets and parameters}``, from the output back."""
        table = {}
        for layer in reversed(self._layers):
            for symbol, rule in zip(layer.delta, self.delta_rule(layer)):
                table[symbol] = self.derivation.graph.to_raw(rule.xreplace(table))
        return table

    def to_raw(self, expr):
        """A layer expression (δ symbols, named quantities) in inputs, targets and parameters."""
        return self.derivation.graph.to_raw(expr.xreplace(self.delta_raw))
