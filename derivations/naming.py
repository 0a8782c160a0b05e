"""Every name nnderive gives a quantity, and how each output form spells it.

One place decides that the partial of h1 by w1 is the factor ``d_h1_d_w1``,
is written ``dh1/dw1`` in a code comment, ``∂h₁/∂w₁`` on the terminal and
``\\frac{\\partial h_1}{\\partial w_1}`` in LaTeX; that ``w16`` is ``w₁₆`` and
``w_{16}``; and how a list of names reads in a sentence.

>>> factor_name("h1", "w1"), factor_name("L", "y_pred"), partial_name("w1")
('d_h1_d_w1', 'd_L_d_ypred', 'd_L_d_w1')
>>> ascii_ratio("y_pred", "h1"), text_ratio("y_pred", "h1")
('dy_pred/dh1', '∂y_pred/∂h₁')
>>> text_name("w16"), latex_name("w16")
('w₁₆', 'w_{16}')
>>> text_name("y_pred"), latex_name("y_pred"), latex_name("sum_h1")
('y_pred', 'y_{\\\\text{pred}}', '\\\\mathrm{sum}_{h_1}')
>>> words(["w1"]), words(["w1", "w2"]), words(["w1", "w2", "b1"])
('w1', 'w1 and w2', 'w1, w2 and b1')
"""

import re

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _name(quantity):
    """A symbol's or a string's name."""
    return quantity if isinstance(quantity, str) else quantity.name


# --- identifiers: what statements, generated code and value tables call a quantity --------------


def quantity_name(quantity):
    """How a quantity appears inside a factor's name: y_pred -> ypred (the article's d_L_d_ypred)."""
    return _name(quantity).replace("y_pred", "ypred")


def factor_name(of, wrt):
    """``d_<of>_d_<wrt>``, e.g. d_h1_d_w1, d_L_d_ypred, d_h1_d_sum_h1 (f' of h1)."""
    return f"d_{quantity_name(of)}_d_{quantity_name(wrt)}"


def partial_name(param):
    """``d_L_d_w1``: the name of the partial of the loss by a parameter."""
    return factor_name("L", param)


def upstream_name(out):
    """``d_L_d_h1``: the name of the loss's partial by a neuron's output (the upstream sum)."""
    return factor_name("L", out)


# --- ratios: the partial of one quantity by another, per output form --------------------------


def ascii_ratio(of, wrt):
    """``dh1/dw1``: a partial in code comments (ASCII, names as the code has them)."""
    return f"d{_name(of)}/d{_name(wrt)}"


def report_ratio(of, wrt):
    """``∂h1/∂w1``: a partial in the checker's report (∂, names as the code has them, no subscripts)."""
    return f"∂{_name(of)}/∂{_name(wrt)}"


def text_ratio(of, wrt):
    """``∂h₁/∂w₁``: a partial on the terminal."""
    return f"∂{text_name(_name(of))}/∂{text_name(_name(wrt))}"


def ascii_chain(param, ratios):
    """``dL/dw1 = dL/dy_pred * dy_pred/dh1 * dh1/dw1``: a chain in ASCII, from ``(of, wrt)`` pairs."""
    return f"{ascii_ratio('L', param)} = " + " * ".join(ascii_ratio(of, wrt) for of, wrt in ratios)


# --- names of symbols, per form -----------------------------------------------------------------

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


# --- prose ---------------------------------------------------------------------------------------


def words(items, word="and"):
    """Names in a sentence: ``a``, ``a and b``, ``a, b and c``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def separator(i, n):
    """What follows item ``i`` of ``n`` in a sentence that lists them: ``, ``, `` and `` or ``.``."""
    return "." if i == n - 1 else " and " if i == n - 2 else ", "
