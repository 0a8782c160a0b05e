"""The statement list, ready to print: the same for every target.

A :class:`Listing` takes the one statement list of a derivation
(:func:`derivations.program.build_program`) and adds what a reader of the
generated code needs: each neuron's weighted sum in the article's order
(``w1*x1 + w2*x2 + b1``, which is also the order nncore adds in, so the
floats agree bit for bit), a comment per backward line naming the partial
it holds (``dh1/dw1``), the chain behind every gradient line, and the lines
a function really needs (a C compiler warns about unused variables).

>>> from derivations import derive
>>> listing = Listing(derive())
>>> [str(line) for line in listing.forward[:2]]
['sum_h1 = w1*x1 + w2*x2 + b1', 'h1 = sigmoid(sum_h1)']
>>> print(listing.backward[0])
d_L_d_ypred = -2*(y_true - y_pred)   # dL/dy_pred
>>> print(listing.backward[-9])
d_L_d_w1 = d_L_d_h1*d_h1_d_w1   # dL/dw1 = dL/dy_pred * dy_pred/dh1 * dh1/dw1
"""

from dataclasses import dataclass

from sympy import Add, Function, Mul
from sympy.printing.str import StrPrinter

from derivations.errors import NnderiveError
from derivations.naming import ascii_ratio


class CodegenError(NnderiveError):
    """The derivation holds something a target cannot print; the message names it."""


@dataclass(frozen=True)
class Line:
    """``target = expr  # comment``: one statement of the generated code."""

    target: object  # a SymPy symbol
    expr: object
    kind: str  # as Statement.kind: forward, loss, derivative, factor, upstream, gradient
    comment: str = ""

    @property
    def name(self):
        return self.target.name

    def __str__(self):
        text = f"{self.name} = {MATH.doprint(self.expr)}"
        return f"{text}   # {self.comment}" if self.comment else text


class MathPrinter(StrPrinter):
    """Plain maths in the listing's own order, for headers and comments."""

    def __init__(self):
        super().__init__({"order": "none"})


MATH = MathPrinter()


class Listing:
    """The derivation's statement list with article-ordered sums and reader's comments.

    ``forward`` (sums and activations), ``loss`` (the single-sample loss in a
    form that cannot overflow) and ``backward`` (factors, f', upstream sums
    and the gradient, the last ``len(params)`` lines) are tuples of
    :class:`Line`.  Names (``params``, ``inputs``, ``targets``,
    ``outputs``, ``gradients``) are strings, in the order the generated
    functions take and return them.
    """

    def __init__(self, derivation):
        self.derivation = derivation
        self.network = derivation.network
        self.graph = g = derivation.graph
        program = derivation.program
        self.params = tuple(p.name for p in program.params)
        self.inputs = tuple(s.name for s in program.inputs)
        self.targets = tuple(s.name for s in program.targets)
        self.outputs = tuple(n.out.name for n in g.outputs)
        self.gradients = tuple(s.name for s in program.gradients)
        self.sums = {n.sum: article_sum(n) for n in g.neurons}
        for n in g.neurons:
            if self.sums[n.sum].doit() != g.definitions[n.sum]:
                raise CodegenError(f"{n.sum} = {self.sums[n.sum]} disagrees with the derivation")

        self.forward = tuple(
            Line(s.target, self.sums.get(s.target, s.expr), s.kind) for s in program.forward
        )
        self.loss = Line(program.loss.target, program.loss.expr, "loss")
        self.backward = tuple(Line(s.target, s.expr, s.kind, self._comment(s)) for s in program.backward)

    def _comment(self, statement):
        """What a backward line holds, for a reader: ``dh1/dw1``, with the chain or the sum behind it."""
        if statement.kind == "gradient":
            return statement.comment
        comment = ascii_ratio(*statement.ratio)
        if statement.kind == "upstream":
            return f"{comment} = {self._upstream_chain(statement.neuron)}"
        if statement.kind == "derivative":
            n = statement.neuron
            return f"{comment} = {n.activation.name}'({n.sum})"
        return comment

    def _upstream_chain(self, neuron):
        """``dL/dh4 * dh4/dh1 + dL/dh5 * dh5/dh1``: ∂L/∂h as the sum over h's consumers."""
        d, g = self.derivation, self.graph
        return " + ".join(
            f"{ascii_ratio(g.loss, d.handle[m])} * {ascii_ratio(d.handle[m], neuron.out)}" for m, _ in g.consumers(neuron)
        )

    # --- what a function needs -----------------------------------------------------

    @property
    def statements(self):
        """Every line in order: forward, loss, backward."""
        return self.forward + (self.loss,) + self.backward

    def needed(self, wanted):
        """The lines that compute the names in ``wanted``, in order, and the raw names they read.

        Returns ``(lines, reads)``: ``reads`` is the set of parameter, input and
        target names the lines use.

        >>> from derivations import derive
        >>> lines, reads = Listing(derive()).needed(["y_pred"])
        >>> [line.name for line in lines], sorted(reads)[:3]
        (['sum_h1', 'h1', 'sum_h2', 'h2', 'sum_o1', 'y_pred'], ['b1', 'b2', 'b3'])
        """
        need = set(wanted)
        kept = []
        for line in reversed(self.statements):
            if line.name in need:
                kept.append(line)
                need |= {s.name for s in line.expr.free_symbols}
        kept.reverse()
        made = {line.name for line in kept}
        return kept, need - made

    def functions(self, lines):
        """The names of the functions (sigmoid, tanh, ...) the lines call, sorted."""
        names = set()
        for line in lines:
            names |= {type(f).__name__ for f in line.expr.atoms(Function)}
        return sorted(names)


def article_sum(neuron):
    """``w1*x1 + w2*x2 + b1``: a neuron's weighted sum as the article writes and adds it.

    >>> from derivations.graph import build_graph
    >>> from derivations.network import article_network
    >>> MATH.doprint(article_sum(build_graph(article_network()).neurons[2]))
    'w5*h1 + w6*h2 + b3'
    """
    terms = [Mul(w, i, evaluate=False) for w, i in zip(neuron.weights, neuron.inputs)]
    return Add(*terms, neuron.bias, evaluate=False)


def formula(neuron, listing):
    """``h1 = sigmoid(w1*x1 + w2*x2 + b1)``: a neuron in one line, for headers."""
    return f"{neuron.out} = {MATH.doprint(neuron.activation.of(listing.sums[neuron.sum]))}"


