"""The layer style of generated code: what the numpy and C layer emitters share.

The scalar style (the article's view) writes one line per weight; for a wide
network that is thousands of lines that restate the same sums.  The layer
style writes the same gradient once per layer, in Nielsen's four equations of
backpropagation (BP1-BP4), over blocks of samples:

    Z_l = W_l A_(l-1) + b_l                      forward: one column per sample
    A_l = f(Z_l)
    delta_L = dL/dA_L * f'(Z_L)                  BP1 (or the loss's own dL/dZ_L, e.g. A_L - Y)
    delta_l = (W_(l+1)^T delta_(l+1)) * f'(Z_l)  BP2
    dL/db_l = delta_l                            BP3 (summed over the block's samples)
    dL/dW_l = delta_l A_(l-1)^T                  BP4 (the same sum, as a matrix product)

The parameters are the same numbers in the same order (:data:`PARAMS` of
every target); the matrices are views of them: W_l holds the weights of
layer l, one row per neuron and one column per input, in the order the
network numbers them; b_l is a column of the layer's biases.

:func:`derivations.styles.choose_style` decides which style a network gets
when none is asked for: the scalar one while it is readable, the layer one
past that.

>>> from derivations import Network, derive
>>> plan = Plan(derive(Network((2, 3, 1))))
>>> [(layer.name, layer.shape, layer.first_weight, layer.last_weight) for layer in plan.layers]
[('1', (3, 2), 'w1', 'w6'), ('2', (1, 3), 'w7', 'w9')]
>>> plan.layers[1].weight_at, plan.layers[1].bias_at, plan.layers[1].biases
(6, 12, ('b4',))
>>> choose_style(Network()), choose_style(Network((2, 4, 1))), choose_style(Network((2, 3, 3, 3, 3, 1)))
('scalar', 'layers', 'layers')
"""

from dataclasses import dataclass

from sympy import Mul, S, Symbol

from derivations.codegen.base import command_line, wrap
from derivations.codegen.listing import MATH, CodegenError
from derivations.rules import helper_sources
from derivations.styles import LAYER_TARGETS, MAX_SCALAR_PARAMS, MAX_SCALAR_WIDTH, STYLES, choose_style

def resolve_style(network, target, style):
    """``style``, checked, or the automatic choice for ``None``."""
    if style is None:
        return choose_style(network, target)
    if style not in STYLES:
        raise CodegenError(f"unknown style {style!r} (choose from: {', '.join(STYLES)})", argument="style")
    if style == "layers" and target not in LAYER_TARGETS:
        raise CodegenError(f"the layers style exists for the {' and '.join(LAYER_TARGETS)} targets, not {target!r}",
                           argument="style")
    return style


def style_command(network, target, style):
    """The ``nnderive codegen`` command that makes this file again (``--style`` only when asked for)."""
    words = command_line(network, target)
    if style != choose_style(network, target):
        words += f" --style {style}"
    return words


def style_note(network, target, style):
    """A sentence for the header: why this file has this style."""
    if style == choose_style(network, target):
        return (f"The layer style was chosen automatically: this network has more than {MAX_SCALAR_WIDTH} "
                f"neurons in a layer or more than {MAX_SCALAR_PARAMS} parameters, where one line per weight "
                "(--style scalar) stops being readable.")
    return "The layer style, as asked for (--style layers); the default for this network is one line per weight."


@dataclass(frozen=True)
class Layer:
    """One layer of the plan: its size, activation record and where its parameters sit in PARAMS."""

    index: int  # 1 for the first layer after the inputs
    n_in: int
    n_out: int
    activation: object  # the record (derivations.rules.Activation)
    weight_at: int  # PARAMS index of its first weight
    bias_at: int  # PARAMS index of its first bias
    weights: tuple  # the weights' names, row by row
    biases: tuple  # the biases' names
    neurons: tuple  # the neurons' output names (h1, h2 / y_pred)

    @property
    def name(self):
        return str(self.index)

    @property
    def shape(self):
        return (self.n_out, self.n_in)

    @property
    def first_weight(self):
        return self.weights[0]

    @property
    def last_weight(self):
        return self.weights[-1]


class Plan:
    """What the layer emitters print, read off one derivation: layers, parameters, the loss.

    The element-wise expressions (an activation, its derivative, the output
    delta, the loss of one sample) are SymPy expressions made from the
    activation and loss records, over the symbols :meth:`elementwise` names;
    each emitter prints them with its own code printer.
    """

    def __init__(self, derivation):
        graph = derivation.graph
        self.derivation = derivation
        self.network = graph.network
        self.graph = graph
        self.params = tuple(p.name for p in graph.params)
        self.inputs = tuple(x.name for x in graph.inputs)
        self.targets = tuple(y.name for y in graph.targets)
        self.outputs = tuple(n.out.name for n in graph.outputs)
        self.loss = graph.loss_rule
        index = {name: k for k, name in enumerate(self.params)}
        layers = []
        for depth, neurons in enumerate(graph.layers, start=1):
            weights = tuple(w.name for n in neurons for w in n.weights)
            biases = tuple(n.bias.name for n in neurons)
            layers.append(Layer(depth, len(neurons[0].weights), len(neurons), neurons[0].activation,
                                index[weights[0]], index[biases[0]], weights, biases,
                                tuple(n.out.name for n in neurons)))
        self.layers = tuple(layers)
        self.sizes = self.network.layers

    @property
    def output(self):
        return self.layers[-1]

    def activation(self, layer, z):
        """a = f(z) for ``layer``, as a SymPy expression in ``z``."""
        return layer.activation.of(z)

    def fprime(self, layer, z, a):
        """f'(z) for ``layer``, written with a = f(z) where the record says that is cheaper (None: f' = 1)."""
        value = layer.activation.derivative_via(z, a)
        return None if value == S.One else value

    def output_delta(self, z, a, y):
        """BP1, delta_L = dL/dz_L, for one output: with dL/da * f'(z), or the loss's own dL/dz."""
        if self.loss.wrt == "sum":  # the loss differentiates by the pre-activation: f' is cancelled
            return self.loss.derivative(y, a)
        fprime = self.fprime(self.output, z, a)
        d_L_d_a = self.loss.derivative(y, a)
        return d_L_d_a if fprime is None else Mul(d_L_d_a, fprime, evaluate=False)

    def output_delta_words(self):
        """BP1 for this network, in words (for a comment): ``delta_2 = dL/dA_2 * f_2'(Z_2)``."""
        L = self.output.name
        if self.loss.wrt == "sum":
            d_L_d_z = _plain(self.loss.derivative(Symbol("Y"), Symbol(f"A_{L}")))
            return f"delta_{L} = dL/dZ_{L} = {d_L_d_z} (f' cancels)"
        return f"delta_{L} = dL/dA_{L} * f_{L}'(Z_{L})"

    def sample_loss(self, z, a, y):
        """L of one output of one sample, in the form that cannot overflow."""
        return self.loss.stable_term(y, a, z)


def _plain(expr):
    return MATH.doprint(expr)


def matrix_map(plan):
    """The header's lines saying which scalar is which matrix entry (rows = neurons, columns = inputs).

    >>> from derivations import derive
    >>> for line in matrix_map(Plan(derive())): print(line)
    W_1 (2x2) = [[w1, w2], [w3, w4]]   b_1 (2x1) = [b1, b2]   (neurons h1, h2)
    W_2 (1x2) = [[w5, w6]]   b_2 (1x1) = [b3]   (neuron y_pred)
    """
    lines = []
    for layer in plan.layers:
        weights, biases = layer.weights, layer.biases
        if len(weights) <= 12:
            rows = [weights[j * layer.n_in:(j + 1) * layer.n_in] for j in range(layer.n_out)]
            w_text = "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"
            b_text = "[" + ", ".join(biases) + "]"
        else:
            w_text = f"{weights[0]} .. {weights[-1]}, row by row"
            b_text = f"{biases[0]} .. {biases[-1]}"
        plural = "s" if layer.n_out > 1 else ""
        neurons = ", ".join(layer.neurons) if layer.n_out <= 4 else f"{layer.neurons[0]} .. {layer.neurons[-1]}"
        lines.append(f"W_{layer.name} ({layer.n_out}x{layer.n_in}) = {w_text}   "
                     f"b_{layer.name} ({layer.n_out}x1) = {b_text}   (neuron{plural} {neurons})")
    return lines


def equations(plan):
    """The header's statement of the network and of BP1-BP4 for it, with its shapes."""
    net = plan.network
    last = plan.output.name
    lines = [
        "For every layer l = 1.." + last + ", with A_0 the inputs (one column per sample):",
        "",
        "    Z_l = W_l A_(l-1) + b_l        A_l = f_l(Z_l)",
        "",
        "where f_l is the layer's activation (" + ", ".join(
            f"f_{layer.name} = {layer.activation.name}" for layer in plan.layers) + ").",
        "The gradient, from the output back (* is the element-wise product):",
        "",
        "    BP1  " + plan.output_delta_words(),
        "    BP2  delta_l = (W_(l+1)^T delta_(l+1)) * f_l'(Z_l)",
        "    BP3  dL/db_l = delta_l            summed over the samples",
        "    BP4  dL/dW_l = delta_l A_(l-1)^T   (a matrix product: the sum over the samples)",
        "",
    ]
    lines += wrap(
        f"L is {plan.loss.description}" + (" (summed over the outputs)" if len(plan.outputs) > 1 else "") +
        "; the loss of several samples is the mean of L over them, and the gradient is that of this mean.")
    lines += ["", "The parameters as matrices (rows = neurons, columns = inputs):", ""]
    lines += ["    " + line for line in matrix_map(plan)]
    lines += ["", f"Layer sizes: {net.spec}."]
    return lines


class LayerHelpers:
    """Mixin for a code printer of the layer style: helpers from ``LAYER_TARGET`` first, then ``TARGET``'s.

    An activation record may hold a helper written for whole arrays or loops
    (``helpers["numpy_layers"]``, ``helpers["c_layers"]``); where it does not,
    the scalar style's helper serves both.
    """

    LAYER_TARGET = None

    def helper_sources(self):
        return {**helper_sources(self.TARGET), **helper_sources(self.LAYER_TARGET)}
