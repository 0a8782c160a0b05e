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
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

#: symbol names -> LaTeX, tried in order; the first pattern that matches the whole name wins
_LATEX_NAMES = (
    # words as subscripts are upright: y_{\text{pred}}, as the names they are
    (re.compile(r"y_(pred|true)"), lambda m: rf"y_{{\text{{{m[1]}}}}}"),
    (re.compile(r"y_true(\d+)"), lambda m: rf"y_{{\text{{true}},{m[1]}}}"),
    (re.compile(r"sum_([a-z])(\d+)"), lambda m: rf"\mathrm{{sum}}_{{{m[1]}_{{{m[2]}}}}}"
        if len(m[2]) > 1 else rf"\mathrm{{sum}}_{{{m[1]}_{m[2]}}}"),
    (re.compile(r"([a-zA-Z])(\d)"), lambda m: f"{m[1]}_{m[2]}"),
    (re.compile(r"([a-zA-Z])(\d+)"), lambda m: f"{m[1]}_{{{m[2]}}}"),
    (re.compile(r"[a-zA-Z]"), lambda m: m[0]),
)


def text_name(name):
    """A symbol's name for the terminal: trailing digits become subscripts (w1 -> w₁)."""
    match = re.fullmatch(r"(.*?)(\d+)", name)
    if match is None:
        return name
    return match[1] + match[2].translate(_SUBSCRIPT)


def latex_name(name):
    """A symbol's name in LaTeX maths: w_1, w_{16}, y_{\\text{pred}}, y_{\\text{true},2}, \\mathrm{sum}_{h_1}."""
    for pattern, spell in _LATEX_NAMES:
        match = pattern.fullmatch(name)
        if match:
            return spell(match)
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def superscript(n):
    """An integer exponent in Unicode superscript digits: 2 -> ²."""
    return str(n).translate(_SUPERSCRIPT)


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


@dataclass(frozen=True)
class FunctionNotation:
    """How one activation is written: its name in text and LaTeX, and its rule stated once."""

    text: str
    latex: str
    called: str  # what the prose calls it
    #: the definition and the derivative rule; ``{f}`` stands for the function's name
    text_rules: tuple
    latex_rules: tuple


ACTIVATION_NOTATION = {
    "sigmoid": FunctionNotation(
        "σ", r"\sigma", "the sigmoid",
        ("{f}(x) = 1/(1 + e^-x)", "{f}'(x) = {f}(x)(1 - {f}(x))"),
        (r"{f}(x) = \frac{{1}}{{1 + e^{{-x}}}}", r"{f}'(x) = {f}(x)\,(1 - {f}(x))"),
    ),
    "tanh": FunctionNotation(
        "tanh", r"\tanh", "the hyperbolic tangent",
        ("{f}(x) = (e^x - e^-x)/(e^x + e^-x)", "{f}'(x) = 1 - {f}²(x)"),
        (r"{f}(x) = \frac{{e^{{x}} - e^{{-x}}}}{{e^{{x}} + e^{{-x}}}}", r"{f}'(x) = 1 - {f}^2(x)"),
    ),
    "relu": FunctionNotation(
        "ReLU", r"\operatorname{ReLU}", "the rectifier",
        ("{f}(x) = max(0, x)", "{f}'(x) = 1 if x > 0, else 0"),
        (r"{f}(x) = \max(0, x)", r"{f}'(x) = 1 \text{{ if }} x > 0 \text{{, else }} 0"),
    ),
    "softplus": FunctionNotation(
        "softplus", r"\operatorname{softplus}", "the softplus",
        ("{f}(x) = log(1 + e^x)", "{f}'(x) = 1/(1 + e^-x)"),
        (r"{f}(x) = \log(1 + e^{{x}})", r"{f}'(x) = \frac{{1}}{{1 + e^{{-x}}}}"),
    ),
}

#: the article's own name for the sigmoid, used when every layer is a sigmoid
ARTICLE_SIGMOID = FunctionNotation(
    "f", "f", "the sigmoid", ACTIVATION_NOTATION["sigmoid"].text_rules, ACTIVATION_NOTATION["sigmoid"].latex_rules
)

#: our SymPy function classes (and SymPy's tanh) -> (activation, is it the derivative)
FUNCTIONS = {
    "sigmoid": ("sigmoid", False),
    "d_sigmoid": ("sigmoid", True),
    "tanh": ("tanh", False),
    "d_tanh": ("tanh", True),
    "relu": ("relu", False),
    "d_relu": ("relu", True),
    "softplus": ("softplus", False),
    "d_softplus": ("softplus", True),
}


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
        self.article = set(network.activations) == {"sigmoid"}

    def function(self, activation):
        """The :class:`FunctionNotation` of an activation name ("sigmoid", "tanh", ...)."""
        if activation == "sigmoid" and self.article:
            return ARTICLE_SIGMOID
        return ACTIVATION_NOTATION[activation]

    @property
    def used(self):
        """The activations the network uses, in order of first use, without the identity."""
        seen = []
        for name in self.network.activations:
            if name != "identity" and name not in seen:
                seen.append(name)
        return seen
