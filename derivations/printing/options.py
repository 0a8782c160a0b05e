"""The options every printer takes, checked once (for the Python API and the command line).

``to_text(d, params=["w1"], at="alice", weights=[1] * 6, biases=[0] * 3, digits=3)``:

* ``params``: names of the parameters to show (default: all, in order);
* ``at``: a worked example at a person of the article (``"alice"``) or at
  numbers ``(x1, x2, ..., y_true)``;
* ``weights``, ``biases``: the parameters' values there (default: every weight
  1, every bias 0, the article's choice);
* ``digits``: significant digits of each worked step (default 3, as the article);
* ``compact``: the factors once, one chain per parameter and one partial
  written out (``True``); or every parameter's section in full (``False``);
  the default ``None`` is compact when several parameters are shown, where
  the full form would repeat the same factors for each;
* ``document``: a complete LaTeX document (``to_latex`` only), with
  ``title`` and ``author`` (default: no author).

A bad option raises :class:`OptionError`, whose message names the option.

>>> from derivations import derive
>>> resolve(derive(), params=["w1", "b3"]).params
('w1', 'b3')
>>> resolve(derive()).compact, resolve(derive(), params=["w1"]).compact
(True, False)
>>> resolve(derive(), params=["w7"])
Traceback (most recent call last):
...
derivations.printing.options.OptionError: params: unknown parameter 'w7' (this network has w1, w2, w3, w4, w5, w6, b1, b2, b3)
>>> resolve(derive(), digits=0)
Traceback (most recent call last):
...
derivations.printing.options.OptionError: digits: give a whole number of significant digits from 1 to 17, not 0
"""

import difflib
import math
import numbers
from dataclasses import dataclass

DEFAULT_DIGITS = 3
MAX_DIGITS = 17


class OptionError(ValueError):
    """A printing option that cannot be used; ``option`` names it, the message says why."""

    def __init__(self, option, message):
        self.option = option
        self.message = message
        super().__init__(f"{option}: {message}")


@dataclass(frozen=True)
class Options:
    """Checked options: parameter names, the worked example's point and values, digits."""

    params: tuple
    point: object  # a worked.Point, or None for no worked example
    values: dict  # parameter name -> number
    digits: int
    document: bool = False
    compact: bool = False
    title: "str | None" = None
    author: "str | None" = None


def resolve(derivation, *, params=None, at=None, weights=None, biases=None, digits=DEFAULT_DIGITS, document=False,
            compact=None, title=None, author=None):
    """Check every option against ``derivation``'s network; return :class:`Options`."""
    from derivations.printing.points import DEFAULT_POINT, parameter_values, point

    names = check_params(derivation, params)
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) or not 1 <= digits <= MAX_DIGITS:
        raise OptionError("digits", f"give a whole number of significant digits from 1 to {MAX_DIGITS}, not {digits!r}")
    if at is None and document:
        at = DEFAULT_POINT
    where = None if at is None else point(at, derivation)
    values = parameter_values(derivation, weights, biases)
    if compact not in (None, True, False):
        raise OptionError("compact", f"give True, False or None (compact when several parameters), not {compact!r}")
    for option, value in (("title", title), ("author", author)):
        if value is not None and not isinstance(value, str):
            raise OptionError(option, f"give a string, not {value!r}")
        if value is not None and not document:
            raise OptionError(option, "a title and an author belong to a document: give document=True (--document)")
    compact = len(names) > 1 if compact is None else compact
    return Options(names, where, values, int(digits), bool(document), compact, title, author)


def check_params(derivation, params):
    """The parameter names asked for, in the order asked, each once; all of them for ``None``."""
    known = list(derivation.partials)
    if params is None:
        return tuple(known)
    if isinstance(params, str):
        params = [params]
    chosen = []
    for p in params:
        name = getattr(p, "name", p)
        if name not in derivation.partials:
            raise OptionError("params", f"unknown parameter {name!r}{did_you_mean(name, known)} "
                                        f"(this network has {list_names(known)})")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise OptionError("params", "no parameter given")
    return tuple(chosen)


def did_you_mean(name, known):
    """"; did you mean 'w1'?" for the known name closest to ``name``, or nothing.

    >>> did_you_mean("W1", ["w1", "w2", "b1"]), did_you_mean("zzz", ["w1"])
    ("; did you mean 'w1'?", '')
    """
    if not isinstance(name, str):
        return ""
    lowered = {k.lower(): k for k in known}
    if name.lower() in lowered:
        return f"; did you mean {lowered[name.lower()]!r}?"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def list_names(names):
    """w1, w2, b1 — or w1 to w18, b1 to b7 when there are many.

    >>> list_names(["w1", "w2", "w3", "b1"])
    'w1, w2, w3, b1'
    >>> list_names([f"w{i}" for i in range(1, 19)] + [f"b{i}" for i in range(1, 8)])
    'w1 to w18, b1 to b7'
    """
    if len(names) <= 12:
        return ", ".join(names)
    groups = {}
    for name in names:
        groups.setdefault(name.rstrip("0123456789"), []).append(name)
    return ", ".join(f"{g[0]} to {g[-1]}" if len(g) > 1 else g[0] for g in groups.values())


def check_numbers(values, count, option, names):
    """``count`` finite real numbers as floats; anything else is an :class:`OptionError`."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise OptionError(option, f"give {count} numbers ({list_names(names)}), not {values!r}")
    if len(values) != count:
        raise OptionError(option, f"expected {count} numbers ({list_names(names)}), got {len(values)}")
    checked = []
    for name, value in zip(names, values):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise OptionError(option, f"{name} must be a number, not {value!r}")
        if not math.isfinite(value):
            raise OptionError(option, f"{name} must be a finite number, not {value!r}")
        checked.append(float(value))
    return checked
