"""The table of known mistakes: each one a modified computation of the chain.

Every entry is a :class:`Variant` of the :class:`~derivations.check.model.ChainModel`
that computes the partials *as the mistake would*: a factor with the wrong
sign or off by 2, f' taken at the activation (f'(h1) for f'(sum_h1)),
missing, replaced by f, or taken from the wrong neuron; x1 and x2 swapped in
the local factors; w5 and w6 swapped in the edges; a factor from the wrong
neuron in a chain; two results swapped; a product off by a sign or 2; the
label fixed at Alice's 1.  They are listed family by family, general before
specific within a family (a mistake everywhere, in one neuron, in one
factor), named factors before bare products: where two explain the same
numbers, the first one wins (see :func:`derivations.check.hints.find_hints`).

Pairwise families (swaps, siblings) are built in full for small layers and
for neighbours only in wide ones, so the table stays linear in the network.

>>> from derivations import derive
>>> from derivations.check.model import ChainModel
>>> variants = static_variants(ChainModel(derive()), article=True)
>>> len(variants) > 100
True
>>> print(next(v.text for v in variants if v.kind == "input swap"))
x1 and x2 are swapped in ∂h1/∂w1, ∂h1/∂w2, ∂h2/∂w3 and ∂h2/∂w4 (x1 is the weight, x2 the height):
w1 multiplies x1, so ∂h1/∂w1 = x1·f'(sum_h1).
>>> print(next(v.text for v in variants if v.kind == "weight swap"))
w5 and w6 are swapped in ∂y_pred/∂h1 and ∂y_pred/∂h2: w5 carries h1 into o1,
so ∂y_pred/∂h1 = w5·f'(sum_o1).
"""

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from derivations.check.model import numeric
from derivations.check.naming import are, factor_label, join

#: pairwise variants (swaps, siblings) are built in full up to this many; beyond, neighbours only
MAX_PAIRS = 8
SCALES = ((-1.0, "sign"), (2.0, "twice"), (0.5, "half"))


@dataclass(frozen=True, eq=False)
class Variant:
    """One known mistake as a modified chain: factor ``overrides``, replaced ``chains``, a ``partial_map``.

    ``affects`` are the parameters whose partials it can change, ``touched``
    the factors: everything else stays exact, so only these are compared.
    """

    kind: str
    text: str
    factors: tuple = ()
    overrides: dict = field(default_factory=dict)
    chains: dict = field(default_factory=dict)
    partial_map: object = None
    affects: frozenset = frozenset()
    touched: frozenset = frozenset()

    def predictor(self, model, point):
        """``value(name)``: this variant's value of a partial (by parameter) or a factor at ``point``, lazily.

        At a batch, the mistake is made at every sample and combined as the
        exact values are (their mean, or sum).
        """
        samples = getattr(point, "samples", None)
        if samples is not None:
            values = [self.predictor(model, sample) for sample in samples]
            return lambda name: point.combine([value(name) for value in values])
        factors = model.factors(point.environment, self.overrides)
        mapped = {}

        def value(name):
            if name not in model.chains:
                return factors[name]
            if self.partial_map is None:
                return model.partial(factors, name, self.chains)
            if not mapped:  # a map over partials (a swap, a scale) needs all it touches at once
                mapped.update(self.partial_map({p: model.partial(factors, p, self.chains) for p in self.affects}))
            return mapped[name]

        return value


def pairs(items):
    """Every pair of a short list; neighbours only in a long one."""
    items = list(items)
    if len(items) <= MAX_PAIRS:
        return list(combinations(items, 2))
    return list(zip(items, items[1:]))


def ordered_pairs(items):
    return [pair for a, b in pairs(items) for pair in ((a, b), (b, a))]


@lru_cache(maxsize=16)
def static_variants(model, article):
    """Every fixed variant for ``model``'s network, in order of preference."""
    return tuple(_Builder(model, article).build())


class _Builder:
    def __init__(self, model, article):
        self.m = model
        self.d = model.derivation
        self.article = article
        self.out = []
        self.by_neuron = {}
        for link in model.links.values():
            self.by_neuron.setdefault(link.neuron.name, []).append(link)

    def label(self, names):
        return join([factor_label(self.d, n) for n in names])

    def add(self, kind, text, factors=(), overrides=None, chains=None, partial_map=None, affects=()):
        overrides, chains = overrides or {}, chains or {}
        params, touched = set(chains) | set(affects), set()
        for name in overrides:
            params.update(self.m.feeds[name])
            touched |= self.m.flows_into[name]
        self.out.append(Variant(kind, text, tuple(factors), overrides, chains, partial_map, frozenset(params),
                                frozenset(touched)))

    def build(self):
        for family in (self.scales, self.label_one, self.fprimes, self.wrong_fprime, self.inputs, self.edges,
                       self.wrong_neuron, self.partial_swaps, self.partial_scales):
            family()
        return self.out

    # families, each a kind of mistake ------------------------------------------

    def scales(self):
        multi = len(self.d.graph.outputs) > 1  # one loss factor is fitted instead (see fitted_variants)
        for link in self.m.links.values():
            if link.kind == "loss" and not multi:
                continue
            fed = self.m.feeds[link.name]
            for k, kind in SCALES:
                what = {"sign": f"has the wrong sign, so {join(fed)} {are(fed)} negated",
                        "twice": f"is twice what it should be, and so {are(fed)} {join(fed)}",
                        "half": f"is half what it should be, and so {are(fed)} {join(fed)}"}[kind]
                self.add(kind, f"{self.label([link.name])} {what}.", [link.name], {link.name: scaled(link.name, k)})

    def label_one(self):
        """∂L/∂y_pred with the label fixed at 1, as in the article's worked example for Alice."""
        for o, y in zip(self.d.graph.outputs, self.d.targets):
            loss = self.d.chain_to[o][0]
            fixed = numeric(loss.named.xreplace({y: 1}))
            alice = " (Alice's label, from the article's worked example)" if self.article else ""
            text = f"{self.label([loss.name])} uses {y} = 1{alice} instead of each sample's own {y}."
            self.add("label", text, [loss.name], {loss.name: fixed})

    def fprimes(self):
        neurons = [n for n in self.d.graph.neurons if n.activation.derivative is not None and self._fp_links(n)]
        modes = {
            "f' at activation": dict(at=True),
            "f' missing": dict(fprime=lambda z: 1.0),
            "f instead of f'": dict(fprime=None),
        }
        for kind, how in modes.items():
            if len(neurons) > 1:
                overrides = {}
                for n in neurons:
                    for link in self._fp_links(n):
                        overrides[link.name] = self._computed(link, n, how)
                self.add(kind, self._fp_text(kind, neurons, None), list(overrides), overrides)
            for n in neurons:
                links = self._fp_links(n)
                groups = [links] + ([[link] for link in links] if len(links) > 1 else [])
                for group in groups:
                    overrides = {link.name: self._computed(link, n, how) for link in group}
                    self.add(kind, self._fp_text(kind, [n], [link.name for link in group]), list(overrides), overrides)

    def _fp_links(self, n):
        return [link for link in self.by_neuron.get(n.name, ()) if link.fprime]

    def _computed(self, link, n, how):
        how = dict(how)
        if how.pop("at", False):
            how["at"] = n.out.name
        if "fprime" in how and how["fprime"] is None:
            how["fprime"] = self.m.f[n.name]
        return _computed(self.m, link, how)

    def _fp_text(self, kind, neurons, links):
        if links is None:  # everywhere
            each = join([f"f'({n.out}) for f'({n.sum})" for n in neurons])
            return {
                "f' at activation": f"f' is taken at each neuron's activation instead of its pre-activation "
                                    f"({each}), in every factor that has one.",
                "f' missing": "f' is missing from every factor: a local factor is the input times f'(sum), "
                              "an edge the weight times f'(sum).",
                "f instead of f'": "Every factor uses the activation f(sum) itself where its derivative "
                                   "f'(sum) belongs.",
            }[kind]
        n = neurons[0]
        where = self.label(links)
        if kind == "f' at activation":
            text = (f"f' is taken at the activation instead of the pre-activation: f'({n.out}) where "
                    f"f'({n.sum}) belongs, in {where}.")
            if n.activation.name == "sigmoid":
                text += (f" (deriv_sigmoid({n.out}) applies the sigmoid twice, as {n.out} is already "
                         f"f({n.sum}); f'({n.sum}) = {n.out}·(1 - {n.out}).)")
            return text
        if kind == "f' missing":
            return f"f'({n.sum}) is missing from {where}."
        return f"f({n.sum}), the activation itself, is used where its derivative f'({n.sum}) belongs, in {where}."

    def wrong_fprime(self):
        """f' of the sibling neuron's sum: deriv_sigmoid(sum_h2) in ∂h1/∂w1."""
        for layer in self.d.graph.layers:
            for n, other in ordered_pairs(layer):
                links = self._fp_links(n)
                if not links or n.activation.derivative is None:
                    continue
                groups = [links] + ([[link] for link in links] if len(links) > 1 else [])
                for group in groups:
                    overrides = {link.name: _computed(self.m, link, {"fprime_of": other}) for link in group}
                    names = [link.name for link in group]
                    verb = "uses" if len(names) == 1 else "use"
                    self.add("f' of the wrong neuron",
                             f"{self.label(names)} {verb} f'({other.sum}), neuron {other.name}'s, where "
                             f"f'({n.sum}) belongs.", names, overrides)

    def inputs(self):
        """Multipliers of the local factors: x1 and x2 swapped, a missing input, an input on a bias."""
        first_layer = self.d.graph.layers[0]
        for layer in self.d.graph.layers:
            for i, j in pairs(range(len(layer[0].inputs))):
                groups = ([list(layer)] if len(layer) > 1 else []) + [[n] for n in layer]
                for group in groups:
                    overrides, names = {}, []
                    for n in group:
                        a, b = self._local(n, i), self._local(n, j)
                        overrides[a.name] = _computed(self.m, a, {"multiplier": n.inputs[j].name})
                        overrides[b.name] = _computed(self.m, b, {"multiplier": n.inputs[i].name})
                        names += [a.name, b.name]
                    n = group[0]
                    x, y = n.inputs[i], n.inputs[j]
                    note = " (x1 is the weight, x2 the height)" if self.article and layer is first_layer else ""
                    self.add("input swap", f"{x} and {y} are swapped in {self.label(names)}{note}: "
                             f"{n.weights[i]} multiplies {x}, so {factor_label(self.d, names[0])} = "
                             f"{x}{self._fp_suffix(n)}.", names, overrides)
        for n in self.d.graph.neurons:
            for i, (w, x) in enumerate(zip(n.weights, n.inputs)):
                link = self._local(n, i)
                right = f"{w} multiplies {x}, so {factor_label(self.d, link.name)} = {x}{self._fp_suffix(n)}"
                for j, other in enumerate(n.inputs):
                    if j != i and (len(n.inputs) <= MAX_PAIRS or abs(i - j) == 1):
                        self.add("wrong input", f"{factor_label(self.d, link.name)} uses {other} where {x} belongs "
                                 f"({w} multiplies {x}).", [link.name],
                                 {link.name: _computed(self.m, link, {"multiplier": other.name})})
                self.add("missing input", f"{factor_label(self.d, link.name)} is missing its {x}: {right}.",
                         [link.name], {link.name: _computed(self.m, link, {"multiplier": None})})
            bias = self._local(n, len(n.weights))
            for x in n.inputs[:MAX_PAIRS]:
                self.add("input on a bias",
                         f"{factor_label(self.d, bias.name)} has a {x} in it, but the bias {n.bias} is added, not "
                         f"multiplied: {factor_label(self.d, bias.name)} = {self._fp_suffix(n)[1:] or '1'}.",
                         [bias.name], {bias.name: _computed(self.m, bias, {"multiplier": x.name})})

    def _local(self, n, i):
        return self.m.links[self.d.partials[n.params[i].name].factors[-1].name]

    @staticmethod
    def _fp_suffix(n):
        return f"·f'({n.sum})" if n.activation.derivative is not None else ""

    def edges(self):
        """Weights of the edge factors: w5 and w6 swapped in ∂y_pred/∂h1 and ∂y_pred/∂h2."""
        for m in self.d.graph.neurons:
            sources = [self.d.graph.neuron_of(i) for i in m.inputs if i not in self.d.inputs]
            edges = [self.m.links[self.d.edges[m, s].name] for s in sources]
            for a, b in pairs(edges):
                wa, wb = a.multiplier, b.multiplier
                overrides = {a.name: _computed(self.m, a, {"multiplier": wb}),
                             b.name: _computed(self.m, b, {"multiplier": wa})}
                self.add("weight swap", f"{wa} and {wb} are swapped in {self.label([a.name, b.name])}: {wa} carries "
                         f"{a.source.out} into {m.name}, so {factor_label(self.d, a.name)} = {wa}{self._fp_suffix(m)}.",
                         [a.name, b.name], overrides)
            for a in edges:
                for b in edges:
                    if a is not b and (len(edges) <= MAX_PAIRS or abs(edges.index(a) - edges.index(b)) == 1):
                        self.add("wrong weight", f"{factor_label(self.d, a.name)} uses {b.multiplier} where "
                                 f"{a.multiplier} belongs ({a.multiplier} carries {a.source.out} into {m.name}).",
                                 [a.name], {a.name: _computed(self.m, a, {"multiplier": b.multiplier})})
                self.add("missing weight", f"{factor_label(self.d, a.name)} is missing its weight {a.multiplier}: "
                         f"{factor_label(self.d, a.name)} = {a.multiplier}{self._fp_suffix(m)}.",
                         [a.name], {a.name: _computed(self.m, a, {"multiplier": None})})

    def wrong_neuron(self):
        """A chain that borrows the sibling neuron's factor: ∂y_pred/∂h2 in ∂L/∂w1."""
        chains = self.m.chains
        for layer in self.d.graph.layers:
            for n, other in ordered_pairs(layer):
                mine, theirs = n.params, other.params
                entry, their_entry = chains[mine[0].name][-2], chains[theirs[0].name][-2]
                if entry != their_entry:
                    replaced = {p.name: chains[p.name][:-2] + (their_entry, chains[p.name][-1]) for p in mine}
                    fed = [p.name for p in mine]
                    self.add("wrong neuron", f"The chains of {join(fed)} use {self.label([their_entry])} "
                             f"(neuron {other.name}'s) where {self.label([entry])} belongs.", [], chains=replaced)
                    for p in fed:
                        self.add("wrong neuron", f"∂L/∂{p} uses {self.label([their_entry])} (neuron "
                                 f"{other.name}'s) where {self.label([entry])} belongs.", [],
                                 chains={p: replaced[p]})
                for p, q in zip(mine, theirs):
                    chain = chains[p.name]
                    local, their_local = chain[-1], chains[q.name][-1]
                    self.add("wrong neuron", f"∂L/∂{p} uses {self.label([their_local])} (neuron {other.name}'s) "
                             f"where {self.label([local])} belongs.", [], chains={p.name: chain[:-1] + (their_local,)})

    def partial_swaps(self):
        for n in self.d.graph.neurons:
            for p, q in pairs([p.name for p in n.params]):
                self.add("swapped results", f"Your results for {p} and {q} are swapped: each is the other's "
                         "partial.", [], partial_map=_swapped(p, q), affects=(p, q))

    def partial_scales(self):
        for p in self.m.params:
            for k, kind in SCALES:
                what = {"sign": "has the wrong sign", "twice": "is twice what it should be",
                        "half": "is half what it should be"}[kind]
                self.add(f"product {kind}", f"∂L/∂{p} {what}, though the factors you report are right: "
                         f"the product for {p} goes wrong.", [], partial_map=_times(p, k), affects=(p,))


def scaled(name, k):
    """An override: factor ``name`` times ``k``."""
    return lambda env: k * env[name]


def _computed(model, link, how):
    return lambda env: model.value(link, env, **how)


def _swapped(p, q):
    def swap(partials):
        partials = dict(partials)
        partials[p], partials[q] = partials[q], partials[p]
        return partials
    return swap


def _times(p, k):
    def scale(partials):
        return dict(partials, **{p: k * partials[p]})
    return scale


def all_times(k):
    """A partial map: every partial times ``k``."""
    return lambda partials: {p: k * v for p, v in partials.items()}




@dataclass(frozen=True, eq=False)
class BatchScale(Variant):
    """Every partial times a number that depends on the batch: its size n (no 1/n), or 1/n."""

    scale: object = None  # point -> the factor

    def predictor(self, model, point):
        exact = point.expected
        return lambda name: self.scale(point) * exact(name)


def stale_variants(model, learn_rate):
    """Mistakes of code that updates as it goes: a weight used after its own update.

    The article's class computes every factor before it updates anything.
    Code that updates w5 and then computes ∂y_pred/∂h1 = w5·f'(sum_o1) uses
    the new w5, w5 - learn_rate·∂L/∂w5 (a stale-ordering bug); code that also
    recomputes sum_o1 after the update takes f' at the new sum.
    """
    d = model.derivation
    out = []

    def new(env, name):
        return env[name] - learn_rate * env[f"d_L_d_{name}"] if name in model.params else env[name]

    def edge(link, neuron, new_weight, new_sum):
        def value(env):
            weight = new(env, link.multiplier) if new_weight else env[link.multiplier]
            z = sum(new(env, w.name) * env[i.name] for w, i in zip(neuron.weights, neuron.inputs)) \
                + new(env, neuron.bias.name) if new_sum else env[neuron.sum.name]
            return weight * float(model.fprime[neuron.name](z)) if link.fprime else weight
        return value

    for m in d.graph.neurons:
        sources = [d.graph.neuron_of(i) for i in m.inputs if i not in d.inputs]
        links = [model.links[d.edges[m, s].name] for s in sources]
        if not links:
            continue
        groups = ([links] if len(links) > 1 else []) + [[link] for link in links]
        for new_weight, new_sum in ((True, False), (False, True), (True, True)):
            for group in groups:
                names = [link.name for link in group]
                label = join([factor_label(d, n) for n in names])
                weights = join([link.multiplier for link in group])
                if new_weight and not new_sum:
                    kind = "stale weight"
                    text = (f"{label} {'uses' if len(group) == 1 else 'use'} {weights} after {weights} "
                            f"{'was' if len(group) == 1 else 'were'} updated: compute every factor before the "
                            f"first update (the new {group[0].multiplier} is {group[0].multiplier} - "
                            f"learn_rate·∂L/∂{group[0].multiplier}, not the one the forward pass used).")
                elif new_sum and not new_weight:
                    kind = "f' after update"
                    text = (f"f'({m.sum}) in {label} is taken at {m.sum} recomputed after {m.name}'s parameters "
                            f"were updated: use the {m.sum} of the forward pass, computed before any update.")
                else:
                    kind = "stale weight"
                    text = (f"{label} {'is' if len(group) == 1 else 'are'} computed after {m.name}'s parameters "
                            f"were updated, with the new {weights} and f' at the recomputed {m.sum}: compute "
                            "every factor from the forward pass, before the first update.")
                overrides = {link.name: edge(link, m, new_weight, new_sum) for link in group}
                params, touched = set(), set()
                for name in overrides:
                    params.update(model.feeds[name])
                    touched |= model.flows_into[name]
                out.append(Variant(kind, text, tuple(names), overrides, affects=frozenset(params),
                                   touched=frozenset(touched)))
    return out
