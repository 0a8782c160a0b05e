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
derivations.printing.problems.OptionError: params: unknown parameter 'w7' (this network has w1, w2, w3, w4, w5, w6, b1, b2, b3)
>>> resolve(derive(), digits=0)
Traceback (most recent call last):
...
derivations.printing.problems.OptionError: digits: give a whole number of significant digits from 1 to 17, not 0
"""

import numbers
from dataclasses import dataclass

from derivations.printing.points import DEFAULT_POINT, parameter_values, point
from derivations.printing.problems import OptionError, check_numbers, did_you_mean, list_names

__all__ = ["DEFAULT_DIGITS", "MAX_DIGITS", "VIEWS", "OptionError", "Options", "check_numbers", "check_params", "did_you_mean",
           "default_view", "list_names", "resolve"]

DEFAULT_DIGITS = 3
MAX_DIGITS = 17


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
    view: str = "scalar"


#: the views a derivation prints in: the article's scalar chain, the layer view, or both
VIEWS = ("scalar", "layers", "both")
#: past this many neurons in a layer, the default view is the layer view (full sums per parameter get long)
LAYERS_PAST = 3


def default_view(derivation, params=None, document=False):
    """``"both"`` for a document; the layer view for a wide network unless parameters are asked for; else scalar.

    >>> from derivations import Network, derive
    >>> default_view(derive()), default_view(derive(), document=True), default_view(derive(Network((2, 4, 1))))
    ('scalar', 'both', 'layers')
    """
    if document:
        return "both"
    if params is None and max(derivation.network.layers[1:]) > LAYERS_PAST:
        return "layers"
    return "scalar"


def resolve(derivation, *, params=None, at=None, weights=None, biases=None, digits=DEFAULT_DIGITS, document=False,
            compact=None, title=None, author=None, view=None):
    """Check every option against ``derivation``'s network; return :class:`Options`."""
    if view is None:
        view = default_view(derivation, params, document)
    if view not in VIEWS:
        raise OptionError("view", f"choose {', '.join(repr(v) for v in VIEWS)}, not {view!r}")
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
    return Options(names, where, values, int(digits), bool(document), compact, title, author, view)


def check_params(derivation, params):
    """The parameter names asked for, in the order asked, each once; all of them for ``None``."""
    known = list(derivation.network.param_names)  # the names alone: no need to build the scalar chain
    if params is None:
        return tuple(known)
    if isinstance(params, str):
        params = [params]
    chosen = []
    for p in params:
        name = getattr(p, "name", p)
        if name not in known:
            raise OptionError("params", f"unknown parameter {name!r}{did_you_mean(name, known)} "
                                        f"(this network has {list_names(known)})")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise OptionError("params", "no parameter given")
    return tuple(chosen)
