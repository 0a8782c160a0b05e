"""Derivations people can read: text for the terminal, LaTeX, Markdown, HTML with MathML, a LaTeX document.

Everything is printed from the :class:`~derivations.chain.Derivation` itself,
so what is shown and what is computed cannot drift apart.  ``Derivation``,
``Partial`` and ``Factor`` call these through their ``to_text``,
``to_latex`` and ``to_markdown`` methods (and Jupyter through
``_repr_markdown_``).

Options (see :mod:`derivations.printing.options`): ``params`` (names to
show), ``at`` (a worked example: ``"alice"`` or ``(x1, x2, y_true)``),
``weights``, ``biases``, ``digits``, ``compact``; ``to_latex`` also takes
``document``, ``title`` and ``author``.

>>> from derivations import derive
>>> d = derive()
>>> print(to_text(d.factors["d_h1_d_w1"]))
  ∂h₁/∂w₁ = x₁ · f'(w₁ x₁ + w₂ x₂ + b₁)
>>> print(to_latex(d.factors["d_ypred_d_h1"]))
\\begin{align*}
  \\frac{\\partial y_{\\text{pred}}}{\\partial h_1} &= w_5 \\cdot f'(w_5 h_1 + w_6 h_2 + b_3)
\\end{align*}
>>> print(text_chain(d.partials["w1"]))
∂L/∂w₁ = ∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁
"""

from sympy import Derivative

from derivations.chain import Derivation, Factor, Partial
from derivations.printing.document import document
from derivations.printing.figure import latex_figure
from derivations.printing.forms import Forms
from derivations.printing.layout import Layout
from derivations.printing.notation import Notation
from derivations.printing.options import OptionError, resolve
from derivations.printing.printers import text as _text
from derivations.printing.render import RENDERERS

__all__ = [
    "to_text", "to_latex", "to_markdown", "to_html", "OptionError",
    "text_chain", "text_factor", "text_ratio", "text_partial", "text_definitions", "text_rules",
    "text_written_out",
]


def to_text(obj, **options):
    """``obj`` (a Derivation, Partial or Factor) as Unicode text for the terminal."""
    return _render(obj, "text", options)


def to_latex(obj, **options):
    """``obj`` as LaTeX fragments (amsmath ``align*``); ``document=True`` gives a whole document."""
    return _render(obj, "latex", options)


def to_markdown(obj, **options):
    """``obj`` as Markdown with ``$...$`` and ``$$...$$`` maths (GitHub, Jupyter, MathJax, KaTeX)."""
    return _render(obj, "markdown", options)


def to_notebook(obj, **options):
    """``obj`` as Markdown for a Jupyter cell: as :func:`to_markdown`, with bold captions for headings.

    >>> from derivations import derive
    >>> to_notebook(derive().partials["w1"]).splitlines()[0]
    '**The partial $\\\\partial L/\\\\partial w_1$**'
    """
    return _render(obj, "notebook", options)


def to_html(obj, **options):
    """``obj`` as an HTML fragment with MathML maths (what ``nnderive html`` puts on its page)."""
    return _render(obj, "html", options)


#: the options every printer takes (see derivations.printing.options)
OPTIONS = ("params", "at", "weights", "biases", "digits", "compact", "document", "title", "author", "view")


def _render(obj, form, options):
    if not isinstance(obj, (Derivation, Partial, Factor)):
        raise TypeError(f"cannot print a {type(obj).__name__}: give a Derivation, Partial or Factor")
    whole = isinstance(obj, Derivation)
    derivation = obj if whole else obj.derivation
    unknown = [name for name in options if name not in OPTIONS]
    if unknown:
        raise TypeError(f"to_{form}() got an unexpected option {unknown[0]!r} (options: {', '.join(OPTIONS)})")
    if options.get("document") and form != "latex":  # (notebook included)
        raise OptionError("document", "a document is LaTeX: use to_latex")
    if options.get("document") and not whole:
        raise OptionError("document", "a document is made from a whole Derivation")
    checked = resolve(derivation, **options)
    layout = Layout(derivation, checked)
    if whole:
        blocks = layout.for_derivation()
    elif isinstance(obj, Partial):
        blocks = layout.for_partial(obj)
    else:
        blocks = layout.for_factor(obj)
    if checked.document:
        return document(blocks, layout.notation, checked.digits, checked.title, checked.author,
                        figure=latex_figure(derivation))
    return _renderers()[form](layout.notation, checked.digits).render(blocks)


def _renderers():
    from derivations.printing.html import HtmlRenderer  # it imports render's base class: not at the top

    return {**RENDERERS, "html": HtmlRenderer}


# --- one-line helpers, for other commands' messages ----------------------------------


def text_ratio(factor):
    """∂h₁/∂w₁ for a factor."""
    return _text(Forms.ratio(factor), notation=Notation(factor.derivation.network))


def text_chain(partial):
    """∂L/∂w₁ = ∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁, on one line."""
    d = partial.derivation
    notation = Notation(d.network)
    lhs = _text(Derivative(d.graph.loss, partial.param), notation=notation)
    return f"{lhs} = {_text(Forms(d).chain(partial), notation=notation)}"


def text_factor(factor):
    """∂h₁/∂w₁ = x₁ · f'(w₁ x₁ + w₂ x₂ + b₁), on one line."""
    notation = Notation(factor.derivation.network)
    return f"{text_ratio(factor)} = {_text(Forms(factor.derivation).right_side(factor), notation=notation)}"


def text_partial(partial):
    """∂L/∂w₁: the name of a partial."""
    d = partial.derivation
    return _text(Derivative(d.graph.loss, partial.param), notation=Notation(d.network))


def text_written_out(partial):
    """∂L/∂w₁ = ... in the inputs, the target and the parameters, broken at its factors."""
    from derivations.printing.blocks import Display, row
    from derivations.printing.render import TextRenderer
    from sympy import Mul

    d = partial.derivation
    raw = Forms(d).raw_partial(partial)
    display = Display((row(Derivative(d.graph.loss, partial.param), raw, breaks=isinstance(raw, Mul)),))
    return TextRenderer(Notation(d.network), None).render_Display(display).replace("\n  ", "\n").strip(" ")


def text_definitions(derivation):
    """The network's quantities, one line each: h₁ = f(w₁ x₁ + w₂ x₂ + b₁), ..., L = (y_true - y_pred)²."""
    forms, notation, g = Forms(derivation), Notation(derivation.network), derivation.graph
    lines = [f"{_text(n.out, notation=notation)} = {_text(forms.definition(n), notation=notation)}" for n in g.neurons]
    lines.append(f"{_text(g.loss, notation=notation)} = {_text(g.loss_definition, notation=notation)}")
    return lines


def text_rules(derivation):
    """Each activation's rule, stated once: "f(x) = 1/(1 + e^-x), f'(x) = f(x)(1 - f(x))"."""
    notation = Notation(derivation.network)
    rules = []
    for name in notation.used:
        spelled = notation.function(name)
        rules.append(", ".join(rule.format(f=spelled.text) for rule in spelled.text_rules))
    return rules
