"""verify(): the chain rule against ``sympy.diff`` of the fully expanded loss.

The reference is independent of our rules: the loss is written out with
SymPy's own functions (the sigmoid as 1/(1 + exp(-x)), tanh, log, Max) and
differentiated by SymPy.  Our chain-rule partial is rewritten the same way,
and the difference of the two is shown to be 0, by the first of these that
applies:

``"symbolic"``
    Every exp/tanh/... term is replaced by a fresh unknown and the
    difference, now a rational function, has a numerator that expands to 0.
    An identity that holds for independent unknowns holds for any values, so
    this is a proof.  Tried on small expressions only: expanding big
    numerators is slow.
``"exact"``
    The same rational function is evaluated *exactly*, in rationals, at
    several random points, and is 0 at each.  A rational function that is not
    identically 0 vanishes at a random point with negligible probability
    (Schwartz-Zippel), so this is a proof with a vanishing chance of error.
``"numeric"``
    The difference itself vanishes to 50 significant digits at several random
    rational points.  Needed where an identity is not a rational one (relu's
    step, whose value at 0 is a convention).
"""

import random

import sympy
from sympy import Mul, Rational

from derivations.graph import explicit_loss
from derivations.rules import to_explicit

DIGITS = 50
#: numerators with more operations than this skip the symbolic expansion
SYMBOLIC_OPS = 2000


class VerificationError(AssertionError):
    """A chain-rule partial differs from sympy.diff of the expanded loss."""

    def __init__(self, param, point, ours, reference):
        self.param = param
        self.point = point
        super().__init__(
            f"dL/d{param}: the chain rule gives {ours}, sympy.diff gives {reference} at {point}"
        )


def verify(derivation, points=3, seed=0, layers=True):
    """``{param: "symbolic" | "exact" | "numeric"}``; raises :class:`VerificationError` on a mismatch.

    With ``layers`` (the default) the layer view is proved too (:func:`verify_layers`).

    >>> from derivations import derive
    >>> verify(derive())["w1"]
    'symbolic'
    """
    how = _verify_scalar(derivation, points, seed)
    if layers:
        verify_layers(derivation, points=points, seed=seed)
    return how


def verify_layers(derivation, points=3, seed=0, view=None):
    """Prove the layer view equal to the scalar chain, entry by entry; ``{entry: how}``.

    Each entry of BP4's δˡ (aˡ⁻¹)ᵀ and BP3's δˡ is compared with the scalar
    partial it maps to (``W1[1,2]`` with ∂L/∂w2), and each δ with the
    product of the scalar chain it stands for (δ for h1 with ∂L/∂h1 ·
    f'(sum_h1)), both written out in inputs, targets and parameters; the
    difference is shown to vanish as :func:`verify` shows it.  ``view`` is the
    layer view to prove (default: the derivation's own).

    >>> from derivations import derive
    >>> proofs = verify_layers(derive())
    >>> proofs["W1[1,2]"], proofs["delta1[1]"], len(proofs)
    ('symbolic', 'symbolic', 12)
    """
    view = derivation.layers if view is None else view
    rng = random.Random(seed)
    how = {}
    for layer in view:
        for i, n in enumerate(layer.neurons, start=1):
            chain, closes = view.delta_chain(n)
            scalar = derivation.to_raw(Mul(*(f.symbol for f in chain)))
            if closes:
                scalar = derivation.graph.to_raw(scalar * n.activation.derivative_of(n.sum))
            how[f"delta{layer.index}[{i}]"] = _same(view.to_raw(layer.delta[i - 1]), scalar, rng, points,
                                                    f"delta{layer.index}[{i}]")
            for j in range(layer.shape[1]):
                name = view.name_at(layer.index, "W", i, j + 1)
                how[f"W{layer.index}[{i},{j + 1}]"] = _same(view.to_raw(layer.dW[i - 1, j]),
                                                            derivation.partials[name].expr, rng, points, name)
            name = view.name_at(layer.index, "b", i)
            how[f"b{layer.index}[{i}]"] = _same(view.to_raw(layer.db[i - 1]), derivation.partials[name].expr,
                                                rng, points, name)
    return how


def _same(ours, reference, rng, points, name):
    """How ``ours`` and ``reference`` were shown equal; :class:`VerificationError` when they are not."""
    ours, reference = to_explicit(ours), to_explicit(reference)
    formal = _as_rational_function(ours - reference)
    if _cancels(formal):
        return "symbolic"
    if _vanishes_exactly(formal, rng, points):
        return "exact"
    free = sorted((ours - reference).free_symbols, key=lambda s: s.name)
    for _ in range(points):
        point = {s: _rational(rng) for s in free}
        a, b = ours.evalf(DIGITS, subs=point), reference.evalf(DIGITS, subs=point)
        if not abs(a - b) <= 10 ** (10 - DIGITS) * (1 + abs(b)):
            raise VerificationError(name, {str(k): v for k, v in point.items()}, a, b)
    return "numeric"


def _verify_scalar(derivation, points, seed):
    loss = explicit_loss(derivation.graph)
    rng = random.Random(seed)
    free = sorted(loss.free_symbols, key=lambda s: s.name)
    samples = [{s: _rational(rng) for s in free} for _ in range(points)]
    how = {}
    for name, partial in derivation.partials.items():
        reference = sympy.diff(loss, partial.param)
        ours = to_explicit(partial.expr)
        formal = _as_rational_function(ours - reference)
        if _cancels(formal):
            how[name] = "symbolic"
        elif _vanishes_exactly(formal, rng, points):
            how[name] = "exact"
        else:
            for point in samples:
                a, b = ours.evalf(DIGITS, subs=point), reference.evalf(DIGITS, subs=point)
                if not abs(a - b) <= 10 ** (10 - DIGITS) * (1 + abs(b)):
                    raise VerificationError(name, {str(k): v for k, v in point.items()}, a, b)
            how[name] = "numeric"
    return how


def _rational(rng):
    # small rationals away from 0, so no activation sits at a kink or saturates
    return Rational(rng.choice([-1, 1]) * rng.randint(1, 40), rng.randint(7, 23))


def _as_rational_function(expr):
    """``expr`` with every transcendental term replaced by an unknown.

    exp(a) and exp(-a) become t and 1/t (one unknown, not two), and a step
    becomes the same unknown whatever its value at 0.  The outermost terms are
    replaced first, so exp(... exp(...) ...) is one unknown.
    """
    unknowns = {}

    def unknown(key):
        return unknowns.setdefault(key, sympy.Dummy(positive=True))

    def replace(e):
        if isinstance(e, sympy.exp):
            arg = e.args[0]
            if arg.could_extract_minus_sign():
                return 1 / unknown(("exp", -arg))
            return unknown(("exp", arg))
        if isinstance(e, sympy.Heaviside):
            return unknown(("step", e.args[0]))
        if isinstance(e, (sympy.tanh, sympy.log, sympy.Max)):
            return unknown((type(e).__name__, e))
        if not e.args:
            return e
        return e.func(*(replace(a) for a in e.args))

    return replace(expr)


def _cancels(formal):
    """True when the rational function ``formal`` is identically 0, shown by expanding its numerator."""
    numerator, _ = sympy.fraction(sympy.together(formal))
    # expanding a big numerator costs more than it proves: leave those to the exact check
    return sympy.count_ops(numerator) <= SYMBOLIC_OPS and sympy.expand(numerator) == 0


def _vanishes_exactly(formal, rng, points):
    unknowns = sorted(formal.free_symbols, key=str)
    done = tries = 0
    while done < points and tries < 10 * points:
        tries += 1
        # large random positive rationals: the chance of hitting a root is negligible
        value = formal.xreplace({u: Rational(rng.randint(1, 10**9), rng.randint(1, 10**9)) for u in unknowns})
        if value.has(sympy.zoo, sympy.nan):
            continue  # a pole of the function: draw again
        if value != 0:
            return False
        done += 1
    return done == points
