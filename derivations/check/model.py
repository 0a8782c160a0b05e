"""The chain as numbers: each factor's value, the upstream sums, the products.

The hints (:mod:`derivations.check.hints`) ask "what would the partials be if
this factor were computed *this* wrong way?".  To answer, the derivation's
structure is laid out numerically: every loss, edge and local factor is a
:class:`Link` (a multiplier times f' of its neuron, as :mod:`derivations.chain`
builds it), upstream factors are sums of products of other factors, and each
partial is the product of its chain.  A mistaken variant overrides some
factor values or chains; :meth:`ChainModel.run` recomputes everything that
depends on them.

>>> from derivations import derive
>>> from derivations.check.points import make_points
>>> model = ChainModel(derive())
>>> model.links["d_h1_d_w1"]
Link(d_h1_d_w1 = x1 * f'(sum_h1))
>>> model.feeds["d_ypred_d_h1"]
('w1', 'w2', 'b1')
>>> alice = make_points(derive(), 0)[0]
>>> factors, partials = model.run(alice.environment)
>>> print(partials["w1"])
0.02146953526581111
>>> _, flipped = model.run(alice.environment, overrides={"d_h1_d_w1": lambda env: -env["d_h1_d_w1"]})
>>> print(flipped["w1"], flipped["w2"] == partials["w2"])
-0.02146953526581111 True
"""

import math
from dataclasses import dataclass
from functools import lru_cache

from sympy import Add, Mul, lambdify

from derivations.rules import NUMPY_FUNCTIONS


@dataclass(frozen=True, eq=False)
class Link:
    """A loss, edge or local factor: ``multiplier · f'(sum)`` of ``neuron``.

    ``multiplier`` is the name of the value multiplied in (the input ``x1`` for
    ∂h1/∂w1, the weight ``w5`` for ∂y_pred/∂h1), None for a bias or the loss
    factor; ``fprime`` is False where the chain enters the neuron at its sum
    (bce on a sigmoid output), so no f' is taken there.  ``param`` is the
    parameter of a local factor, ``source`` the neuron an edge comes from.
    """

    name: str
    kind: str
    neuron: object
    multiplier: "str | None" = None
    fprime: bool = True
    param: "str | None" = None
    source: object = None

    def __repr__(self):
        if self.kind == "loss":
            return f"Link({self.name}, the loss factor)"
        parts = [self.multiplier or "1"] + ([f"f'({self.neuron.sum})"] if self.fprime else [])
        return f"Link({self.name} = {' * '.join(parts)})"


class ChainModel:
    """The numeric layout of one derivation's chains (see the module docstring)."""

    def __init__(self, derivation):
        d = self.derivation = derivation
        self.params = tuple(p.name for p in d.params)
        self.order = tuple(d.factors)
        # every factor says what it is made of: the link is read off it
        self.links = {}
        self.loss_functions = {}
        for f in d.factors.values():
            multiplier = None if f.multiplier is None else f.multiplier.name
            if f.kind == "local":
                self.links[f.name] = Link(f.name, "local", f.neuron, multiplier, f.fprime, param=f.param.name)
            elif f.kind == "edge":
                self.links[f.name] = Link(f.name, "edge", f.neuron, multiplier, f.fprime, source=f.source)
            elif f.kind == "loss":
                self.links[f.name] = Link(f.name, "loss", f.neuron, fprime=False)
                self.loss_functions[f.name] = numeric(f.named)
        self.upstream = {
            name: tuple(_term(t) for t in Add.make_args(f.named))
            for name, f in d.factors.items() if f.kind == "upstream"
        }
        self.chains = {name: tuple(f.name for f in partial.factors) for name, partial in d.partials.items()}
        closure = {p: self._closure(chain) for p, chain in self.chains.items()}
        self.feeds = {f: tuple(p for p in self.params if f in closure[p]) for f in self.order}
        used_by = {}
        for name, terms in self.upstream.items():
            for _, names in terms:
                for n in names:
                    used_by.setdefault(n, set()).add(name)
        #: the upstream factors each factor flows into (itself included)
        self.flows_into = {f: frozenset(self._reach(f, used_by)) for f in self.order}
        self.f = {n.name: _numpy(n.activation, derivative=False) for n in d.graph.neurons}
        self.fprime = {n.name: _numpy(n.activation, derivative=True) for n in d.graph.neurons}

    def _closure(self, chain):
        seen = set()
        stack = list(chain)
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                for _, names in self.upstream.get(name, ()):
                    stack.extend(names)
        return seen

    @staticmethod
    def _reach(factor, used_by):
        seen, stack = {factor}, [factor]
        while stack:
            for name in used_by.get(stack.pop(), ()):
                if name not in seen:
                    seen.add(name)
                    stack.append(name)
        return seen

    # --- values ---------------------------------------------------------------------

    def value(self, link, env, multiplier="", at=None, fprime_of=None, fprime=None):
        """A link's value, optionally computed a wrong way.

        ``multiplier`` replaces the multiplied value's name (None: no
        multiplier); ``at`` is the name of the value f' is taken at (instead
        of the neuron's sum); ``fprime_of`` takes f' of another neuron's sum;
        ``fprime`` replaces the f' function itself (e.g. by f, or by 1).
        """
        if link.kind == "loss":
            return self.loss_functions[link.name](env)
        name = link.multiplier if multiplier == "" else multiplier
        result = 1.0 if name is None else env[name]
        if link.fprime:
            neuron = fprime_of or link.neuron
            function = fprime if fprime is not None else self.fprime[neuron.name]
            result = result * float(function(env[at or neuron.sum.name]))
        return result

    def run(self, env, overrides=None, chains=None, partial_map=None, params=None):
        """``(factors, partials)`` at a point, with some factors or chains replaced.

        ``overrides``: factor name -> ``f(env)``; ``chains``: param -> a chain
        of factor names; ``partial_map``: ``f(partials) -> partials`` applied
        last.  Only what the changes reach is recomputed, and only when asked
        for: ``factors`` computes an upstream sum on first use and gives the
        exact value from ``env`` for everything the changes do not reach.
        With ``params``, only those partials are computed.
        """
        factors = self.factors(env, overrides)
        targets = self.params if params is None else [p for p in self.params if p in params]
        partials = {p: self.partial(factors, p, chains) for p in targets}
        if partial_map is not None:
            partials = partial_map(partials)
        return factors, partials

    def factors(self, env, overrides=None):
        """The factor values with ``overrides`` applied, computed lazily (see :meth:`run`)."""
        overrides = overrides or {}
        changed = {name: fn(env) for name, fn in overrides.items()}
        dirty = set().union(*(self.flows_into[name] for name in overrides)) - set(overrides)
        return _Factors(self, env, changed, dirty)

    def partial(self, factors, param, chains=None):
        """One partial: the product of its chain (or of ``chains[param]``)."""
        chain = chains.get(param, self.chains[param]) if chains else self.chains[param]
        return math.prod(factors[n] for n in chain)

    def _sum(self, name, factors):
        return math.fsum(c * math.prod(factors[n] for n in names) for c, names in self.upstream[name])


class _Factors(dict):
    """Factor values of a variant at one point: the changed ones, the rest on demand."""

    def __init__(self, model, env, changed, dirty):
        super().__init__(changed)
        self.model, self.env, self.dirty = model, env, dirty

    def __missing__(self, name):
        if name not in self.dirty:
            return self.env[name]
        value = self[name] = self.model._sum(name, self)
        return value


def _term(term):
    coefficient, names = 1.0, []
    for factor in Mul.make_args(term):
        if factor.is_Number:
            coefficient *= float(factor)
        else:
            names.append(factor.name)
    return coefficient, tuple(names)


def numeric(expr):
    """``expr`` (in named quantities) as a function of a point's environment ``{name: value}``."""
    args = sorted(expr.free_symbols, key=str)
    function = lambdify(args, expr, modules=[NUMPY_FUNCTIONS, "numpy"])
    return lambda env: float(function(*(env[a.name] for a in args)))


def _numpy(activation, derivative):
    """The numpy version of an activation (or of its derivative); for the identity, x (or 1)."""
    function = activation.derivative if derivative else activation.function
    if function is None:
        return (lambda z: 1.0) if derivative else (lambda z: z)
    return activation.numpy[function.__name__]


@lru_cache(maxsize=16)
def chain_model(derivation):
    """The :class:`ChainModel` of a derivation, built once."""
    return ChainModel(derivation)
