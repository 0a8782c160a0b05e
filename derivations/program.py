"""The derivation as one straight-line statement list: what every backend runs.

Every quantity that is used more than once already has a name (sum_h1, h1,
d_h1_d_sum_h1 = f'(sum_h1), the upstream sums d_L_d_h1), so the list is its
own common-subexpression elimination, with names a person can read.  The
numeric functions (:mod:`derivations.numeric`) and the code emitters print
this same list, so what runs is what the derivation shows.

>>> from derivations import derive
>>> program = build_program(derive())
>>> [s.target.name for s in program.forward]
['sum_h1', 'h1', 'sum_h2', 'h2', 'sum_o1', 'y_pred']
>>> [s.target.name for s in program.backward[:3]]
['d_L_d_ypred', 'd_ypred_d_sum_o1', 'd_ypred_d_w5']
>>> y_pred = derive().graph.symbol("y_pred")
>>> program.backward[1].expr == y_pred * (1 - y_pred)     # f'(sum_o1), from the output at hand
True
>>> print(program.backward[-9].target, "   #", program.backward[-9].comment)
d_L_d_w1    # dL/dw1 = dL/dy_pred * dy_pred/dh1 * dh1/dw1
"""

from dataclasses import dataclass

from sympy import Add, Mul, Symbol

from derivations.chain import Derivation, factor_name
from derivations.graph import real


@dataclass(frozen=True)
class Statement:
    """``target = expr``, with the chain-rule formula it computes as ``comment``.

    ``kind`` is one of ``"forward"`` (sums and activations), ``"loss"``,
    ``"derivative"`` (f' of a neuron), ``"factor"`` (a chain-rule factor),
    ``"upstream"`` (∂L/∂ of a neuron's output) and ``"gradient"``.
    """

    target: Symbol
    expr: object
    kind: str
    comment: str = ""

    def __str__(self):
        line = f"{self.target} = {self.expr}"
        return f"{line}   # {self.comment}" if self.comment else line


@dataclass(frozen=True)
class Program:
    """The statements of one sample's forward pass, loss and gradient.

    ``forward`` then ``loss`` computes L; ``forward`` then ``backward``
    computes every partial, the last ``len(params)`` statements being the
    gradient in parameter order (``gradients``).
    """

    derivation: Derivation
    forward: tuple
    loss: Statement
    backward: tuple

    @property
    def params(self):
        return self.derivation.params

    @property
    def inputs(self):
        return self.derivation.inputs

    @property
    def targets(self):
        return self.derivation.targets

    @property
    def gradients(self):
        """The symbols d_L_d_w1, ... in parameter order."""
        return tuple(p.symbol for p in self.derivation.partials.values())


def chain_comment(partial):
    """``dL/dw1 = dL/dy_pred * dy_pred/dh1 * dh1/dw1``: the chain in ASCII."""

    def ratio(f):
        return f"d{_show(f.of)}/d{_show(f.wrt)}"

    return f"dL/d{partial.name} = " + " * ".join(ratio(f) for f in partial.factors)


def _show(symbol):
    return symbol.name


def build_program(derivation: Derivation) -> Program:
    """The statement list of ``derivation``: forward pass, loss, backward pass."""
    g = derivation.graph
    forward = []
    for n in g.neurons:
        forward.append(Statement(n.sum, g.definitions[n.sum], "forward"))
        forward.append(Statement(n.out, g.definitions[n.out], "forward"))
    loss = Statement(g.loss, g.stable_loss, "loss")

    backward = []
    # f'(sum) of a neuron, taken once and named; in the factors it stands where f'(sum) was
    fprime = {}

    def emit(target, expr, kind, comment=""):
        backward.append(Statement(target, expr.xreplace(fprime), kind, comment))

    def factor(f):
        # a factor that is only a symbol or a number needs no line of its own
        if f.named.xreplace(fprime).is_Atom:
            alias[f.symbol] = f.named.xreplace(fprime)
        else:
            emit(f.symbol, f.named.xreplace(alias), "factor")

    alias = {}
    for f in derivation.factors.values():
        if f.kind == "loss":
            factor(f)
    partial_of = {p.param: p for p in derivation.partials.values()}
    for layer in reversed(g.layers):
        for n in layer:
            if n not in g.outputs:
                emit(_upstream_symbol(n), _upstream(derivation, n).xreplace(alias), "upstream")
            if derivation.handle[n] == n.out and n.activation.derivative is not None:
                d = real(factor_name(n.out, n.sum))
                emit(d, n.activation.derivative_via(n.sum, n.out), "derivative")
                fprime[n.activation.derivative_of(n.sum)] = d
            for p in n.params:
                factor(partial_of[p].factors[-1])
            for m in g.layers[n.layer - 2] if n.layer > 1 else ():
                factor(derivation.edges[n, m])
    for p in derivation.partials.values():
        upstream = _dL_d_handle(derivation, p.neuron)
        emit(p.symbol, Mul(upstream, p.factors[-1].symbol).xreplace(alias), "gradient", chain_comment(p))
    return Program(derivation, tuple(forward), loss, tuple(backward))


def _upstream_symbol(neuron):
    return real(factor_name(real("L"), neuron.out))


def _dL_d_handle(derivation, neuron):
    """The symbol holding ∂L/∂(the quantity the neuron's chain enters by)."""
    if neuron in derivation.graph.outputs:
        return derivation.chain_to[neuron][0].symbol
    return _upstream_symbol(neuron)


def _upstream(derivation, n):
    """∂L/∂n.out as a sum over n's consumers of ∂L/∂handle · edge factor."""
    # one Add of all the terms: adding them one by one re-sorts the sum each time, O(k^2) per neuron
    return Add(*(
        Mul(_dL_d_handle(derivation, m), derivation.edges[m, n].symbol, evaluate=False)
        for m, _ in derivation.graph.consumers(n)
    ))
