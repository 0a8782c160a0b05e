"""Comparing the user's numbers with the exact ones: tolerances and verdicts.

The tolerance for a value v at a point is ::

    rtol · (|v| + 1e-6 · scale) + rounding

``rtol`` (default 1e-6) is relative: two correct float64 computations of the
same partial differ by a few ulps, while a real mistake is off by a factor
of order one.  The small ``scale`` term (the largest exact partial, or
factor, at that point) absorbs cancellation where a value is a difference
of nearly equal numbers (``y_true - y_pred`` near a perfect prediction).
``rounding`` is what the *form* adds: a gradient implied by a step,
``(old - new) / learn_rate``, carries about eps·|param|/learn_rate of
rounding however well it was computed (see :func:`forms.implied_gradient`),
so that much is allowed on top, and nothing more is loosened.

>>> from derivations import derive
>>> from derivations.check.points import make_points
>>> alice = make_points(derive(), 0)[0]
>>> tolerance(alice, "w1", 0.0215, 1e-6) < 1e-7
True
"""

from dataclasses import dataclass

#: the share of the point's largest value allowed as absolute slack
SCALE_SHARE = 1e-6
#: agreement expected between finite differences and the exact partial (truncation and rounding)
FD_RTOL = 1e-4
DEFAULT_RTOL = 1e-6


def tolerance(point, name, value, rtol, rounding=0.0):
    """How far a value may be from ``value`` (exact or predicted) at ``point`` and still agree."""
    scale = point.partial_scale if name in point.params else point.factor_scale
    return rtol * (abs(value) + SCALE_SHARE * scale) + rounding + 1e-300


@dataclass
class Verdict:
    """The outcome for one partial or one reported factor, shown at its worst point.

    ``problem`` is set when the user's value was not a number somewhere
    ("missing", "NaN", ...); ``wrong_points`` counts the points where it
    disagreed.  For partials, ``finite_difference`` is the central difference
    of the loss at the worst point and ``fd_agrees`` whether it agreed with the
    exact value at every point; for factors, ``feeds`` lists the parameters
    whose chains use it.
    """

    name: str
    ok: bool
    expected: float
    got: "float | None"
    abs_error: "float | None"
    rel_error: "float | None"
    tolerance: float
    point: str
    wrong_points: int
    problem: "str | None" = None
    finite_difference: "float | None" = None
    fd_agrees: "bool | None" = None
    feeds: tuple = ()

    def as_dict(self):
        result = {
            "ok": self.ok, "expected": self.expected, "got": self.got, "abs_error": self.abs_error,
            "rel_error": self.rel_error, "tolerance": self.tolerance, "worst_point": self.point,
            "wrong_points": self.wrong_points, "problem": self.problem,
        }
        if self.finite_difference is not None:
            result["finite_difference"] = self.finite_difference
            result["fd_agrees"] = self.fd_agrees
        if self.feeds:
            result["feeds"] = list(self.feeds)
        return result


def reported_factors(derivation, observations):
    """The factors the user gave at least once, in the derivation's order."""
    seen = set()
    for obs in observations:
        seen.update(n for n in list(obs.got) + list(obs.invalid) if n in derivation.factors)
    return [name for name in derivation.factors if name in seen]


def judge(name, points, observations, rtol, fd=False, feeds=()):
    """The :class:`Verdict` for one quantity over every point."""
    worst = None
    wrong = 0
    invalid = []  # (point name, why)
    for point, obs in zip(points, observations):
        exact = point.expected(name)
        tol = tolerance(point, name, exact, rtol, obs.rounding.get(name, 0.0))
        if name in obs.got:
            got = obs.got[name]
            error = abs(got - exact)
            badness = error / tol
        else:
            got = error = None
            badness = float("inf")
            invalid.append((point.name, obs.invalid.get(name, "missing")))
        wrong += badness > 1
        if worst is None or badness > worst[0]:
            worst = (badness, point, exact, got, error, tol)
    badness, point, exact, got, error, tol = worst
    problem = None
    if invalid:
        why = invalid[0][1]
        if len(invalid) == len(points):
            problem = why
        else:
            shown = ", ".join(p for p, _ in invalid[:3]) + (", ..." if len(invalid) > 3 else "")
            problem = f"{why} at {shown}"
    rel = None if error is None else (error / abs(exact) if exact else (0.0 if error == 0 else None))
    verdict = Verdict(name, wrong == 0, exact, got, error, rel, tol, point.name, wrong, problem, feeds=tuple(feeds))
    if fd:
        verdict.finite_difference = point.finite_difference[name]
        verdict.fd_agrees = all(
            abs(p.finite_difference[name] - p.expected(name)) <= FD_RTOL * (abs(p.expected(name)) + p.partial_scale)
            + 1e-9
            for p in points
        )
    return verdict


def compare(model, points, observations, rtol):
    """Verdicts for every partial and every reported factor: ``(parameters, factors)``."""
    parameters = {p: judge(p, points, observations, rtol, fd=True) for p in model.params}
    factors = {
        f: judge(f, points, observations, rtol, feeds=model.feeds[f])
        for f in reported_factors(model.derivation, observations)
    }
    return parameters, factors
