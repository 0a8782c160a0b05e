"""derive(): every partial of the loss by the chain rule, as named local factors.

The article writes ∂L/∂w1 = ∂L/∂y_pred · ∂y_pred/∂h1 · ∂h1/∂w1.  Each factor
is a *local* derivative, read off a rule in :mod:`derivations.rules`:

* the loss factor ∂L/∂y_pred (or ∂L/∂sum_o1 where the loss starts there),
* edge factors ∂y_pred/∂h1 = w5 · f'(sum_o1), one per connection,
* local factors ∂h1/∂w1 = x1 · f'(sum_h1) and ∂h1/∂b1 = f'(sum_h1).

The chain of a parameter is followed back from the loss through every neuron
with a single consumer.  A neuron whose output feeds several neurons reaches
the loss along several paths; there the chain starts at an *upstream* factor
∂L/∂h (named ``d_L_d_h1``), itself the sum over its consumers.  Each neuron is
visited once, so the cost is linear in the size of the network; the paths
are only enumerated on request (:attr:`Partial.paths`).

>>> d = derive()
>>> [f.name for f in d.partials["w1"].factors]
['d_L_d_ypred', 'd_ypred_d_h1', 'd_h1_d_w1']
>>> [f.name for f in d.partials["w5"].factors]
['d_L_d_ypred', 'd_ypred_d_w5']
>>> print(d.factors["d_h1_d_w1"].to_text())        # named: in sum_h1, shown written out
  ∂h₁/∂w₁ = x₁ · f'(w₁ x₁ + w₂ x₂ + b₁)
>>> from derivations.rules import d_sigmoid
>>> x1, w1, x2, w2, b1, sum_h1 = (d.graph.symbol(n) for n in ("x1", "w1", "x2", "w2", "b1", "sum_h1"))
>>> d.factors["d_h1_d_w1"].named == x1 * d_sigmoid(sum_h1)
True
>>> d.factors["d_h1_d_w1"].raw == x1 * d_sigmoid(w1 * x1 + w2 * x2 + b1)
True
"""

from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import Callable

from sympy import Add, Mul, S, Symbol

from derivations import seam
from derivations.graph import Graph, Neuron, build_graph, real
from derivations.layers import LayerView
from derivations.naming import factor_name, partial_name
from derivations.network import Network, require_network
from derivations.program import build_program
from derivations.values import Frozen, readonly

#: beyond this many paths, Partial.paths refuses to enumerate them
MAX_PATHS = 4096


class Views:
    """``to_text``, ``to_latex``, ``to_markdown`` and Jupyter's rich display, through :mod:`derivations.seam`.

    The printing itself lives in :mod:`derivations.printing`; options are
    passed through unchanged.
    """

    def to_text(self, **options):
        return seam.use("text")(self, **options)

    def to_latex(self, **options):
        return seam.use("latex")(self, **options)

    def to_markdown(self, **options):
        return seam.use("markdown")(self, **options)

    def _repr_markdown_(self):  # Jupyter: no '#' headings, which would fill the notebook's contents
        return seam.use("notebook")(self)


@dataclass(frozen=True, eq=False)
class Factor(Views):
    """One named local factor ∂<of>/∂<wrt> of a chain, and what it is made of.

    ``named`` is its formula in the named quantities (sum_h1, h1, ..., y_pred);
    for an upstream factor it is the sum over consumers, in other factors'
    symbols.  ``raw`` is the same in inputs, targets and parameters.
    ``kind`` is ``"loss"``, ``"edge"``, ``"local"`` or ``"upstream"``.

    The structure, for every reader that needs more than the formula:
    ``neuron`` is the neuron whose handle (y_pred, sum_o1, h1) the factor
    differentiates (for an upstream factor, the neuron whose output it is the
    partial by); ``source`` the neuron an edge comes from; ``param`` the
    parameter of a local factor; ``multiplier`` the symbol multiplied in (the
    input x1 of ∂h1/∂w1, the weight w5 of ∂y_pred/∂h1; None for a bias, the
    loss or an upstream sum); ``fprime`` whether f'(sum) of ``neuron`` is a
    factor of it (not where the chain enters at the sum, as bce does).
    """

    name: str
    of: Symbol
    wrt: Symbol
    formula: "Callable[[], object]" = field(repr=False)  # makes ``named``, on first read
    kind: str
    derivation: "Derivation" = field(repr=False)
    neuron: "Neuron | None" = field(default=None, repr=False)
    source: "Neuron | None" = field(default=None, repr=False)
    param: "Symbol | None" = field(default=None, repr=False)
    multiplier: "Symbol | None" = field(default=None, repr=False)
    fprime: bool = field(default=False, repr=False)

    @cached_property
    def named(self):
        """The factor's formula in named quantities, made on first read (a wide network has thousands)."""
        return self.formula()

    @property
    def symbol(self):
        """The symbol that stands for this factor inside other expressions."""
        return real(self.name)

    @cached_property
    def raw(self):
        return self.derivation.to_raw(self.named)

    def __repr__(self):
        return f"<Factor {self.name} = {self.named}>"


@dataclass(frozen=True, eq=False)
class Partial(Views):
    """∂L/∂param: the product of ``factors``, the chain the article writes.

    ``n_paths`` counts the routes from the parameter to the loss; when it is
    more than one, the first factor is an upstream factor (a sum over paths)
    and :attr:`paths` lists the routes one by one.
    """

    param: Symbol
    neuron: Neuron
    factors: tuple
    n_paths: int
    derivation: "Derivation" = field(repr=False)

    @property
    def name(self):
        return self.param.name

    @property
    def symbol(self):
        """d_L_d_w1: the symbol of this partial in generated statements."""
        return real(partial_name(self.name))

    @property
    def named(self):
        """The chain as a product of factor symbols."""
        return Mul(*(f.symbol for f in self.factors))

    @cached_property
    def expr(self):
        """The whole partial in raw symbols (inputs, targets, parameters)."""
        return self.derivation.to_raw(self.named)

    @property
    def paths(self):
        """Every route to the loss as a chain of loss, edge and local factors (no upstream sums)."""
        if self.n_paths > MAX_PATHS:
            raise ValueError(
                f"{self.name} reaches the loss along {self.n_paths} paths, too many to list; "
                "use .factors, whose upstream factor sums them"
            )
        local = self.factors[-1]
        return tuple(p + (local,) for p in self.derivation.paths_to(self.neuron))

    def __repr__(self):
        chain = " * ".join(f.name for f in self.factors)
        return f"<Partial {partial_name(self.name)} = {chain}>"


class Derivation(Views, Frozen):
    """The chain-rule derivation of a network's single-sample loss; immutable.

    The single source of truth: printers, code emitters, the numeric functions
    and the checker all read from it.

    Attributes
    ----------
    network, graph
        The description and its symbols (:class:`derivations.graph.Graph`).
    params
        The parameter symbols, all weights then all biases.
    partials
        ``{name: Partial}`` in parameter order (read-only).
    factors
        ``{name: Factor}``: every distinct factor, from the loss backwards (read-only).
    edges, handle, chain_to, n_paths
        Per neuron (read-only): the edge factor of each (consumer, neuron)
        pair; the quantity its chain enters by (y_pred, sum_o1 or h1); the
        factors whose product is ∂L/∂handle; the number of paths to the loss.
    program
        The statement list every backend runs, built once (:mod:`derivations.program`).
    layers
        The layer view: the same derivation as matrices, BP1-BP4 (:mod:`derivations.layers`).

    Everything but ``network`` is built on first use, once: the graph's
    symbols, the scalar chain (factors, edges, partials), the statement list
    and the layer view.  Deriving a wide network is therefore free until a
    scalar is asked for; its numeric functions take the layer route, which
    needs only the sizes.
    """

    def __init__(self, network: Network):
        # Only the description: the graph's symbols and the scalar chain are built on first
        # use (each linear in the parameters), so the layer route of a wide network, which
        # needs neither, starts at once.
        self.network = network
        self.freeze()

    @cached_property
    def graph(self) -> Graph:
        """The network's symbols and neurons (:class:`derivations.graph.Graph`), built on first use."""
        return build_graph(self.network)

    @property
    def params(self):
        """The parameter symbols, all weights then all biases."""
        return self.graph.params

    @property
    def inputs(self):
        return self.graph.inputs

    @property
    def targets(self):
        return self.graph.targets

    @cached_property
    def handle(self):
        """``{neuron: symbol}``: the quantity each neuron's chain enters by (y_pred, sum_o1 or h1)."""
        g = self.graph
        at_sum = g.loss_rule.wrt != "output"
        return readonly({n: n.sum if at_sum and n in g.outputs else n.out for n in g.neurons})

    @property
    def factors(self):
        return self._chain.factors

    @property
    def edges(self):
        return self._chain.edges

    @property
    def chain_to(self):
        return self._chain.chain_to

    @property
    def n_paths(self):
        return self._chain.n_paths

    @property
    def partials(self):
        return self._chain.partials

    @cached_property
    def _chain(self):
        return _Chain(self)

    def paths_to(self, n):
        """Every route from neuron ``n`` to the loss, as tuples of loss and edge factors."""
        if n in self.graph.outputs:
            return [self.chain_to[n]]
        return [p + (self.edges[m, n],) for m, _ in self.graph.consumers(n) for p in self.paths_to(m)]

    # --- reading --------------------------------------------------------------------

    @property
    def loss(self):
        """The single-sample loss as a SymPy expression in parameters, inputs and targets."""
        return self.graph.loss_raw

    @property
    def quantities(self):
        """``{symbol: definition}`` of the named quantities sum_h1, h1, ..., y_pred, L."""
        return self.graph.definitions

    @cached_property
    def layers(self):
        """The layer view: the same derivation as matrices (:class:`derivations.layers.LayerView`), built once."""
        return LayerView(self)

    @cached_property
    def program(self):
        """The statement list (:class:`derivations.program.Program`), built once and shared."""
        return build_program(self)

    def to_raw(self, expr):
        """``expr`` (in factor symbols and named quantities) written in raw symbols."""
        return self.graph.to_raw(expr.xreplace(self._factor_raw))

    @cached_property
    def _factor_raw(self):
        # factors were made from the loss backwards: each one only uses earlier ones
        table = {}
        for f in self.factors.values():
            table[f.symbol] = f.named.xreplace(table)
        return table

    def verify(self, points=3, seed=0):
        """Prove every chain-rule partial equal to ``sympy.diff`` of the expanded loss.

        Returns ``{param: how}`` with ``how`` either ``"symbolic"`` (the
        difference simplifies to 0) or ``"numeric"`` (it vanishes to 50 digits
        at ``points`` random rational points); raises
        :class:`derivations.verify.VerificationError` naming the first
        parameter that disagrees.  See :func:`derivations.verify.verify`.

        >>> set(derive().verify().values())
        {'symbolic'}
        """
        return seam.use("verify")(self, points=points, seed=seed)

    @cached_property
    def numeric(self):
        """The numeric functions (:class:`derivations.numeric.NumericDerivation`), built on first use."""
        return seam.use("numeric")(self)

    def gradient(self, params, X, y):
        """The gradient of the mean loss over the samples, ``{name: float}``.

        ``params`` maps every parameter name to a number, ``X`` holds one
        sample per row (n x inputs) and ``y`` the targets.  One sample gives
        the article's per-sample gradient.

        >>> alice = dict(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
        >>> print(derive().gradient(alice, [[-2, -1]], [1])["w1"])
        0.02146953526581111
        """
        return self.numeric.gradient(params, X, y)

    def evaluate(self, params, x, y_true):
        """Every named value at one sample, ``{name: float}``: quantities, factors, partials.

        >>> alice = dict(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
        >>> values = derive().evaluate(alice, [-2, -1], 1)
        >>> round(values["h1"], 4), round(values["y_pred"], 3), round(values["d_h1_d_w1"], 4)
        (0.0474, 0.524, -0.0904)
        >>> print(values["d_L_d_w1"])
        0.02146953526581111
        """
        return self.numeric.evaluate(params, x, y_true)

    def loss_value(self, params, X, y):
        """The mean loss over the samples (the article's MSE for its network).

        >>> zeros = dict.fromkeys(["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"], 0)
        >>> print(derive().loss_value(zeros, [[-2, -1]], [1]))   # (1 - f(0))^2
        0.25
        """
        return self.numeric.loss_value(params, X, y)

    def __repr__(self):
        return f"<Derivation of a {self.network.describe()}: {len(self.params)} partials>"


class _Chain:
    """The scalar chain of a derivation: its factors, edges, chains and partials (read-only mappings).

    Each neuron is visited once, from the output layer back: its chain, its
    local factors, then an edge factor for each neuron feeding it (the
    article's order).
    """

    def __init__(self, d):
        g, handle = d.graph, d.handle
        factors, edges, chain_to, n_paths = {}, {}, {}, {}

        def factor(of, wrt, formula, kind, **structure):
            # the formula is a recipe, followed when someone reads it: the structure (names,
            # neurons, multipliers) is all that printing one parameter's chain of a wide network needs
            f = Factor(factor_name(of, wrt), of, wrt, formula, kind, d, **structure)
            factors[f.name] = f
            return f

        @lru_cache(maxsize=None)
        def fprime(n):
            """∂handle/∂sum for a neuron: f'(sum), or 1 where the chain enters at the sum."""
            if handle[n] == n.sum:
                return S.One
            return n.activation.derivative_of(n.sum)

        def upstream(n, consumers):
            return Add(*(Mul(*(f.symbol for f in chain_to[m])) * edges[m, n].symbol for m in consumers))

        rule = g.loss_rule
        for y, o in zip(g.targets, g.outputs):
            chain_to[o] = (factor(g.loss, handle[o], partial(rule.derivative, y, o.out), "loss", neuron=o),)
            n_paths[o] = 1
        local = {}
        inputs = set(g.inputs)  # a set: a tuple scan per weight is quadratic in wide layers
        for layer in reversed(g.layers):
            for n in layer:
                if n not in chain_to:
                    consumers = [m for m, _ in g.consumers(n)]
                    n_paths[n] = sum(n_paths[m] for m in consumers)
                    if len(consumers) == 1:
                        chain_to[n] = chain_to[consumers[0]] + (edges[consumers[0], n],)
                    else:
                        chain_to[n] = (factor(g.loss, n.out, partial(upstream, n, consumers), "upstream", neuron=n),)
                with_fprime = handle[n] != n.sum  # f' of the identity is the factor 1, still "taken"
                for p, i in zip(n.params, n.inputs + (None,)):
                    local[p] = factor(handle[n], p, partial(_times, S.One if i is None else i, fprime, n), "local",
                                      neuron=n, param=p, multiplier=i, fprime=with_fprime)
                for i, w in zip(n.inputs, n.weights):
                    if i not in inputs:
                        source = g.neuron_of(i)
                        edges[n, source] = factor(handle[n], i, partial(_times, w, fprime, n), "edge", neuron=n,
                                                  source=source, multiplier=w, fprime=with_fprime)
        self.factors = readonly(factors)
        self.edges = readonly(edges)
        self.chain_to = readonly(chain_to)
        self.n_paths = readonly(n_paths)
        self.partials = readonly({
            p.name: Partial(p, n, chain_to[n] + (local[p],), n_paths[n], d)
            for p, n in ((p, g.neuron_of(p)) for p in g.params)
        })


def _times(multiplier, fprime, n):
    """multiplier · f'(sum) of neuron ``n``: the formula of a local or an edge factor."""
    return multiplier * fprime(n)


def derive(network: "Network | None" = None) -> Derivation:
    """Derive every partial of ``network``'s loss (default: the article's network).

    Derivations are immutable and cached: deriving the same network again is free.

    >>> d = derive()
    >>> d.params
    (w1, w2, w3, w4, w5, w6, b1, b2, b3)
    >>> d.partials["b3"]
    <Partial d_L_d_b3 = d_L_d_ypred * d_ypred_d_b3>
    >>> print(d.partials["b3"].factors[1].to_text())
      ∂y_pred/∂b₃ = f'(w₅ h₁ + w₆ h₂ + b₃)
    """
    return _derive(require_network(network, "derive"))


@lru_cache(maxsize=32)
def _derive(network):
    return Derivation(network)
