"""The document model: what a derivation shows, before it is written in any format.

:mod:`derivations.printing.layout` and :mod:`derivations.printing.worked`
build a list of blocks once; :mod:`derivations.printing.render` writes the
same list as text, LaTeX or Markdown.  Prose is plain ASCII strings; maths is
a SymPy expression (:class:`Math`) that each format's printer writes itself,
or a rule already spelled for each format (:class:`Formula`).
"""

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class Math:
    """A SymPy expression; with ``values`` its symbols print as those numbers.

    ``exact`` prints numbers with every digit instead of the worked example's
    rounding.
    """

    expr: object
    values: "dict | None" = None
    exact: bool = False


@dataclass(frozen=True)
class Formula:
    """Maths spelled by hand for each format (rules such as f'(x) = f(x)(1 - f(x)))."""

    text: str
    latex: str


@dataclass(frozen=True)
class Heading:
    """A title (level 1), section (2) or subsection (3); ``parts`` are prose and maths."""

    level: int
    parts: tuple


@dataclass(frozen=True)
class Paragraph:
    """Prose with inline maths."""

    parts: tuple


@dataclass(frozen=True)
class Row:
    """One displayed equation ``sides[0] = sides[1] = ...``.

    ``breaks`` puts each factor (or term) of the last side on a line of its
    own; ``note`` is a short remark after the equation.
    """

    sides: tuple
    breaks: bool = False
    note: tuple = ()


@dataclass(frozen=True)
class Display:
    """Displayed equations, aligned on their first ``=`` (LaTeX ``align*``)."""

    rows: tuple


def row(*sides, breaks=False, note=()):
    """A :class:`Row` from expressions or :class:`Math` sides."""
    return Row(tuple(s if isinstance(s, Math) else Math(s) for s in sides), breaks, tuple(note))
