"""The layer view on the companion page: the same network as matrices, live, mapped to the scalars.

:class:`LayerSection` prints, from ``derivation.layers`` (:mod:`derivations.layers`),
the shapes, the forward pass zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = f(zˡ), the four equations
of backpropagation (BP1-BP4) with this network's shapes, the map between the
views (w2 = W¹[1,2]; δ for h1 is ∂L/∂sum_h1), and every layer's matrices
and vectors in numbers, in MathML (:mod:`derivations.printing.mathml`).

The numbers are not computed a second way on the page: every entry is one of
the scalar view's named quantities, filled in by the page's script from the
generated ``trace`` (an entry of Wˡ is a parameter, of zˡ a sum, of aˡ an
output, of ∂L/∂Wˡ a partial; δ for a neuron is ∂L/∂ of its bias, which BP3
says it is).  An entry names its quantity in ``data-x`` and, if it is a
parameter's place, the parameter in ``data-entry``: that is what links the
views (hover w2 on the network and W¹[1,2] lights up, and back).

>>> from derivations import derive
>>> from derivations.printing.notation import Notation
>>> d = derive()
>>> section = LayerSection(d, Notation(d.network)).html()
>>> 'data-x="d_L_d_b1"' in section and 'data-entry="w2"' in section    # δ¹[1], and W¹[1,2] is w2
True
>>> LayerSection(d, Notation(d.network)).cells()["delta"][0]                # δ for h1 is ∂L/∂sum_h1 = ∂L/∂b1
['d_L_d_b1', 'd_L_d_b2']
"""

from html import escape

from sympy import Derivative, Mul, Symbol

from derivations.naming import superscript
from derivations.printing.mathml import (
    MathMLPrinter,
    column_vector,
    entry_name,
    function_name,
    layer_name,
    matrix,
    transposed,
)

#: the matrices of names (the shapes) show at most this many rows and columns; the numbers, MATRIX_LIMIT
NAMES_LIMIT = 4
#: the map lists every parameter up to this many; past it, the first entries of each layer
MAP_LIMIT = 12
#: δ written as its chain for at most this many neurons
DELTA_LIMIT = 6

EQUALS = "<mo>=</mo>"
HADAMARD = "<mo>⊙</mo>"
TIMES = "<mo>&#x2062;</mo>"


def ratio(of, wrt):
    """∂of/∂wrt of two MathML bodies."""
    partial = MathMLPrinter.PARTIAL
    return f"<mfrac><mrow>{partial}{of}</mrow><mrow>{partial}{wrt}</mrow></mfrac>"


def size(rows, columns):
    return f"<mn>{rows}</mn><mo>×</mo><mn>{columns}</mn>"


def row(left, *rest, note=""):
    """One line of an aligned display (as :class:`derivations.printing.html.HtmlRenderer` writes them)."""
    note_cell = f'<mtd class="note">{note}</mtd>' if note else ""
    right = EQUALS.join(rest)
    return f'<mtr><mtd class="lhs">{left}</mtd><mtd class="rhs"><mo>=</mo>{right}</mtd>{note_cell}</mtr>'


def display(rows, attributes=""):
    return f'<math display="block"{attributes}><mtable class="aligned">{"".join(rows)}</mtable></math>'


def note(*parts):
    """A remark beside an equation: text (with its spaces kept) and MathML pieces."""
    return "".join(f"<mtext>{escape(p).replace(' ', '&#xA0;')}</mtext>" if not p.startswith("<") else p
                   for p in parts)


class LayerSection:
    """The layer view's part of the page for one derivation (see the module docstring)."""

    def __init__(self, derivation, notation):
        self.d = derivation
        self.view = derivation.layers
        self.notation = notation
        self.last = len(self.view)

    def math(self, expr):
        return MathMLPrinter({"notation": self.notation}).doprint(expr)

    def html(self):
        return "\n".join([self.intro(), self.shapes(), self.forward(), self.backward(), self.map(),
                          self.numbers()])

    # --- names ------------------------------------------------------------------------------------

    def f(self, layer, derivative=False):
        """f(zˡ) or f′(zˡ) with the layer's activation as the notation spells it (identity: zˡ, 1)."""
        z = layer_name("z", layer.index)
        if layer.activation.function is None:
            return "<mn>1</mn>" if derivative else z
        name = function_name(self.notation.function(layer.activation.name).text)
        if derivative:
            name = f"<msup>{name}<mo>′</mo></msup>"
        return f'<mrow>{name}<mo>&#x2061;</mo><mo stretchy="false">(</mo>{z}<mo stretchy="false">)</mo></mrow>'

    def symbol(self, s, entry=None):
        body = self.math(s)
        return f'<mrow data-entry="{entry}">{body}</mrow>' if entry else body

    def cells(self):
        """Per layer, the names of the trace's quantities each matrix and vector shows (rows of names)."""
        out = {"W": [], "b": [], "a_in": [], "z": [], "a": [], "delta": []}
        for layer in self.view:
            out["W"].append([[w.name for w in r] for r in layer.W.tolist()])
            out["b"].append([s.name for s in layer.b])
            out["a_in"].append([s.name for s in layer.a_in])
            out["z"].append([s.name for s in layer.z])
            out["a"].append([s.name for s in layer.a])
            out["delta"].append([f"d_L_d_{s.name}" for s in layer.b])  # BP3: ∂L/∂b = δ
        return out

    # --- the maths ------------------------------------------------------------------------------

    def intro(self):
        shapes = ", ".join(f"<math>{layer_name('W', l.index)}</math> is {l.shape[0]}×{l.shape[1]}"
                           for l in self.view)
        return (f'<p>The same network as {self.last} layer{"s" if self.last > 1 else ""} of matrices '
                f"(Nielsen's notation, <em>Neural Networks and Deep Learning</em>, ch. 2): {shapes}. Each weight "
                "matrix has one row per neuron and one column per input, so the article's numbering reads it row "
                "by row. Hover over a weight on the network or a slider to find its entry here, and over an entry "
                "to find its weight; click an entry to choose its parameter.</p>")

    def shapes(self):
        rows = [row(layer_name("a", 0), self.names_vector(self.view[0].a_in), note=note("the inputs x"))]
        for layer in self.view:
            l, (n, m) = layer.index, layer.shape
            W = matrix(n, m, lambda i, j: self.symbol(layer.W[i, j], layer.W[i, j].name), NAMES_LIMIT)
            rows.append(row(layer_name("W", l), W, note=note("(", size(n, m), ")")))
            rows.append(row(layer_name("b", l), self.names_vector(layer.b, entries=True),
                            note=note("(", size(n, 1), ")")))
            rows.append(row(layer_name("z", l), self.names_vector(layer.z)))
            rows.append(row(layer_name("a", l), self.names_vector(layer.a)))
        return "<h3>The network as matrices</h3>" + display(rows)

    def names_vector(self, symbols, entries=False):
        symbols = list(symbols)
        return column_vector(len(symbols), lambda i: self.symbol(symbols[i], symbols[i].name if entries else None),
                             NAMES_LIMIT)

    def forward(self):
        rows = []
        for layer in self.view:
            l, (n, m) = layer.index, layer.shape
            rows.append(row(layer_name("z", l),
                            f"{layer_name('W', l)}{TIMES}{layer_name('a', l - 1)}<mo>+</mo>{layer_name('b', l)}",
                            note=note("(", size(n, 1), " = ", size(n, m), " times ", size(m, 1), " plus ",
                                      size(n, 1), ")")))
            rows.append(row(layer_name("a", l), self.f(layer)))
        return "<h3>The forward pass</h3>" + display(rows)

    def output_gradient(self, layer):
        """BP1's right side for this loss: ∇ₐL ⊙ f′(zᴸ), or what it simplifies to (bce on a sigmoid)."""
        grad = self.math(self.d.graph.loss_rule.derivative(Symbol("y_true"), Symbol("A")))
        grad = grad.replace("<mi>A</mi>", layer_name("a", layer.index))
        if layer.fprime[0] == 1:
            return grad
        return f"<mrow>{grad}</mrow>{HADAMARD}{self.f(layer, derivative=True)}"

    def backward(self):
        view, last = self.view, self.view[self.last - 1]
        delta = lambda l: layer_name("delta", l)  # noqa: E731
        rows = [row(delta(last.index), self.output_gradient(last),
                    note=note("(BP1, ", size(last.shape[0], 1), ")"))]
        for layer in reversed(list(view)[:-1]):
            l = layer.index
            back = f'<mo stretchy="false">(</mo>{transposed(layer_name("W", l + 1))}{TIMES}{delta(l + 1)}' \
                   f'<mo stretchy="false">)</mo>'
            rows.append(row(delta(l), f"{back}{HADAMARD}{self.f(layer, derivative=True)}",
                            note=note("(BP2, ", size(layer.shape[0], 1), ")")))
        for layer in view:
            l, (n, m) = layer.index, layer.shape
            rows.append(row(ratio("<mi>L</mi>", layer_name("b", l)), delta(l), note=note("(BP3, ", size(n, 1), ")")))
            rows.append(row(ratio("<mi>L</mi>", layer_name("W", l)), f"{delta(l)}{TIMES}{transposed(layer_name('a', l - 1))}",
                            note=note("(BP4, ", size(n, m), " = ", size(n, 1), " times ", size(1, m), ")")))
        text = ("<p>Backpropagation in four equations: δ of a layer is the partial of L by each of its neurons' "
                "sums, computed once from the next layer's δ (BP2) instead of written out along every path; "
                "⊙ multiplies entry by entry.")
        if last.fprime[0] == 1 and last.activation.function is not None:
            text += " With cross-entropy on a sigmoid output, the sigmoid's derivative cancels in BP1."
        return "<h3>Backpropagation: BP1 to BP4</h3>" + text + "</p>" + display(rows)

    def map(self):
        view, d = self.view, self.d
        names = [p.name for p in d.params]
        if len(names) <= MAP_LIMIT:
            shown = names
        else:  # the first entries of each layer: the rule is plain from them
            shown = []
            for layer in view:
                shown += [layer.W[0, 0].name, layer.W[0, 1].name] if layer.shape[1] > 1 else [layer.W[0, 0].name]
                shown.append(layer.b[0].name)
        rows = []
        for name in shown:
            e = view.entry(name)
            place = entry_name(e.kind, e.layer, e.row, e.column if e.kind == "W" else None)
            rows.append(row(self.math(Symbol(name)), place).replace("<mtr>", f'<mtr data-entry="{name}">', 1))
        deltas = []
        for layer in view:
            for i, n in enumerate(layer.neurons, start=1):
                if len(deltas) >= DELTA_LIMIT:
                    break
                chain, closes = view.delta_chain(n)
                factors = [Derivative(f.of, f.wrt) for f in chain]
                if closes:
                    factors.append(Derivative(n.out, n.sum))
                deltas.append(row(entry_name("delta", layer.index, i), self.math(Derivative(d.graph.loss, n.sum)),
                                  self.math(Mul(*factors, evaluate=False)), self.math(Derivative(d.graph.loss, n.bias))))
        more = "" if len(shown) == len(names) else " (the first of each layer; the rest follow the same rule)"
        return ("<h3>From one view to the other</h3><p>Every matrix entry is one of the article's scalars"
                f"{more}, and δ for a neuron is the partial of L by its sum, whose chain is the chain of its weights "
                "without their last factor; it is also the partial by the neuron's bias (BP3), and the partial "
                "by a weight is δ times the weight's input (BP4).</p>"
                + display(rows, ' class="map"') + display(deltas, ' class="map"'))

    # --- the numbers --------------------------------------------------------------------------------

    def numbers(self):
        cells = self.cells()
        forward = [self.forward_numbers(layer, cells) for layer in self.view]
        backward = [self.backward_numbers(layer, cells) for layer in reversed(list(self.view))]
        return ("<h3>In numbers, at the sample and parameters above</h3>"
                '<p class="small">Every entry follows the sliders. Each is rounded from its exact value (hover '
                "for it), as a computer carries it; the scalar view carries rounded numbers step by step, as the "
                "article does by hand, so a last digit can differ (∂L/∂w1 at Alice: 0.0214 carried, 0.02147 "
                "exactly).</p>"
                '<div class="layer-numbers"><h4>Forward, layer by layer</h4>' + _lines(forward)
                + "<h4>Backward, from the output</h4>" + _lines(backward) + "</div>")

    def forward_numbers(self, layer, cells):
        """aˡ⁻¹ (for the first layer), Wˡ, bˡ, zˡ and aˡ in numbers."""
        l, k, (n, m) = layer.index, layer.index - 1, layer.shape
        W, b, z, a = cells["W"][k], cells["b"][k], cells["z"][k], cells["a"][k]
        out = []
        if l == 1:
            x = cells["a_in"][0]
            out.append(equation(layer_name("a", 0), "<mi>x</mi>", column_vector(m, lambda i: live(x[i], x[i]))))
        out.append(equation(layer_name("W", l), matrix(
            n, m, lambda i, j: live(W[i][j], f"{_entry_text('W', l, i, j)} = {W[i][j]}", W[i][j]))))
        out.append(equation(layer_name("b", l), column_vector(
            n, lambda i: live(b[i], f"{_entry_text('b', l, i)} = {b[i]}", b[i]))))
        out.append(equation(layer_name("z", l),
                            f"{layer_name('W', l)}{TIMES}{layer_name('a', l - 1)}<mo>+</mo>{layer_name('b', l)}",
                            column_vector(n, lambda i: live(z[i], f"{_entry_text('z', l, i)} = {z[i]}"))))
        out.append(equation(layer_name("a", l), self.f(layer),
                            column_vector(n, lambda i: live(a[i], f"{_entry_text('a', l, i)} = {a[i]}"))))
        return out

    def backward_numbers(self, layer, cells):
        """δˡ, ∂L/∂Wˡ = δˡ (aˡ⁻¹)ᵀ and ∂L/∂bˡ = δˡ in numbers."""
        l, k, (n, m) = layer.index, layer.index - 1, layer.shape
        W, b, delta, a_in = cells["W"][k], cells["b"][k], cells["delta"][k], cells["a_in"][k]

        def delta_label(i):
            return f"{_entry_text('delta', l, i)} = ∂L/∂{cells['z'][k][i]} = ∂L/∂{b[i]}"

        def weight_label(i, j):
            return f"{_entry_text('W', l, i, j)}: ∂L/∂{W[i][j]} = {_entry_text('delta', l, i)} · {a_in[j]}"

        return [
            equation(layer_name("delta", l), column_vector(n, lambda i: live(delta[i], delta_label(i)))),
            equation(ratio("<mi>L</mi>", layer_name("W", l)),
                     f"{layer_name('delta', l)}{TIMES}{transposed(layer_name('a', l - 1))}",
                     matrix(n, m, lambda i, j: live(f"d_L_d_{W[i][j]}", weight_label(i, j), W[i][j]))),
            equation(ratio("<mi>L</mi>", layer_name("b", l)), layer_name("delta", l),
                     column_vector(n, lambda i: live(f"d_L_d_{b[i]}", f"{_entry_text('b', l, i)}: ∂L/∂{b[i]}", b[i]))),
        ]


def equation(*sides):
    """``sides[0] = sides[1] = ...`` as one inline ``<math>``."""
    return f"<math>{EQUALS.join(sides)}</math>"


def _lines(groups):
    """Each group of equations (one layer's) on a line of its own, wrapping where the page is narrow."""
    return "".join(f'<div class="eqs">{"".join(group)}</div>' for group in groups)


def live(quantity, label, entry=None):
    """A number the page's script fills in: the trace's ``quantity``, exact on hover with ``label``."""
    linked = f' data-entry="{entry}"' if entry else ""
    return f'<mn data-x="{quantity}" data-label="{escape(label)}"{linked}></mn>'


def _entry_text(kind, layer, i, j=None):
    """W¹[1,2] (0-based ``i``, ``j`` in, 1-based out) as plain text, for a hover label."""
    base = {"delta": "δ"}.get(kind, kind)
    index = f"{i + 1}" if j is None else f"{i + 1},{j + 1}"
    return f"{base}{superscript(layer)}[{index}]"
