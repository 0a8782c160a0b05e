"""Hints: known mistakes, each one *tested* against the user's numbers.

A hint is never a guess from the pattern of wrong parameters.  Each known
mistake is built as a modified computation of the chain (a :class:`Variant`
of the :class:`~derivations.check.model.ChainModel`: a factor with the wrong
sign, f' taken at h1 instead of sum_h1, x1 and x2 swapped, a factor from the
wrong neuron, ...), evaluated at the same points as the check, and offered
only when it reproduces the user's numbers within tolerance at *every*
point, for every value it changes, while changing nothing the user got right.

A variant explains a set of values (the partials and reported factors it
changes).  Several mistakes at once are found one by one when they touch
different values; a hint whose set lies inside another matching hint's set
is dropped (the bigger one says it all), and of two hints explaining the
same values the first in the table below wins (a named factor before a bare
product).

The table of mistakes is :mod:`derivations.check.mistakes`; here the fitted
ones (every partial off by one common factor) and the matching.
"""

from dataclasses import dataclass
from fractions import Fraction

from derivations.check.compare import tolerance
from derivations.check.mistakes import BatchScale, Variant, all_times, scaled, stale_variants, static_variants
from derivations.check.naming import factor_label, join
from derivations.errors import Argument, Message, spelled

LOSS_FORMULAS = {"mse": "-2({y} - {p})", "bce": "{p} - {y}", "half-mse": "{p} - {y}"}


@dataclass(frozen=True)
class Hint:
    """A mistake that reproduces the user's numbers: what it is, which factors, which partials."""

    kind: str
    message: "str | Message"  # a Message where it names an argument to pass
    factors: tuple
    parameters: tuple

    @property
    def text(self):
        """The hint in words, arguments spelled as Python passes them (``learn_rate=0.2``)."""
        return spelled(self.message)

    def as_dict(self, spell=Argument.python):
        return {"kind": self.kind, "text": spelled(self.message, spell), "factors": list(self.factors),
                "parameters": list(self.parameters)}


# --- uniform scales, fitted to the user's numbers ---------------------------------------


def fitted_variants(model, points, observations, form, reported):
    """Every partial off by one common factor c, read off the user's largest partial.

    As the loss factor (∂L/∂y_pred): c = -1 is a flipped sign, 1/2 a lost 2,
    1/n a mean over n samples; and, for a step, c may be a learning rate the
    checker did not assume.  Then as a bare factor on the products (when the
    factors reported are right).
    """
    best = None
    for point, obs in zip(points, observations):
        for p in model.params:
            exact = point.expected(p)
            if p in obs.got and exact and (best is None or abs(exact) > best[0]):
                best = (abs(exact), obs.got[p] / exact)
    if best is None or best[1] == 0 or abs(best[1] - 1) < 1e-9:
        return []
    c = _snap(best[1])
    d = model.derivation
    losses = [d.chain_to[o][0].name for o in d.graph.outputs]
    text = Message(_scale_text(d, c, form), _learn_rate_text(c, form))
    overrides = {name: scaled(name, c) for name in losses}
    touched = frozenset().union(*(model.flows_into[name] for name in losses))
    variants = [Variant("scale of all", text, tuple(losses), overrides, affects=frozenset(model.params),
                        touched=touched)]
    if reported:
        variants.append(Variant(
            "scale of all products", f"Every partial is {_times_text(c)} the exact one, though the factors you "
            "report are right: the products go wrong.", (), partial_map=all_times(c),
            affects=frozenset(model.params)))
    return variants


def _snap(c):
    """A ratio read off floats, snapped to a simple fraction when it is one (-1, 1/2, 1/4, 3)."""
    fraction = Fraction(c).limit_denominator(16)
    return float(fraction) if abs(float(fraction) - c) <= 1e-9 * abs(c) else c


def _times_text(c):
    if c == -1:
        return "minus"
    if c == 0.5:
        return "half"
    if c == 2:
        return "twice"
    fraction = Fraction(c)
    if fraction.denominator <= 16:
        return f"{fraction} times"
    return f"{c:.6g} times"


def _scale_text(d, c, form):
    losses = [d.chain_to[o][0].name for o in d.graph.outputs]
    formula = LOSS_FORMULAS[d.network.loss].format(y=d.targets[0], p=d.graph.outputs[0].out)
    if len(losses) == 1:
        where, seems = f"{factor_label(d, losses[0])} = {formula}", "seems"
    else:
        names = join([factor_label(d, n) for n in losses])
        where = f"the loss factors {names} ({factor_label(d, losses[0])} = {formula})"
        seems = "seem"
    if c == -1:
        return f"Every partial has the wrong sign: {where} {seems} flipped, and that flips them all."
    if c == 0.5 and d.network.loss == "mse":
        return Message("Every partial is half the exact one. This may be a convention, not a bug: half the "
                       "squared error, L = ½(y_true - y_pred)², has ∂L/∂y_pred = y_pred - y_true; if that is your "
                       "loss, check again with ", Argument("loss", "half-mse"), f". Otherwise {where} {seems} to "
                       "have lost the 2.")
    if c == 2 and d.network.loss == "half-mse":
        return Message("Every partial is twice the exact one for half the squared error: is your loss the full "
                       "squared error, L = (y_true - y_pred)²? Then check with ", Argument("loss", "mse"), ".")
    if c == 2:
        return f"Every partial is twice the exact one: {where} {seems} doubled."
    fraction = Fraction(c)
    if 0 < c < 1 and fraction.numerator == 1:
        k = fraction.denominator
        over = f"the {k} outputs" if len(losses) == k else f"{k} samples"
        return (f"Every partial is 1/{k} of the exact one: divided by n = {k}, as in a mean over {over}? "
                "The loss differentiated is one sample's, with no 1/n.")
    return f"Every partial is {_times_text(c)} the exact one."


def _learn_rate_text(c, form):
    if not form.from_step or getattr(form, "stated_rate", None) is not None:
        return ""  # the code states its rate, and the check used it
    if getattr(form, "given_rate", False) and c > 0:
        return ""  # the rate was given: not asked again
    lr = form.learn_rate
    if c == -1:
        return " Or your update adds the gradient (w += learn_rate·∂L/∂w) instead of subtracting it."
    if c < 0:
        return " And your update moves uphill: it should be w -= learn_rate·∂L/∂w."
    ask = "Or is" if c in (0.5, 2) or Fraction(c).numerator == 1 else "Is"
    return Message(f" {ask} your learning rate {c * lr:g}, not {lr:g}? Then check again with ",
                   Argument("learn_rate", float(f"{c * lr:g}")), ".")


def _for_steps(hint, form):
    """A sign hint about a step: the update itself may be what is flipped."""
    if not (form.from_step and hint.kind == "sign" and hint.parameters):
        return hint
    params = hint.parameters
    verb = "adds" if len(params) == 1 else "add"
    text = Message(hint.message, f" Or the update of {join(params)} {verb} learn_rate·∂L/∂w instead of subtracting it.")
    return Hint(hint.kind, text, hint.factors, params)


# --- matching ----------------------------------------------------------------------------


def batch_variants(model, points, form):
    """A batch's gradient summed instead of averaged (no 1/n), or divided by n once too often."""
    if not any(hasattr(p, "samples") and p.n > 1 for p in points):
        return []
    reduction = points[0].reduction if hasattr(points[0], "reduction") else "mean"
    everything = frozenset(model.params)
    if reduction == "mean":
        times_n = Message("Every partial is n times the exact mean gradient, n the number of samples in the batch: "
                          "the gradient is not divided by the number of samples (a sum where the mean belongs; "
                          "divide by n = len(X)). If your loss is the sum over the samples, check with ",
                          Argument("reduction", "sum"), ".")
        over_n = "Every partial is 1/n of the exact mean gradient: the batch is divided by the number of samples twice."
    else:
        times_n = "Every partial is n times the exact summed gradient: n is counted twice."
        over_n = Message("Every partial is 1/n of the exact summed gradient: your code takes the mean over the samples; "
                         "if that is your loss, check with ", Argument("reduction", "mean"), ".")
    variants = [BatchScale("not divided by n", times_n, affects=everything, scale=lambda p: getattr(p, "n", 1)),
                BatchScale("divided by n twice", over_n, affects=everything, scale=lambda p: 1 / getattr(p, "n", 1))]
    layout = getattr(form, "layout", None)
    if layout is not None and reduction == "mean":  # one array's gradient summed: its own missing 1/n
        for W, b, weights, biases in layout.layers:
            for key, names in ((W, [n for row in weights for n in row]), (b, biases)):
                text = (f"The gradient of {key} ({join(names)}) is n times the mean over the batch: it is not "
                        f"divided by the number of samples (a sum where the mean belongs; divide by n = len(X)).")
                variants.append(BatchScale("not divided by n", text, affects=frozenset(names),
                                           scale=lambda p: getattr(p, "n", 1)))
    return variants


def transposed_variants(layout):
    """A square weight matrix's gradient returned transposed: W1[0,1] and W1[1,0] swapped (X.T @ delta)."""
    variants = []
    for k, (W, _, weights, _) in enumerate(layout.layers):
        if len(weights) != len(weights[0]) or len(weights) < 2:
            continue
        pairs = [(weights[j][i], weights[i][j]) for j in range(len(weights)) for i in range(j + 1, len(weights))]
        shown = ", ".join(f"{layout.entry[a]} ({a}) with {layout.entry[b]} ({b})" for a, b in pairs[:3])
        text = (f"The gradient of {W} is transposed: {shown} swapped. Is it computed as X.T @ delta where "
                f"delta.T @ X belongs (or returned without .T)?")

        def swap(partials, pairs=pairs):
            partials = dict(partials)
            for a, b in pairs:
                partials[a], partials[b] = partials[b], partials[a]
            return partials

        affects = frozenset(n for pair in pairs for n in pair)
        variants.append(Variant("transposed", text, (), partial_map=swap, affects=affects))
    return variants


def find_hints(model, points, observations, parameters, factors, form, rtol, article, negative_rate=False):
    """The hints whose mistaken computation reproduces the user's numbers (see the module docstring)."""
    verdicts = {**parameters, **factors}
    wrong = {name for name, v in verdicts.items() if not v.ok}
    if not wrong:
        return []
    wrong_params = wrong & set(parameters)
    reported = set(factors)
    unusable = {q for q in verdicts if any(q not in obs.got for obs in observations)}
    candidates = batch_variants(model, points, form)
    candidates += fitted_variants(model, points, observations, form, bool(factors))
    if form.from_step:
        candidates += stale_variants(model, form.learn_rate)
    if getattr(form, "layout", None) is not None:
        candidates += transposed_variants(form.layout)
    candidates += static_variants(model, article)
    matched = []
    for variant in candidates:
        if not variant.affects & wrong_params:
            continue
        # what the variant leaves alone stays exact: only what it reaches is compared
        quantities = [p for p in model.params if p in variant.affects] + sorted(variant.touched & reported)
        changed = _explains(variant, model, points, observations, quantities, wrong, unusable, rtol)
        if changed:
            matched.append((variant, frozenset(changed)))
    kept = []
    for variant, changed in matched:
        if any(changed < other for _, other in matched) or any(changed == other for _, other in kept):
            continue
        kept.append((variant, changed))
    hints = [Hint(v.kind, v.text, v.factors, tuple(p for p in model.params if p in changed)) for v, changed in kept]
    if negative_rate:  # one cause: the rate's sign flips every partial
        hints = [Hint("negative rate", "Every partial has the wrong sign because your learning rate is negative: "
                      "w -= learn_rate·∂L/∂w with learn_rate < 0 climbs the loss. Make the rate positive.",
                      h.factors, h.parameters) if h.kind == "scale of all" and "wrong sign" in h.text else h
                 for h in hints]
    return [_for_steps(h, form) for h in hints]


def _explains(variant, model, points, observations, quantities, wrong, unusable, rtol):
    """The values ``variant`` changes, if it reproduces the user's numbers on all of them; else None.

    The values the user got right come first: a variant that changes one of
    them is out at once, usually after a single product.
    """
    quantities = sorted(quantities, key=lambda q: q in wrong)
    changed = set()
    for point, obs in zip(points, observations):
        value = variant.predictor(model, point)
        for q in quantities:
            predicted, exact = value(q), point.expected(q)
            if q in unusable:
                continue  # not a number somewhere (never updated, NaN): no evidence either way
            if abs(predicted - exact) > tolerance(point, q, exact, rtol):
                if q not in wrong:
                    return None
                changed.add(q)
            if q in wrong:
                tol = tolerance(point, q, predicted, rtol, obs.rounding.get(q, 0.0))
                if not abs(obs.got[q] - predicted) <= tol:
                    return None
    return changed or None
