"""Where a hand-written backprop is checked: the article's Alice point and seeded random points.

At every point the exact values come from the derivation
(:meth:`Derivation.evaluate`: every quantity, factor and partial at one
sample), and central finite differences of the loss give an independent
third opinion on each partial.

Random points are drawn so that coincidences cannot hide a mistake: the
weights into one neuron differ from each other (w5 = w6 would hide a swap),
no input is near 0 (x1 = 0 would hide anything in ∂h1/∂w1) and the inputs
differ from each other (x1 = x2 would hide a swap).  Labels are drawn
between 0 and 1, not only 0 and 1, so that a hard-coded label shows.

>>> from derivations import derive
>>> alice, *others = make_points(derive(), 2, seed=0)
>>> alice.name, alice.x, alice.y_true
('Alice', (-2.0, -1.0), 1.0)
>>> print(alice.expected("w1"))          # the article's dL/dw1, exact
0.02146953526581111
>>> abs(alice.finite_difference["w1"] - alice.expected("w1")) < 1e-9
True
>>> [p.name for p in others]
['random 1', 'random 2']
"""

import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from sympy import lambdify

from derivations.check.mistakes import MAX_PAIRS
from derivations.program import build_program
from derivations.rules import NUMPY_FUNCTIONS

#: the article's worked example: Alice, every weight 1, every bias 0
ALICE_X = (-2.0, -1.0)
ALICE_Y = 1.0
#: inputs of the first point for networks without two inputs (Alice's, continued)
FIXED_INPUTS = (-2.0, -1.0, 1.0, 2.0)
#: random inputs lie in [-INPUT_RANGE, INPUT_RANGE]: standardized features; the article's
#: raw offsets (Bob's 25 lb) saturate the sigmoids and would hide mistakes in f'
INPUT_RANGE = 3.0
#: the least distance between two inputs, or two weights into a neuron, and from 0
SEPARATION = 0.25
WEIGHT_SEPARATION = 0.1
#: finite-difference step, relative to max(1, |param|)
FD_STEP = 1e-5


@dataclass(frozen=True, eq=False)
class Point:
    """One evaluation point: parameters, one sample, and the exact values there."""

    name: str
    params: dict
    x: tuple
    y_true: "float | tuple"
    derivation: object = field(repr=False, compare=False)

    @property
    def user_y(self):
        """``y_true`` as the user's code receives it: a float, or an array for several outputs."""
        return self.y_true if isinstance(self.y_true, float) else np.array(self.y_true)

    @cached_property
    def values(self):
        """Every named value at this point (:meth:`Derivation.evaluate`)."""
        y = self.y_true if isinstance(self.y_true, float) else list(self.y_true)
        return self.derivation.evaluate(self.params, list(self.x), y)

    @cached_property
    def environment(self):
        """``values`` plus the parameters, inputs and targets by name."""
        env = dict(self.values)
        env.update(self.params)
        env.update((s.name, v) for s, v in zip(self.derivation.inputs, self.x))
        ys = (self.y_true,) if isinstance(self.y_true, float) else self.y_true
        env.update((s.name, v) for s, v in zip(self.derivation.targets, ys))
        return env

    def expected(self, name):
        """The exact value of a partial (by parameter name) or of a factor."""
        if name in self.params:
            return self.values[f"d_L_d_{name}"]
        return self.values[name]

    @cached_property
    def finite_difference(self):
        """Central differences of the loss, ``{param: float}``: an opinion independent of the chain rule.

        Every parameter is moved up and down in one vectorized call of the
        forward pass and loss (column 2k moves parameter k up, 2k+1 down).
        """
        names = list(self.params)
        base = np.array([self.params[n] for n in names])
        steps = FD_STEP * np.maximum(1.0, np.abs(base))
        columns = np.repeat(base[:, None], 2 * len(names), axis=1)
        index = np.arange(len(names))
        columns[index, 2 * index] += steps
        columns[index, 2 * index + 1] -= steps
        ys = (self.y_true,) if isinstance(self.y_true, float) else self.y_true
        losses = np.broadcast_to(_loss_function(self.derivation)(*columns, *self.x, *ys), (2 * len(names),))
        return {n: float((losses[2 * k] - losses[2 * k + 1]) / (2 * steps[k])) for k, n in enumerate(names)}

    @cached_property
    def partial_scale(self):
        """The largest exact partial here: the yardstick for rounding in a sum of chains."""
        return max((abs(self.expected(p)) for p in self.params), default=0.0)

    @cached_property
    def factor_scale(self):
        return max((abs(self.values[f]) for f in self.derivation.factors), default=0.0)

    def describe(self):
        """``x1 = -2, x2 = -1, y_true = 1``: the sample, in the article's names."""
        d = self.derivation
        ys = (self.y_true,) if isinstance(self.y_true, float) else self.y_true
        parts = [f"{s} = {v:g}" for s, v in zip(d.inputs, self.x)] + [f"{s} = {v:g}" for s, v in zip(d.targets, ys)]
        return ", ".join(parts)

    def as_dict(self):
        return {"name": self.name, "params": dict(self.params), "x": list(self.x),
                "y_true": self.y_true if isinstance(self.y_true, float) else list(self.y_true)}


@lru_cache(maxsize=16)
def _loss_function(derivation):
    """The single-sample loss from the program's forward statements, lambdified (any argument may be an array)."""
    program = build_program(derivation)
    steps = [(s.target, s.expr) for s in program.forward + (program.loss,)]
    args = list(program.params) + list(program.inputs) + list(program.targets)
    return lambdify(args, program.loss.target, modules=[NUMPY_FUNCTIONS, "numpy"], cse=lambda exprs: (steps, exprs))


def make_points(derivation, n_random=5, seed=0):
    """Alice's point (weights 1, biases 0) and ``n_random`` seeded random points."""
    d = derivation
    n_in, n_out = len(d.inputs), len(d.targets)
    weights = {w.name: 1.0 for w in d.graph.weights}
    biases = {b.name: 0.0 for b in d.graph.biases}
    if n_in == 2:
        name, x = "Alice", ALICE_X
    else:
        name, x = "weights 1, biases 0", tuple(FIXED_INPUTS[i % 4] * (1 + i // 4) for i in range(n_in))
    y = ALICE_Y if n_out == 1 else (ALICE_Y,) * n_out
    points = [Point(name, {**weights, **biases}, x, y, d)]
    rng = np.random.default_rng(seed)
    for k in range(n_random):
        params = {}
        for neuron in d.graph.neurons:
            for w, value in zip(neuron.weights, _separated(rng, len(neuron.weights), "normal")):
                params[w.name] = value
        for b in d.graph.biases:
            params[b.name] = float(rng.normal())
        params = {p.name: params[p.name] for p in d.params}
        x = tuple(_separated(rng, n_in, "uniform"))
        ys = tuple(float(v) for v in rng.uniform(0.0, 1.0, n_out))
        points.append(Point(f"random {k + 1}", params, x, ys[0] if n_out == 1 else ys, d))
    return points


def _separated(rng, n, how, tries=200):
    """``n`` draws that keep apart from 0 and from each other (the best of ``tries`` otherwise).

    In a wide layer, only neighbours are kept apart, as only neighbours are
    checked for swaps there (:data:`derivations.check.mistakes.MAX_PAIRS`).
    """
    gap = WEIGHT_SEPARATION if how == "normal" else SEPARATION
    if n <= MAX_PAIRS:
        left, right = np.triu_indices(n, 1)
    else:
        left, right = np.arange(n - 1), np.arange(1, n)
    best, best_gap = None, -1.0
    for _ in range(tries):
        values = rng.normal(size=n) if how == "normal" else rng.uniform(-INPUT_RANGE, INPUT_RANGE, n)
        smallest = min(np.abs(values).min(), np.abs(values[left] - values[right]).min(initial=np.inf))
        if smallest >= gap:
            return [float(v) for v in values]
        if smallest > best_gap:
            best, best_gap = values, smallest
    return [float(v) for v in best]


#: the article's four people, as its train() gets them (weight and height offsets; 1 = female)
ARTICLE_DATA = ((-2.0, -1.0), (25.0, 6.0), (17.0, 4.0), (-15.0, -6.0))
ARTICLE_Y = (1.0, 0.0, 0.0, 1.0)
REDUCTIONS = ("mean", "sum")


@dataclass(frozen=True, eq=False)
class BatchPoint:
    """Parameters and a batch of samples: the exact gradient is the mean (or sum) of the samples' gradients.

    ``samples`` are single-sample :class:`Point` objects with the same
    parameters; a mistake's prediction at a batch is the same combination of
    its predictions at the samples (see :meth:`combine`).

    >>> from derivations import derive
    >>> batch = make_batches(derive(), 0)[0]
    >>> batch.name, batch.n, batch.samples[0].name
    ("the article's 4 people", 4, 'Alice')
    >>> import math
    >>> math.isclose(batch.expected("w1"), sum(s.expected("w1") for s in batch.samples) / 4)
    True
    """

    name: str
    params: dict
    samples: tuple
    reduction: str = "mean"

    @property
    def n(self):
        return len(self.samples)

    @property
    def derivation(self):
        return self.samples[0].derivation

    @property
    def X(self):
        return np.array([s.x for s in self.samples], dtype=float)

    @property
    def Y(self):
        ys = [s.y_true for s in self.samples]
        return np.array(ys, dtype=float)

    x = property(lambda self: self.X)
    user_y = property(lambda self: self.Y)

    def combine(self, values):
        """The batch's value from the samples' values: their mean, or their sum."""
        total = math.fsum(values)
        return total / len(values) if self.reduction == "mean" else total

    def expected(self, name):
        return self.combine([s.expected(name) for s in self.samples])

    @cached_property
    def finite_difference(self):
        return {p: self.combine([s.finite_difference[p] for s in self.samples]) for p in self.params}

    @cached_property
    def partial_scale(self):
        return max((abs(self.expected(p)) for p in self.params), default=0.0)

    @property
    def factor_scale(self):
        return self.partial_scale

    def subset(self, rows):
        """The batch of some of its samples (one sample: that :class:`Point` itself)."""
        rows = sorted(rows)
        if len(rows) == 1:
            return self.samples[rows[0]]
        if len(rows) == self.n:
            return self
        name = f"{self.name}, samples {', '.join(str(r + 1) for r in rows)}"
        return BatchPoint(name, self.params, tuple(self.samples[r] for r in rows), self.reduction)

    def describe(self):
        return f"{self.n} samples, first {self.samples[0].describe()}"

    def as_dict(self):
        return {"name": self.name, "params": dict(self.params), "reduction": self.reduction,
                "x": [list(s.x) for s in self.samples],
                "y_true": [s.y_true if isinstance(s.y_true, float) else list(s.y_true) for s in self.samples]}


def batch_sizes(derivation, count):
    """Batch sizes, one per point, that differ from each other where they can and from every layer width.

    A batch as wide as a layer would let a mean over the wrong axis keep its
    shape; sizes that differ between points tell a missing 1/n from a constant.
    """
    widths = set(derivation.network.layers)
    sizes = [n for n in range(3, 40) if n not in widths]
    return [sizes[k % 5] for k in range(count)]


def make_batches(derivation, n_random=5, seed=0, reduction="mean"):
    """Batches: the article's four people at weights 1, biases 0 (its own data), then seeded random ones.

    Each random batch's first sample is the random point :func:`make_points`
    draws, so a per-sample code checked on a batch meets the same samples.
    """
    d = derivation
    singles = make_points(d, n_random, seed)
    rng = np.random.default_rng(seed + 7919)
    batches = []
    for k, (first, size) in enumerate(zip(singles, batch_sizes(d, len(singles)))):
        if k == 0 and len(d.inputs) == 2 and len(d.targets) == 1:
            samples = [first] + [Point(f"sample {i + 2}", first.params, x, y, d)
                                 for i, (x, y) in enumerate(zip(ARTICLE_DATA[1:], ARTICLE_Y[1:]))]
            name = "the article's 4 people"
        else:
            samples = [first]
            for i in range(size - 1):
                x = tuple(_separated(rng, len(d.inputs), "uniform"))
                ys = tuple(float(v) for v in rng.uniform(0.0, 1.0, len(d.targets)))
                samples.append(Point(f"sample {i + 2}", first.params, x, ys[0] if len(ys) == 1 else ys, d))
            name = first.name if k else "weights 1, biases 0"
        batches.append(BatchPoint(name, first.params, tuple(samples), reduction))
    return batches
