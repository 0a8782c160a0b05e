"""Our notation, as tables: how names, functions, numbers and rules are written.

Everything a printer needs to know about *spelling* lives here, so the
printers (:mod:`derivations.printing.printers`) only decide structure.

Names follow the article: ``w1`` is w₁ in text and ``w_1`` in LaTeX,
``y_pred`` stays y_pred in text and becomes ``y_{\\text{pred}}`` in LaTeX.

>>> text_name("w16"), latex_name("w16")
('w₁₆', 'w_{16}')
>>> text_name("y_pred"), latex_name("y_pred"), latex_name("sum_h1")
('y_pred', 'y_{\\\\text{pred}}', '\\\\mathrm{sum}_{h_1}')
>>> format_number(0.5236951, 3), format_number(-3.0, 3), format_number(1.349e-5, 3)
('0.524', '-3', '1.35e-05')
>>> rounded(0.5236951, 3)
0.524
"""

import math
from decimal import ROUND_HALF_UP, Decimal

from derivations.naming import latex_name, superscript, text_name
from derivations.rules import ACTIVATIONS, Spelling

__all__ = ["latex_name", "superscript", "text_name", "format_number", "rounded", "latex_number",
           "ARTICLE_SIGMOID", "Notation"]


def format_number(value, digits):
    """``value`` rounded to ``digits`` significant digits as a person does (0.0474, 1.35e-05).

    The rounding is half-up on the decimal digits shown (2.985 -> 2.99, though the
    float nearest 2.985 is a little below it), and every significant digit is
    written, trailing zeros included (0.000290, 0.500), except for a whole number
    that fits (-3, 100).  ``digits=None`` writes every digit a float holds (the
    shortest text that reads back exactly).

    >>> format_number(2.985, 3), format_number(0.00029, 3), format_number(-3.0, 3), format_number(0.5, 3)
    ('2.99', '0.000290', '-3', '0.500')
    >>> format_number(9.9996, 4), format_number(123456.0, 3), format_number(-1.2345e-7, 4)
    ('10.00', '1.23e+05', '-1.235e-07')
    >>> format_number(0.02146953526581111, None), format_number(1.0, None)
    ('0.02146953526581111', '1')
    """
    if digits is None or not math.isfinite(value) or value == 0:
        text = repr(float(value))
        text = text[:-2] if text.endswith(".0") else text
        return "0" if text in ("-0", "0") else text
    exact = Decimal(repr(float(value)))
    shown = exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), rounding=ROUND_HALF_UP)
    if shown.adjusted() != exact.adjusted():  # 9.9996 -> 10.000: one digit too many now
        shown = shown.quantize(Decimal(1).scaleb(shown.adjusted() - digits + 1), rounding=ROUND_HALF_UP)
    if shown == exact and exact == exact.to_integral_value():  # a whole number: -3, not -3.00
        shown = exact.normalize()
    exponent = shown.adjusted()
    if -4 <= exponent < digits:  # where %g writes a plain decimal
        return f"{shown:f}"
    mantissa = f"{shown.scaleb(-exponent):f}"
    return f"{mantissa}e{exponent:+03d}"


def rounded(value, digits):
    """The number :func:`format_number` shows: what a person carries to the next step."""
    return float(format_number(value, digits))


def latex_number(text):
    """A number written by :func:`format_number`, as LaTeX: 1.35e-05 -> 1.35 \\cdot 10^{-5}.

    >>> latex_number("1.35e-05"), latex_number("-2")
    ('1.35 \\\\cdot 10^{-5}', '-2')
    """
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return mantissa
    return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"


#: the article's own name for the sigmoid, used when every layer is a sigmoid
ARTICLE_SIGMOID = Spelling(
    "f", "f", "the sigmoid", ACTIVATIONS["sigmoid"].spelling.text_rules, ACTIVATIONS["sigmoid"].spelling.latex_rules
)


class Notation:
    """The names one network's derivation is written with.

    With an all-sigmoid network the sigmoid is the article's f; otherwise
    every function is called by its name (σ, tanh, ReLU, softplus).

    >>> from derivations.network import Network, article_network
    >>> Notation(article_network()).function("sigmoid").text
    'f'
    >>> Notation(Network((2, 3, 1), "tanh", "sigmoid")).function("sigmoid").text
    'σ'
    """

    def __init__(self, network):
        self.network = network
        # the article calls its sigmoid f; f stays unambiguous while no other activation is used
        self.article = network.one_activation == "sigmoid"

    def function(self, activation):
        """The :class:`~derivations.rules.Spelling` of an activation name ("sigmoid", "tanh", ...)."""
        if activation == "sigmoid" and self.article:
            return ARTICLE_SIGMOID
        return ACTIVATIONS[activation].spelling

    @property
    def used(self):
        """The activations the network uses, in order of first use, without the identity."""
        seen = []
        for name in self.network.activations:
            if ACTIVATIONS[name].spelling is not None and name not in seen:
                seen.append(name)
        return seen
