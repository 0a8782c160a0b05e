"""The article's data set: four people to learn from, two to predict.

The article shifts weight by 135 lb and height by 66 in (numbers it picked
arbitrarily) so the inputs sit near zero, and labels Female 1, Male 0.

>>> [p.name for p in PEOPLE]
['Alice', 'Bob', 'Charlie', 'Diana']
>>> DATA.tolist(), ALL_Y_TRUES.tolist()
([[-2, -1], [25, 6], [17, 4], [-15, -6]], [1, 0, 0, 1])
>>> EMILY.x.tolist(), FRANK.x.tolist()
([-7, -3], [20, 2])
"""

from dataclasses import dataclass

import numpy as np

WEIGHT_SHIFT_LB = 135
HEIGHT_SHIFT_IN = 66
LABELS = {"F": 1, "M": 0}


def shift(weight_lb, height_in):
    """The article's inputs [x1, x2] for a raw weight (lb) and height (in).

    >>> shift(133, 65).tolist()   # Alice
    [-2, -1]
    """
    return np.array([weight_lb - WEIGHT_SHIFT_LB, height_in - HEIGHT_SHIFT_IN])


def gender_of(y_pred):
    """'F' for a prediction above 0.5, else 'M' (the article's reading).

    >>> gender_of(0.951), gender_of(0.039)
    ('F', 'M')
    """
    return "F" if y_pred > 0.5 else "M"


@dataclass(frozen=True)
class Person:
    """One row of the article's table; ``gender`` is None for the people to predict."""

    name: str
    weight_lb: int
    height_in: int
    gender: "str | None" = None

    @property
    def x(self):
        """The shifted inputs [x1, x2] = [weight - 135, height - 66]."""
        return shift(self.weight_lb, self.height_in)

    @property
    def y_true(self):
        """The label: 1 for F, 0 for M."""
        if self.gender is None:
            raise ValueError(f"{self.name} has no label: the article predicts it")
        return LABELS[self.gender]


PEOPLE = (
    Person("Alice", 133, 65, "F"),
    Person("Bob", 160, 72, "M"),
    Person("Charlie", 152, 70, "M"),
    Person("Diana", 120, 60, "F"),
)
EMILY = Person("Emily", 128, 63)
FRANK = Person("Frank", 155, 68)

DATA = np.array([p.x for p in PEOPLE])
ALL_Y_TRUES = np.array([p.y_true for p in PEOPLE])


def person(name):
    """Look a person up by name, case-insensitively.

    >>> person("alice").x.tolist(), person("Alice").y_true
    ([-2, -1], 1)
    """
    for p in PEOPLE + (EMILY, FRANK):
        if p.name.lower() == name.lower():
            return p
    known = ", ".join(p.name.lower() for p in PEOPLE + (EMILY, FRANK))
    raise KeyError(f"no person named {name!r} (known: {known})")
