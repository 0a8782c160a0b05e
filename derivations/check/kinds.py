"""Telling the forms apart: a gradient function, a step function, or the article's class.

>>> detect_kind(lambda params, x, y_true: {})
'gradient'
"""

import inspect

from derivations.check.forms import GradientForm, StepForm, name_of, with_article
from derivations.check.loading import CheckError
from derivations.check.rates import LEARN_RATE_NAMES as RATE_NAMES
from derivations.check.training import ClassForm
from derivations.errors import Argument

KINDS = ("auto", "gradient", "step", "class")
#: a 4th argument by one of these names makes a function a step function
LEARN_RATE_NAMES = set(RATE_NAMES)
#: a 2nd argument by one of these names makes a function take a batch of samples (one per row)
BATCH_NAMES = {"X", "xs", "x_batch", "batch", "inputs", "data", "samples", "X_batch", "features"}


def detect_kind(obj):
    """``"gradient"``, ``"step"`` or ``"class"`` from what ``obj`` is and how it is called.

    >>> detect_kind(lambda params, x, y_true: {})
    'gradient'
    >>> detect_kind(lambda params, x, y_true, learn_rate=0.1: {})
    'step'
    >>> detect_kind(lambda params, x: {})
    Traceback (most recent call last):
    ...
    derivations.check.loading.CheckError: <lambda>(params, x) has the wrong signature: expected a gradient
    function f(params, x, y_true), a step function f(params, x, y_true, learn_rate), or an article-style class
    """
    if inspect.isclass(obj):
        return "class"
    if not callable(obj):
        if callable(getattr(obj, "train", None)):
            return "class"
        raise CheckError(f"{with_article(obj)} is neither a function nor a class with train(); nothing to check")
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        raise CheckError(f"cannot read the signature of {name_of(obj)}; pass ", Argument("kind", "gradient"), " or ",
                         Argument("kind", "step"), argument="kind") from None
    parameters = list(signature.parameters.values())
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        raise CheckError(f"{name_of(obj)}(*args) could be a gradient or a step function; pass ",
                         Argument("kind", "gradient"), " or ", Argument("kind", "step"), argument="kind")
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    if len(required) == 4 or (len(positional) >= 4 and positional[3].name.lower() in LEARN_RATE_NAMES
                              and len(required) <= 4):
        return "step"
    if len(required) <= 3 <= len(positional):
        return "gradient"
    shown = ", ".join(p.name for p in positional)
    raise CheckError(
        f"{name_of(obj)}({shown}) has the wrong signature: expected a gradient function f(params, x, y_true), "
        "a step function f(params, x, y_true, learn_rate), or an article-style class"
    )


def takes_batch(obj):
    """True when a function's 2nd argument is named as a batch: ``X``, ``xs``, ``batch``, ...

    >>> takes_batch(lambda params, X, Y: {}), takes_batch(lambda params, x, y_true: {})
    (True, False)
    """
    try:
        parameters = list(inspect.signature(obj).parameters)
    except (TypeError, ValueError):
        return False
    return len(parameters) >= 2 and parameters[1] in BATCH_NAMES


FORMS = {"gradient": GradientForm, "step": StepForm, "class": ClassForm}
#: the arguments each function form is called with, for checking a forced --kind
_ARITY = {"gradient": 3, "step": 4}


def make_form(obj, derivation, kind, learn_rate, names=None, batch=None):
    """The :class:`Form` for ``obj`` (``kind`` "auto" detects it); a misfit is a :class:`CheckError`."""
    if kind not in KINDS:
        raise CheckError(f"unknown kind {kind!r} (choose from: {', '.join(KINDS)})", argument="kind")
    if kind == "auto":
        kind = detect_kind(obj)
    elif kind in _ARITY:
        if inspect.isclass(obj) or not callable(obj):
            raise CheckError(Argument("kind", kind), f" needs a function, and {name_of(obj)} is {with_article(obj)}",
                             argument="kind")
        try:
            inspect.signature(obj).bind(*range(_ARITY[kind]))
        except TypeError:
            args = "params, x, y_true" + (", learn_rate" if kind == "step" else "")
            raise CheckError(f"{name_of(obj)} cannot be called as a {kind} function f({args})") from None
        except ValueError:
            pass
    elif kind == "class" and callable(obj) and not inspect.isclass(obj):
        raise CheckError(Argument("kind", "class"), f" needs a class (or an instance of one), and {name_of(obj)} "
                         "is a function", argument="kind")
    if kind == "class":
        return ClassForm(obj, derivation, learn_rate, names=names)
    batch = takes_batch(obj) if batch is None else bool(batch)
    return FORMS[kind](obj, derivation, learn_rate, names=names, batch=batch)
