"""What is wrong with a printing option, and the checks that say so.

>>> check_numbers([1, 2], 3, "weights", ["w1", "w2", "w3"])
Traceback (most recent call last):
...
derivations.printing.problems.OptionError: weights: expected 3 numbers (w1, w2, w3), got 2
"""

import difflib
import math
import numbers

from derivations.errors import NnderiveError


class OptionError(NnderiveError):
    """A printing option that cannot be used; ``option`` names it, the message says why."""

    def __init__(self, option, *parts):
        super().__init__(*parts, argument=option)
        self.option = option

    def __str__(self):
        return f"{self.option}: {self.message}"


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
