"""The check itself: run the user's code at every point, compare, find hints, write notes.

See :mod:`derivations.check` for what it accepts.
"""

import difflib
import inspect
import math
import numbers
import re

from derivations.chain import derive
from derivations.check.compare import DEFAULT_RTOL, compare
from derivations.check.forms import UserCodeError
from derivations.check.hints import find_hints
from derivations.check.infer import network_for
from derivations.check.kinds import KINDS, detect_kind, make_form
from derivations.check.layout import ORIENTATIONS
from derivations.check.loading import CheckError, captured, load_target
from derivations.check.model import chain_model
from derivations.check.naming import join
from derivations.check.points import REDUCTIONS, make_batches, make_points
from derivations.check.rates import stated_rate
from derivations.check.report import CheckReport
from derivations.errors import Argument, Message
from derivations.network import ARTICLE, Network

MAX_POINTS = 1000


def check(obj, kind="auto", *, network=None, points=5, seed=0, learn_rate=None, rtol=DEFAULT_RTOL, names=None,
          batch=None, reduction="mean", weights_as=None, phase=None):
    """Check a hand-written backprop; return a :class:`CheckReport`.

    ``obj`` is a gradient function, a step function, an article-style class
    (or instance), or a string ``"path.py:NAME"`` naming one (loading the file
    runs it).  ``kind`` forces the form (``"gradient"``, ``"step"``,
    ``"class"``); ``network`` is the :class:`Network` the code is for
    (default: the article's, or for a class the one its parameters imply);
    ``points`` random points are checked besides Alice's, drawn with
    ``seed``; ``learn_rate`` is the step's (default: the rate the code
    states, else 0.1); ``rtol`` is the relative tolerance.  ``names`` maps
    the article's names to the code's (``{"w1": "w_in1_h1"}``); ``batch``
    says a function takes a batch ``(params, X, Y)`` (default: from its
    argument names); ``reduction`` is how a batch's loss combines the
    samples, "mean" or "sum".

    ``phase``, if given, is called with "loading" and "checking" as the check
    goes (:func:`check_isolated` passes it to say what a time-out interrupted).

    Raises :class:`CheckError` when the check cannot run (a bad argument, no
    such file or name, a wrong signature).  The user's own exceptions, wrong
    keys or types and NaN are not raised: the report describes them.
    """
    _validate(kind, network, points, seed, learn_rate, rtol)
    _validate_names(names, reduction, weights_as=weights_as)
    loaded = None
    phase = phase or (lambda name: None)
    if isinstance(obj, str):
        phase("loading")
        loaded = load_target(obj)
        obj = loaded.obj
    phase("checking")
    chosen = network if network is not None else ARTICLE
    inferred = None
    if kind == "class" or (kind == "auto" and detect_kind(obj) == "class"):
        instance = _instance(obj)
        if instance is not None:
            chosen, inferred = network_for(instance, chosen, network is not None, names)
    derivation = derive(chosen)
    _validate_names(names, reduction, derivation)
    stated = None
    given = learn_rate is not None
    if learn_rate is None:
        stated = stated_rate(obj) if kind != "gradient" else None
        learn_rate = stated.value if stated else DEFAULT_LEARN_RATE
    rate = abs(float(learn_rate))
    form = make_form(obj, derivation, kind, rate, names, batch)
    form.stated_rate, form.given_rate = stated, given
    if form.kind == "class" or form.batch:
        where = make_batches(derivation, int(points), int(seed), reduction)
    else:
        where = make_points(derivation, int(points), int(seed))
    model = chain_model(derivation)
    layout_problem = None
    if hasattr(form, "choose_layout"):
        try:
            # a random point: at Alice's every weight is 1, and W1 reads the same both ways
            form.choose_layout(where[-1], weights_as)
        except UserCodeError as error:
            layout_problem = error.problem
    layout = getattr(form, "layout", None)
    report = CheckReport(
        target=loaded.label if loaded else _label(obj), kind=form.kind,
        form=form.description + (f"; {_as_attributes(layout.description, form.kind)}" if layout is not None else ""),
        derivation=derivation, model=model, points=where, learn_rate=rate, rtol=float(rtol),
        seed=int(seed),
    )
    report.entries = dict(layout.entry) if layout is not None else {}
    observations = []
    try:
        if layout_problem is not None:
            raise UserCodeError(layout_problem)
        for point in where:
            observations.append(form.observe(point))
    except UserCodeError as error:
        report.problem = error.problem
    else:
        where = report.points = [obs.point or point for obs, point in zip(observations, where)]
    negative = stated is not None and stated.value < 0
    if report.problem is None:
        report.parameters, report.factors = compare(model, where, observations, rtol)
        report.hints = find_hints(model, where, observations, report.parameters, report.factors, form, rtol,
                                  article=derivation.network.is_article, negative_rate=negative)
    report.notes = ([inferred] if inferred else []) + _notes(loaded, form, observations, report)
    return report


DEFAULT_LEARN_RATE = 0.1


def _as_attributes(description, kind):
    return description.replace("parameters as a dict of arrays", "parameters as array attributes") \
        if kind == "class" else description


def _instance(obj):
    """An instance to read a class's parameters from (None when making one fails: the form says why later)."""
    if not inspect.isclass(obj):
        return obj
    try:
        with captured():
            return obj()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # the user's __init__: its failure is reported when the check runs it
        return None


def _validate_names(names, reduction, derivation=None, weights_as=None):
    if weights_as not in (None, *ORIENTATIONS):
        raise CheckError(f"weights_as must be 'rows' or 'columns', got {weights_as!r}", argument="weights_as")
    if reduction not in REDUCTIONS:
        raise CheckError(f"reduction must be one of {', '.join(REDUCTIONS)}, got {reduction!r}", argument="reduction")
    if names is None:
        return
    if not isinstance(names, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
        raise CheckError("names must be a dict from the article's names to yours, e.g. {'w1': 'w_in1_h1'}",
                         argument="names")
    if derivation is not None:
        known = [p.name for p in derivation.params]
        unknown = [k for k in names if k not in known]
        if unknown:
            raise CheckError(f"names maps {', '.join(unknown)}, not parameters of the {derivation.network.spec} "
                             f"network ({known[0]}..{known[-1]})", argument="names")


def _validate(kind, network, points, seed, learn_rate, rtol):
    if kind not in KINDS:
        raise CheckError(f"unknown kind {kind!r} (choose from: {', '.join(KINDS)})")
    if network is not None and not isinstance(network, Network):
        raise CheckError(f"network must be a derivations.Network, got {type(network).__name__}")
    if isinstance(points, bool) or not isinstance(points, numbers.Integral) or not 0 <= points <= MAX_POINTS:
        raise CheckError(f"points must be a whole number from 0 to {MAX_POINTS}, got {points!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise CheckError(f"seed must be a whole number of at least 0, got {seed!r}")
    for name, value, low, high in (("learn_rate", 0.1 if learn_rate is None else learn_rate, 0, math.inf),
                                   ("rtol", rtol, 0, 1)):
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
    notes += getattr(form, "layout_notes", [])
    notes += _rate_notes(form, report)
    if form.kind == "class":
        updated = any(v.problem is None for v in report.parameters.values())
        if updated:
            per = "a batch: the step is the mean gradient of the samples it used" if form.batch else \
                "its first sample"
            notes.append(f"train() was stopped when its first step was over ({form.how}); it updated on {per}, "
                         "and every write of that step counts.")
    disagree = [p for p, v in report.parameters.items() if v.fd_agrees is False]
    if disagree:
        notes.append(f"Finite differences of the loss disagree with the exact partials of {join(disagree)} at some "
                     "point: the loss has a kink there (relu?) or is steep; the exact value is what counts.")
    return notes


def _rate_notes(form, report):
    """Which learning rate the step was read with, and where it came from."""
    if form.kind == "gradient":
        return []
    stated = getattr(form, "stated_rate", None)
    if stated is not None and stated.value < 0:
        return [Message(f"Your code's learning rate is {stated.value:g} ({stated.where}): a negative rate climbs "
                        f"the loss, as w -= learn_rate·∂L/∂w then adds the gradient. Use {-stated.value:g}; the "
                        f"check read your step with {-stated.value:g}.")]
    if stated is not None:
        source = f"read from your code ({stated.where}); "
        return [Message(f"The gradient is read off your step as (old - new) / learn_rate with learn_rate = "
                        f"{form.learn_rate:g}, {source}", Argument("learn_rate"), " overrides it.")]
    if getattr(form, "given_rate", False):
        in_code = stated_rate(form.obj)
        differs = f"; your code states {in_code.where}" if in_code and in_code.value != form.learn_rate else ""
        return [f"The gradient is read off your step as (old - new) / learn_rate with the learn_rate you gave, "
                f"{form.learn_rate:g}{differs}."]
    return [Message(f"The gradient is read off your step as (old - new) / learn_rate with learn_rate = "
                    f"{form.learn_rate:g} (the article's; your code states none: set ", Argument("learn_rate"),
                    " if it uses another).")]


def _with_suggestions(extra, known):
    shown = []
    for key in extra[:10]:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        shown.append(f"{key} (did you mean {close[0]}?)" if close else key)
    if len(extra) > 10:
        shown.append(f"and {len(extra) - 10} more")
    return ", ".join(shown)
