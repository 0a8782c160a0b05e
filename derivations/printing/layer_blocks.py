"""The layer view as blocks: the forward pass and BP1-BP4 with this network's shapes, the map
between the views, and the worked numbers as small vectors and matrices.

Matrices and vectors are spelled here for each format (``W¹``/``W^{1}``,
``⊙``/``\\odot``, ``ᵀ``/``^{\\top}``); every scalar the map mentions is
printed by the shared maths printers, so the article's names look the same in
both views.

>>> from derivations import derive
>>> from derivations.printing.notation import Notation
>>> spell = Spell(Notation(derive().network))
>>> spell.matrix("W", 2).text, spell.matrix("W", 2).latex
('W²', 'W^{2}')
>>> spell.transposed("W", 2).text, spell.vector([-2.0, -1.0], 3).text
('(W²)ᵀ', '(-2, -1)ᵀ')
"""

from sympy import Derivative, Mul, Symbol

from derivations.layer_values import layer_values
from derivations.naming import superscript
from derivations.printing.blocks import Display, Formula, Heading, Math, Paragraph, Row
from derivations.printing.notation import format_number, latex_number
from derivations.printing.printers import latex, text

#: the map lists every parameter up to this many; past it, the rule and the first layer's entries
MAP_LIMIT = 12
#: the worked example shows a gradient matrix of at most this many rows and columns, else its entry [1,1]
GRID_LIMIT = (3, 4)


class Spell:
    """Matrix notation, each piece as a :class:`Formula` (text and LaTeX)."""

    def __init__(self, notation):
        self.notation = notation

    def matrix(self, name, layer):
        latex_name = {"delta": r"\delta", "Delta": r"\Delta"}.get(name, name)
        text_name = {"delta": "δ", "Delta": "Δ"}.get(name, name)
        return Formula(f"{text_name}{superscript(layer)}", f"{latex_name}^{{{layer}}}")

    def transposed(self, name, layer):
        m = self.matrix(name, layer)
        return Formula(f"({m.text})ᵀ", f"({m.latex})^{{\\top}}")

    def function(self, activation, layer, derivative=False):
        """``f(z¹)`` or ``f'(z¹)`` with the layer's activation as the notation spells it."""
        z = self.matrix("z", layer)
        if activation.function is None:
            return Formula("1", "1") if derivative else z
        spelled = self.notation.function(activation.name)
        mark = "'" if derivative else ""
        return Formula(f"{spelled.text}{mark}({z.text})", f"{spelled.latex}{mark}({z.latex})")

    def number(self, value, digits):
        shown = format_number(value, digits)
        return Formula(shown, latex_number(shown))

    def vector(self, values, digits):
        """A column vector written as a transposed row, (a, b)ᵀ, so it takes one line; one entry is the number."""
        shown = [format_number(v, digits) for v in values]
        if len(shown) == 1:
            return Formula(shown[0], latex_number(shown[0]))
        return Formula(f"({', '.join(shown)})ᵀ", "(" + ", ".join(latex_number(s) for s in shown) + r")^{\top}")

    def grid(self, rows, digits):
        """A matrix of numbers: [[a, b], [c, d]] / pmatrix (keep it small: see :data:`GRID_LIMIT`)."""
        shown = [[format_number(v, digits) for v in r] for r in rows]
        if len(shown) == 1 and len(shown[0]) == 1:
            return Formula(shown[0][0], latex_number(shown[0][0]))
        body = r" \\ ".join(" & ".join(latex_number(s) for s in r) for r in shown)
        return Formula("[" + ", ".join("[" + ", ".join(r) + "]" for r in shown) + "]",
                       r"\begin{pmatrix}" + body + r"\end{pmatrix}")

    def names(self, symbols):
        """Symbols printed by the shared printers: (h₁, h₂)ᵀ."""
        texts = [text(s) for s in symbols]
        latexes = [latex(s) for s in symbols]
        if len(texts) == 1:
            return Formula(texts[0], latexes[0])
        return Formula(f"({', '.join(texts)})ᵀ", r"\begin{pmatrix}" + r" \\ ".join(latexes) + r"\end{pmatrix}")

    def join(self, *parts):
        """Formulas and strings (the same in both forms) side by side."""
        pieces = [p if isinstance(p, Formula) else Formula(p, p) for p in parts]
        return Formula("".join(p.text for p in pieces), "".join(p.latex for p in pieces))


#: operators and signs, as (text, LaTeX)
TIMES, HADAMARD, PLUS = Formula(" ", " "), Formula(" ⊙ ", r" \odot "), Formula(" + ", " + ")
HADAMARD_SIGN, DELTA = Formula("⊙", r"\odot"), Formula("δ", r"\delta")


def size(rows, columns):
    """A matrix's shape: 2×1."""
    return Formula(f"{rows}×{columns}", rf"{rows} \times {columns}")


def formula_row(*sides, note=()):
    return Row(tuple(sides), False, tuple(note))


class LayerBlocks:
    """Builds the layer view's blocks for one derivation (see the module docstring)."""

    def __init__(self, derivation, notation, options):
        self.d = derivation
        self.view = derivation.layers
        self.spell = Spell(notation)
        self.options = options

    def blocks(self, level=2):
        out = [Heading(level, ("The layer view: backpropagation in matrix form",))]
        out += self.shapes() + self.forward() + self.backward() + self.batch() + self.map()
        if self.options.point is not None:
            out += self.worked(level + 1)
        return out

    # --- the network as matrices -----------------------------------------------------------

    def shapes(self):
        s, view = self.spell, self.view
        last = len(view)
        intro = (
            f"The same network as {last} layer{'s' if last > 1 else ''} of matrices (Nielsen's notation). "
            "Each weight matrix has one row per neuron and one column per input, so the article's numbering "
            "reads it row by row; ", s.matrix("a", 0), " is the input and ", s.matrix("a", last),
            " the output.",
        )
        rows = []
        for layer in view:
            n, m = layer.shape
            shape = ("(", size(n, m), ")")
            if n * m <= 9:
                entries = s.join("[", ", ".join(f"[{', '.join(text(w) for w in r)}]" for r in layer.W.tolist()), "]")
                entries = Formula(entries.text, r"\begin{pmatrix}" + r" \\ ".join(
                    " & ".join(latex(w) for w in r) for r in layer.W.tolist()) + r"\end{pmatrix}")
                rows.append(formula_row(s.matrix("W", layer.index), entries, note=shape))
            else:
                first, final = layer.W[0, 0], layer.W[n - 1, m - 1]
                rows.append(formula_row(s.matrix("W", layer.index), s.join(
                    "[", Formula(text(first), latex(first)), Formula(" … ", r" \ldots "),
                    Formula(text(final), latex(final)), "]"), note=("(", size(n, m), ", row by row)")))
            if n <= 4:
                rows.append(formula_row(s.matrix("b", layer.index), s.names(layer.b)))
                rows.append(formula_row(s.matrix("z", layer.index), s.names(layer.z)))
                rows.append(formula_row(s.matrix("a", layer.index), s.names(layer.a)))
        inputs = self.view[0].a_in
        rows.insert(0, formula_row(self.spell.matrix("a", 0), s.names(inputs), note=("(the inputs x)",)))
        return [Paragraph(intro), Display(tuple(rows))]

    def forward(self):
        s = self.spell
        rows = []
        for layer in self.view:
            l = layer.index
            rows.append(formula_row(s.matrix("z", l), s.join(s.matrix("W", l), TIMES, s.matrix("a", l - 1), PLUS,
                                                                s.matrix("b", l))))
            rows.append(formula_row(s.matrix("a", l), s.function(layer.activation, l)))
        return [Paragraph(("The forward pass, layer by layer:",)), Display(tuple(rows))]

    # --- BP1-BP4 ----------------------------------------------------------------------------

    def output_gradient(self, layer):
        """BP1's right side for this loss: ∇ₐL ⊙ f'(zᴸ), or what it simplifies to."""
        s, l = self.spell, layer.index
        y, a = Symbol("y_true"), Symbol("A")
        grad = self.d.graph.loss_rule.derivative(y, a)
        names = {a: s.matrix("a", l)}
        g = Formula(text(grad).replace("A", names[a].text), latex(grad).replace("A", names[a].latex))
        if layer.fprime[0] == 1:
            return g
        return s.join(g, HADAMARD, s.function(layer.activation, l, derivative=True))

    def backward(self):
        s, view = self.spell, self.view
        last = view[len(view) - 1]
        rows = [formula_row(s.matrix("delta", last.index), self.output_gradient(last), note=("(BP1)",))]
        for layer in reversed(view[:-1] if len(view) > 1 else []):
            l = layer.index
            n, m = layer.shape
            rows.append(formula_row(s.matrix("delta", l), s.join(
                "(", s.transposed("W", l + 1), TIMES, s.matrix("delta", l + 1), ")", HADAMARD,
                s.function(layer.activation, l, derivative=True)), note=("(BP2, ", size(n, 1), ")")))
        for layer in view:
            l = layer.index
            n, m = layer.shape
            rows.append(formula_row(Formula(f"∂L/∂b{superscript(l)}", rf"\frac{{\partial L}}{{\partial b^{{{l}}}}}"),
                                    s.matrix("delta", l), note=("(BP3, ", size(n, 1), ")")))
            rows.append(formula_row(Formula(f"∂L/∂W{superscript(l)}", rf"\frac{{\partial L}}{{\partial W^{{{l}}}}}"),
                                    s.join(s.matrix("delta", l), TIMES, s.transposed("a", l - 1)),
                                    note=("(BP4, ", size(n, m), " = ", size(n, 1), " times ", size(1, m), ")")))
        intro = (
            "Backpropagation in four equations (BP1 to BP4): ", s.matrix("delta", last.index),
            " is the partial of L by each output neuron's sum, and each layer's ", DELTA,
            " is computed once from the next one's (the ", DELTA, " recursion), instead of writing out every "
            "path per parameter. ", HADAMARD_SIGN, " multiplies entry by entry.",
        )
        if last.fprime[0] == 1 and last.activation.function is not None:
            intro += (" With cross-entropy on a sigmoid output, the derivative of the sigmoid cancels in BP1.",)
        return [Paragraph(intro), Display(tuple(rows))]

    def batch(self):
        s = self.spell
        return [Paragraph((
            "For n samples at once, put them side by side as the columns of ", s.matrix("A", 0),
            "; the same equations give ", s.matrix("Delta", 1), ", one column per sample, and the gradient of the "
            "mean loss is ", Formula("∂L̄/∂Wˡ = Δˡ (Aˡ⁻¹)ᵀ / n", r"\partial \bar{L}/\partial W^{l} = \Delta^{l} "
                                     r"(A^{l-1})^{\top} / n"),
            " and ", Formula("∂L̄/∂bˡ = Δˡ 1 / n", r"\partial \bar{L}/\partial b^{l} = \Delta^{l} \mathbf{1} / n"),
            ": matrix products instead of a loop over the samples.",
        ))]

    # --- the map ------------------------------------------------------------------------------

    def map(self):
        s, view, d = self.spell, self.view, self.d
        rows = []
        names = [p.name for p in d.params]
        shown = names if len(names) <= MAP_LIMIT else [w.name for w in view[0].W] + [view[0].b[0].name]
        for name in shown:
            e = view.entry(name)
            place = s.join(s.matrix(e.kind, e.layer), f"[{e.row},{e.column}]" if e.kind == "W" else f"[{e.row}]")
            rows.append(formula_row(Formula(text(Symbol(name)), latex(Symbol(name))), place))
        deltas = []
        for layer in view:
            for i, n in enumerate(layer.neurons, start=1):
                if len(deltas) >= MAP_LIMIT // 2:
                    break
                chain, closes = view.delta_chain(n)
                factors = [Derivative(f.of, f.wrt) for f in chain]
                if closes:
                    factors.append(Derivative(n.out, n.sum))
                left = s.join(s.matrix("delta", layer.index), f"[{i}]")
                deltas.append(Row((left, Math(Derivative(d.graph.loss, n.sum)), Math(Mul(*factors, evaluate=False))),
                                  False, ()))
        intro = ("From one view to the other: every matrix entry is one of the article's scalars",
                 "" if len(shown) == len(names) else " (the first layer's shown; the rest follow the same rule)",
                 ", and ", DELTA, " for a neuron is the partial of L by its sum, whose chain is the chain of its "
                 "weights without their last factor (so the partial by a weight is ", DELTA,
                 " times the weight's input):")
        return [Paragraph(intro), Display(tuple(rows)), Display(tuple(deltas))]

    # --- the worked numbers ---------------------------------------------------------------------

    def worked(self, level):
        s, o = self.spell, self.options
        digits = o.digits
        values = layer_values(self.d, o.values, [list(o.point.x)], [list(o.point.y)])
        rows = [formula_row(s.matrix("a", 0), s.vector(o.point.x, digits))]
        for layer, v in zip(self.view, values):
            l = layer.index
            rows.append(formula_row(s.matrix("z", l), s.join(s.matrix("W", l), TIMES, s.matrix("a", l - 1), PLUS,
                                                                s.matrix("b", l)), s.vector(v.z[0], digits)))
            rows.append(formula_row(s.matrix("a", l), s.function(layer.activation, l), s.vector(v.a[0], digits)))
        for layer, v in reversed(list(zip(self.view, values))):
            rows.append(formula_row(s.matrix("delta", layer.index), s.vector(v.delta[0], digits)))
        for layer, v in zip(self.view, values):
            l = layer.index
            gradient = Formula(f"∂L/∂W{superscript(l)}", rf"\frac{{\partial L}}{{\partial W^{{{l}}}}}")
            if v.dW.shape[0] <= GRID_LIMIT[0] and v.dW.shape[1] <= GRID_LIMIT[1]:
                rows.append(formula_row(gradient, s.join(s.matrix("delta", l), TIMES, s.transposed("a", l - 1)),
                                        s.grid(v.dW, digits)))
            else:  # a big matrix would run off the page: its first entry, as the pattern
                rows.append(formula_row(s.join(gradient, "[1,1]"), s.join(s.matrix("delta", l), "[1] ",
                                                                          s.matrix("a", l - 1), "[1]"),
                                        s.number(v.dW[0, 0], digits)))
        where = f" at {o.point.name}" if o.point.name else ""
        intro = (f"The same numbers{where} as vectors and matrices (each entry rounded to {digits} significant "
                 "digits from the exact value): the entries of ", s.matrix("delta", 1),
                 " are the partials of L by the sums of the first layer's neurons, and entry [1,1] of ",
                 Formula("∂L/∂W¹", r"\partial L/\partial W^{1}"), " is ",
                 Formula("∂L/∂w₁", r"\partial L/\partial w_1"), ".")
        return [Heading(level, (f"The layer view{where}, in numbers",)), Paragraph(intro), Display(tuple(rows))]
