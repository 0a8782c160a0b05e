"""The derivation as one straight-line statement list: what every backend runs.

Every quantity that is used more than once already has a name (sum_h1, h1,
d_h1_d_sum_h1 = f'(sum_h1), the upstream sums d_L_d_h1), so the list is its
own common-subexpression elimination, with names a person can read.  The
numeric functions (:mod:`derivations.numeric`) and the code emitters print
this same list, so what runs is what the derivation shows.

Each statement says what it computes: the neuron, the factor or the partial
it belongs to, and the ratio ∂of/∂wrt its target holds, so readers (code
comments, the checker) never take names apart.  A derivation builds its list
once (``derivation.program``).

>>> from derivations import derive
>>> program = derive().program
>>> [s.target.name for s in program.forward]
['sum_h1', 'h1', 'sum_h2', 'h2', 'sum_o1', 'y_pred']
>>> [s.target.name for s in program.backward[:3]]
['d_L_d_ypred', 'd_ypred_d_sum_o1', 'd_ypred_d_w5']
>>> y_pred = derive().graph.symbol("y_pred")
>>> program.backward[1].expr == y_pred * (1 - y_pred)     # f'(sum_o1), from the output at hand
True
>>> program.backward[1].neuron, program.backward[1].ratio
(<Neuron o1: y_pred = sigmoid(sum_o1)>, (y_pred, sum_o1))
>>> print(program.backward[-9].target, "   #", program.backward[-9].comment)
d_L_d_w1    # dL/dw1 = dL/dy_pred * dy_pred/dh1 * dh1/dw1
>>> program.backward[-9].partial
<Partial d_L_d_w1 = d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1>
"""

from dataclasses import dataclass, field

from sympy import Add, Mul, Symbol

from derivations.graph import real
from derivations.naming import ascii_chain, factor_name, upstream_name


@dataclass(frozen=True)
class Statement:
    """``target = expr``, and what it computes.

    ``kind`` is one of ``"forward"`` (sums and activations), ``"loss"``,
    ``"derivative"`` (f' of a neuron), ``"factor"`` (a chain-rule factor),
    ``"upstream"`` (∂L/∂ of a neuron's output) and ``"gradient"``.
    ``neuron`` is the neuron it belongs to (None for the loss and gradient
    lines); ``factor`` the :class:`~derivations.chain.Factor` a factor line
    computes; ``partial`` the :class:`~derivations.chain.Partial` of a
    gradient line; ``ratio`` the pair ``(of, wrt)`` of symbols whose partial
    the target holds (None for forward and loss lines).  ``comment`` is the
    chain of a gradient line, in ASCII.
    """

    target: Symbol
    expr: object
    kind: str
    comment: str = ""
    neuron: object = field(default=None, compare=False)
    factor: object = field(default=None, compare=False)
    partial: object = field(default=None, compare=False)
    ratio: "tuple | None" = field(default=None, compare=False)

    @property
    def layer(self):
        """The layer (1 = the first after the inputs) of the statement's neuron, or None."""
        return None if self.neuron is None else self.neuron.layer

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

    derivation: object
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
    return ascii_chain(partial.name, [(f.of, f.wrt) for f in partial.factors])


def build_program(derivation) -> Program:
    """The statement list of ``derivation``: forward pass, loss, backward pass.

    Use ``derivation.program``, which builds it once.
    """
    g = derivation.graph
    forward = []
    for n in g.neurons:
        forward.append(Statement(n.sum, g.definitions[n.sum], "forward", neuron=n))
        forward.append(Statement(n.out, g.definitions[n.out], "forward", neuron=n))
    loss = Statement(g.loss, g.stable_loss, "loss")

    backward = []
    # f'(sum) of a neuron, taken once and named; in the factors it stands where f'(sum) was
    fprime = {}

    def emit(target, expr, kind, comment="", **structure):
        backward.append(Statement(target, expr.xreplace(fprime), kind, comment, **structure))

    def factor(f):
        # a factor that is only a symbol or a number needs no line of its own
        if f.named.xreplace(fprime).is_Atom:
            alias[f.symbol] = f.named.xreplace(fprime)
        else:
            emit(f.symbol, f.named.xreplace(alias), "factor", neuron=f.neuron, factor=f, ratio=(f.of, f.wrt))

    alias = {}
    for f in derivation.factors.values():
        if f.kind == "loss":
            factor(f)
    partial_of = {p.param: p for p in derivation.partials.values()}
    for layer in reversed(g.layers):
        for n in layer:
            if n not in g.outputs:
                emit(_upstream_symbol(n), _upstream(derivation, n).xreplace(alias), "upstream",
                     neuron=n, ratio=(g.loss, n.out))
            if derivation.handle[n] == n.out and n.activation.derivative is not None:
                d = real(factor_name(n.out, n.sum))
                emit(d, n.activation.derivative_via(n.sum, n.out), "derivative", neuron=n, ratio=(n.out, n.sum))
                fprime[n.activation.derivative_of(n.sum)] = d
            for p in n.params:
                factor(partial_of[p].factors[-1])
            for m in g.layers[n.layer - 2] if n.layer > 1 else ():
                factor(derivation.edges[n, m])
    for p in derivation.partials.values():
        upstream = _dL_d_handle(derivation, p.neuron)
        emit(p.symbol, Mul(upstream, p.factors[-1].symbol).xreplace(alias), "gradient", chain_comment(p),
             partial=p, ratio=(g.loss, p.param))
    return Program(derivation, tuple(forward), loss, tuple(backward))


def _upstream_symbol(neuron):
    return real(upstream_name(neuron.out))


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
