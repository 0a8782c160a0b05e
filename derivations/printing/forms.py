"""The expressions a derivation is shown with, built in the article's order.

SymPy sorts the terms of a sum (``b1 + w1*x1 + w2*x2``); the article writes
w1 x1 + w2 x2 + b1.  These forms are built unevaluated from the graph's
neurons instead, so they keep the order they were built in, and they use
:class:`sympy.Derivative` nodes for the factors of a chain (printed ∂h1/∂w1).

Everything here is a SymPy expression equal to what the derivation computes:
``Forms(d).raw_partial(p).doit()`` equals ``p.expr`` (the tests check it).

>>> from derivations import derive
>>> from derivations.printing.printers import text
>>> forms = Forms(derive())
>>> text(forms.chain(derive().partials["w1"]))
'∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁'
>>> text(forms.formula(derive().factors["d_h1_d_w1"].named))
"x₁ · σ'(w₁ x₁ + w₂ x₂ + b₁)"
"""

from functools import cached_property

from sympy import Add, Derivative, Mul, Pow

from derivations.printing.printers import Dots

#: a neuron with more inputs than this is written w1 x1 + w2 x2 + ⋯ + w9 x9 + b1
MAX_TERMS = 4


def rebuild(expr, table):
    """``expr`` with every key of ``table`` replaced, without re-evaluating (so no re-sorting)."""
    if expr in table:
        return table[expr]
    if not expr.args:
        return expr
    args = [rebuild(a, table) for a in expr.args]
    if isinstance(expr, (Add, Mul, Pow)):
        return type(expr)(*args, evaluate=False)
    return expr.func(*args, evaluate=False)


def product(factors):
    """An unevaluated product (one factor is itself)."""
    return factors[0] if len(factors) == 1 else Mul(*factors, evaluate=False)


def total(terms):
    """An unevaluated sum (one term is itself)."""
    return terms[0] if len(terms) == 1 else Add(*terms, evaluate=False)


def weighted_sum(neuron, inputs=None, elide=True, drop_unit=None):
    """w1 x1 + w2 x2 + b1 in the article's order, with ``inputs`` in place of the neuron's own.

    ``elide`` shortens a long sum to its first two terms, ⋯ and its last;
    ``drop_unit(w)`` says when a weight is 1 and can be left out (the worked
    example's f(-2 + -1 + 0)).
    """
    inputs = neuron.inputs if inputs is None else inputs
    terms = [
        i if drop_unit is not None and drop_unit(w) else Mul(w, i, evaluate=False)
        for w, i in zip(neuron.weights, inputs)
    ]
    if elide and len(terms) > MAX_TERMS:
        terms = terms[:2] + [Dots()] + terms[-1:]
    return Add(*terms, neuron.bias, evaluate=False)


def activate(neuron, argument):
    """The neuron's activation applied to ``argument``, unevaluated (the identity gives ``argument``)."""
    function = neuron.activation.function
    return argument if function is None else function(argument, evaluate=False)


class Forms:
    """The printable forms of one derivation's quantities, factors and partials."""

    def __init__(self, derivation):
        self.derivation = derivation
        self.graph = derivation.graph

    # --- quantities -----------------------------------------------------------------

    @cached_property
    def _sums(self):
        return {n.sum: weighted_sum(n) for n in self.graph.neurons}

    def formula(self, expr):
        """``expr`` with each pre-activation written out (f'(sum_h1) -> f'(w1 x1 + w2 x2 + b1))."""
        return rebuild(expr, self._sums)

    def definition(self, neuron):
        """h1's right-hand side: f(w1 x1 + w2 x2 + b1)."""
        return activate(neuron, weighted_sum(neuron))

    @cached_property
    def _raw(self):
        raw = {}
        for n in self.graph.neurons:
            raw[n.sum] = weighted_sum(n, [raw.get(i, i) for i in n.inputs], elide=False)
            raw[n.out] = activate(n, raw[n.sum])
        return raw

    @cached_property
    def _leaves(self):
        # how many symbols each quantity's raw form holds, without building it
        leaves = {}
        for n in self.graph.neurons:
            leaves[n.sum] = sum(1 + leaves.get(i, 1) for i in n.inputs) + 1
            leaves[n.out] = leaves[n.sum]
        return leaves

    def raw_size(self, partial):
        """About how many symbols the partial's raw form holds (cheap: nothing is built)."""
        leaves = self._leaves
        return sum(leaves.get(s, 1) for f in partial.factors for s in f.named.free_symbols)

    def raw(self, expr):
        """``expr`` in inputs, targets and parameters only, nested in the article's order."""
        return rebuild(expr, self._raw)

    # --- factors --------------------------------------------------------------------

    @staticmethod
    def ratio(factor):
        """∂h1/∂w1 as an unevaluated Derivative."""
        return Derivative(factor.of, factor.wrt)

    def chain(self, partial):
        """∂L/∂y_pred · ∂y_pred/∂h1 · ∂h1/∂w1: the partial as the product of its factors."""
        return product([self.ratio(f) for f in partial.factors])

    def consumers(self, factor):
        """For an upstream factor ∂L/∂h1: the neurons h1 feeds, in order."""
        neuron = self.graph.neuron_of(factor.wrt)
        return [m for m, _ in self.graph.consumers(neuron)]

    def upstream_terms(self, factor):
        """The terms of an upstream factor, one per consumer m: (chain to m) · ∂m/∂h1, as lists of factors."""
        d = self.derivation
        neuron = self.graph.neuron_of(factor.wrt)
        return [list(d.chain_to[m]) + [d.edges[m, neuron]] for m in self.consumers(factor)]

    def upstream(self, factor):
        """∂L/∂h1 = Σ over consumers, as a sum of products of ratios."""
        return total([product([self.ratio(f) for f in term]) for term in self.upstream_terms(factor)])

    def right_side(self, factor):
        """What a factor is: its formula, or for an upstream factor its sum over consumers."""
        if factor.kind == "upstream":
            return self.upstream(factor)
        return self.formula(factor.named)

    def raw_factor(self, factor):
        """A factor written out in raw symbols (an upstream factor as its sum of raw products)."""
        if factor.kind == "upstream":
            return total([product([self.raw_factor(f) for f in term]) for term in self.upstream_terms(factor)])
        return self.raw(factor.named)

    def raw_partial(self, partial):
        """The whole partial in raw symbols, one bracket per factor of the chain (factors of 1 left out)."""
        return product([self.raw_factor(f) for f in partial.factors if f.named != 1])

    def path(self, partial):
        """The quantities a single-path partial passes through: [w1, h1, y_pred, L]."""
        return [partial.param] + [f.of for f in reversed(partial.factors)]

    def needed(self, partials=(), factors=()):
        """Every factor the partials (and factors) use, directly or inside upstream sums, in the derivation's order."""
        names = set()

        def visit(factor):
            if factor.name in names:
                return
            names.add(factor.name)
            if factor.kind == "upstream":
                for term in self.upstream_terms(factor):
                    for f in term:
                        visit(f)

        for f in [f for p in partials for f in p.factors] + list(factors):
            visit(f)
        return [f for f in self.derivation.factors.values() if f.name in names]
