"""Where a worked example is worked: a person of the article or numbers, and the parameters there.

Emily and Frank have no label in the article, which predicts them with its
trained network (Emily 0.951, female; Frank 0.039, male): ``--at emily`` takes
that prediction's label (y_true = 1; Frank 0), says so, and tells how to give
the other one (the numbers ``-7, -3, 0``).
"""

from dataclasses import dataclass

import nncore
from derivations.printing.problems import OptionError, check_numbers

#: ``at`` for --document without --at: Alice where she fits, else every input and target 1
DEFAULT_POINT = object()

#: the article labels neither Emily nor Frank; it predicts them with the trained network
ARTICLE_PREDICTIONS = {"emily": ("F", 0.951), "frank": ("M", 0.039)}
GENDERS = {"F": "female", "M": "male"}


@dataclass(frozen=True)
class Point:
    """Where the example is worked: inputs ``x``, targets ``y`` and what to say about them."""

    x: tuple
    y: tuple
    name: "str | None" = None
    about: str = ""
    predicted: "tuple | None" = None  # (gender, prediction) where the article gives no label


def point(at, derivation):
    """The :class:`Point` for ``at``: a person's name, ``(x1, ..., y_true)`` numbers, or a Point.

    >>> from derivations import derive
    >>> point("Alice", derive())
    Point(x=(-2.0, -1.0), y=(1.0,), name='Alice', about='133 lb and 65 in, female', predicted=None)
    >>> point("emily", derive()).y
    (1.0,)
    >>> point((0.5, 2, 0), derive()).x
    (0.5, 2.0)
    >>> point("zoe", derive())
    Traceback (most recent call last):
    ...
    derivations.printing.problems.OptionError: at: no person named 'zoe' (the article's are alice, bob, charlie, diana, emily, frank); or give the numbers x1, x2, y_true
    """
    d = derivation
    n_in, n_out = len(d.inputs), len(d.targets)
    names = [s.name for s in d.inputs + d.targets]
    if at is DEFAULT_POINT:
        if (n_in, n_out) == (2, 1):
            return point("alice", d)
        return Point((1.0,) * n_in, (1.0,) * n_out, None, "no point was given: every input and target is 1")
    if isinstance(at, Point):
        at = at.x + at.y
    if isinstance(at, str):
        return _person(at, n_in, n_out, names)
    numbers = check_numbers(at, n_in + n_out, "at", names)
    return Point(tuple(numbers[:n_in]), tuple(numbers[n_in:]))


def _person(name, n_in, n_out, names):
    if (n_in, n_out) != (2, 1):
        raise OptionError(
            "at", f"people such as {name!r} fit networks with 2 inputs and 1 output; "
            f"give {n_in + n_out} numbers instead ({', '.join(names)})"
        )
    try:
        person = nncore.person(name)
    except KeyError:
        known = ", ".join(p.name.lower() for p in nncore.PEOPLE + (nncore.EMILY, nncore.FRANK))
        raise OptionError(
            "at", f"no person named {name!r} (the article's are {known}); or give the numbers {', '.join(names)}"
        ) from None
    x = tuple(float(v) for v in person.x)
    about = f"{person.weight_lb} lb and {person.height_in} in"
    if person.gender is not None:
        return Point(x, (float(person.y_true),), person.name, f"{about}, {GENDERS[person.gender]}")
    gender, prediction = ARTICLE_PREDICTIONS[person.name.lower()]
    return Point(x, (float(nncore.data.LABELS[gender]),), person.name, about, (gender, prediction))


def parameter_values(derivation, weights=None, biases=None):
    """``{name: value}`` for every parameter; by default every weight 1 and every bias 0 (the article's)."""
    g = derivation.graph
    ws = [1.0] * len(g.weights) if weights is None else check_numbers(weights, len(g.weights), "weights",
                                                                      [w.name for w in g.weights])
    bs = [0.0] * len(g.biases) if biases is None else check_numbers(biases, len(g.biases), "biases",
                                                                    [b.name for b in g.biases])
    return dict(zip([p.name for p in g.params], ws + bs))
