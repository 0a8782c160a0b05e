"""The check itself: run the user's code at every point, compare, find hints, write notes.

See :mod:`derivations.check` for what it accepts.
"""

import difflib
import math
import numbers
import re

from derivations.chain import derive
from derivations.check.article import ARTICLE_TARGETS, article_backprop, article_step
from derivations.check.compare import DEFAULT_RTOL, compare
from derivations.check.forms import UserCodeError
from derivations.check.kinds import KINDS, make_form
from derivations.check.hints import find_hints
from derivations.check.loading import CheckError, UserProblem, load_target
from derivations.check.model import chain_model
from derivations.check.naming import join
from derivations.check.points import make_points
from derivations.check.report import CheckReport
from derivations.errors import Argument, Message
from derivations.network import Network

MAX_POINTS = 1000


def check(obj, kind="auto", *, network=None, points=5, seed=0, learn_rate=0.1, rtol=DEFAULT_RTOL, phase=None):
    """Check a hand-written backprop; return a :class:`CheckReport`.

    ``obj`` is a gradient function, a step function, an article-style class
    (or instance), or a string ``"path.py:NAME"`` naming one (loading the file
    runs it).  ``kind`` forces the form (``"gradient"``, ``"step"``,
    ``"class"``); ``network`` is the :class:`Network` the code is for
    (default: the article's); ``points`` random points are checked besides
    Alice's, drawn with ``seed``; ``learn_rate`` is the step's (the class
    form's train() hard-codes its own: say what it is); ``rtol`` is the
    relative tolerance.

    ``phase``, if given, is called with "loading" and "checking" as the check
    goes (:func:`check_isolated` passes it to say what a time-out interrupted).

    Raises :class:`CheckError` when the check cannot run (a bad argument, no
    such file or name, a wrong signature).  The user's own exceptions, wrong
    keys or types and NaN are not raised: the report describes them.
    """
    _validate(kind, network, points, seed, learn_rate, rtol)
    derivation = derive(network)
    loaded = None
    phase = phase or (lambda name: None)
    if isinstance(obj, str):
        phase("loading")
        loaded = load_target(obj)
        obj = loaded.obj
    phase("checking")
    form = make_form(obj, derivation, kind, float(learn_rate))
    where = make_points(derivation, int(points), int(seed))
    model = chain_model(derivation)
    report = CheckReport(
        target=loaded.label if loaded else _label(obj), kind=form.kind, form=form.description,
        derivation=derivation, model=model, points=where, learn_rate=float(learn_rate), rtol=float(rtol),
        seed=int(seed),
    )
    observations = []
    try:
        for point in where:
            observations.append(form.observe(point))
    except UserCodeError as error:
        report.problem = error.problem
    if report.problem is None:
        report.parameters, report.factors = compare(model, where, observations, rtol)
        report.hints = find_hints(model, where, observations, report.parameters, report.factors, form, rtol,
                                  article=derivation.network.is_article)
    report.notes = _notes(loaded, form, observations, report)
    return report


def _validate(kind, network, points, seed, learn_rate, rtol):
    if kind not in KINDS:
        raise CheckError(f"unknown kind {kind!r} (choose from: {', '.join(KINDS)})")
    if network is not None and not isinstance(network, Network):
        raise CheckError(f"network must be a derivations.Network, got {type(network).__name__}")
    if isinstance(points, bool) or not isinstance(points, numbers.Integral) or not 0 <= points <= MAX_POINTS:
        raise CheckError(f"points must be a whole number from 0 to {MAX_POINTS}, got {points!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise CheckError(f"seed must be a whole number of at least 0, got {seed!r}")
    for name, value, low, high in (("learn_rate", learn_rate, 0, math.inf), ("rtol", rtol, 0, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
                or not low < value < high:
            bound = "a positive number" if high == math.inf else f"a number between {low} and {high}"
            raise CheckError(f"{name} must be {bound}, got {value!r}")


def _label(obj):
    module = getattr(obj, "__module__", None) or type(obj).__module__
    name = getattr(obj, "__qualname__", None) or f"a {type(obj).__name__} instance"
    return f"{module}.{name}" if module and module != "__main__" else name


def _notes(loaded, form, observations, report):
    notes = []
    if loaded is not None and loaded.capture.printed_lines:
        n = loaded.capture.printed_lines
        notes.append(f"Loading {loaded.path} ran its module-level code, which printed {n} line{'s' * (n != 1)} "
                     "(not shown).")
    if form.capture.printed_lines:
        n = form.capture.printed_lines
        notes.append(f"Your code printed {n} line{'s' * (n != 1)} while being checked (not shown).")
    seen = []
    for w in (loaded.capture.warnings if loaded else []) + form.capture.warnings:
        text = f"{w.category.__name__}: {w.message}"
        if text not in seen:
            seen.append(text)
    for text in seen[:3]:
        notes.append(f"Your code warned: {text}.")
    extra = sorted({k for obs in observations for k in obs.extra})
    if extra:
        known = list(report.parameters) + list(report.derivation.factors)
        notes.append(f"Ignored keys the checker does not know: {_with_suggestions(extra, known)}.")
    if report.problem is not None:
        missing = re.fullmatch(r"KeyError: '([wb]\d+)'", report.problem.message)
        if missing and missing.group(1) not in {p.name for p in report.derivation.params}:
            notes.append(Message(f"params has no {missing.group(1)} in a {report.derivation.network.spec} network: "
                                 "is the network right (", Argument("network"), ")?"))
        return notes
    if form.kind == "step":
        notes.append("The gradient is read off your step as (old - new) / learn_rate, "
                     f"learn_rate = {form.learn_rate:g} "
                     "(allowing for the rounding of the subtraction).")
    if form.kind == "class":
        notes.append(Message(f"train() ran on one sample and was stopped after its first update of each parameter; "
                             f"the gradient is (old - new) / learn_rate with learn_rate = {form.learn_rate:g} "
                             "(set ", Argument("learn_rate"), " if your train() uses another)."))
    disagree = [p for p, v in report.parameters.items() if v.fd_agrees is False]
    if disagree:
        notes.append(f"Finite differences of the loss disagree with the exact partials of {join(disagree)} at some "
                     "point: the loss has a kink there (relu?) or is steep; the exact value is what counts.")
    return notes


def _with_suggestions(extra, known):
    shown = []
    for key in extra[:10]:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        shown.append(f"{key} (did you mean {close[0]}?)" if close else key)
    if len(extra) > 10:
        shown.append(f"and {len(extra) - 10} more")
    return ", ".join(shown)
