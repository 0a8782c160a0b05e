"""MathML (presentation) in our notation, for web pages: the third printer beside text and LaTeX.

:class:`MathMLPrinter` shares :class:`~derivations.printing.printers.ArticleMath`
with the text and LaTeX printers, so it decides structure exactly as they do
(factor order, brackets, ``·``, the ∂ ratios, the article's f for the
sigmoid) and only spells tokens: ``<mi>``, ``<mn>``, ``<mo>``, ``<mfrac>``,
``<msub>``.  It is based on SymPy's ``MathMLPresentationPrinter``: any node
our notation does not cover (a ``Rational``, ``exp``, ``Abs``) is printed by
SymPy's own method, with our spelling inside it.  Current browsers render the
result natively (MathML Core: Chromium 109+, Firefox, Safari).

>>> from sympy import Derivative
>>> from derivations.graph import real
>>> L, w1 = real("L"), real("w1")
>>> mathml(Derivative(L, w1))
'<math><mfrac><mrow><mo form="prefix" rspace="0">∂</mo><mi>L</mi></mrow><mrow><mo form="prefix" rspace="0">∂</mo><msub><mi>w</mi><mn>1</mn></msub></mrow></mfrac></math>'
>>> mathml_name("y_pred"), mathml_name("sum_h1")
('<msub><mi>y</mi><mi>pred</mi></msub>', '<msub><mi>sum</mi><msub><mi>h</mi><mn>1</mn></msub></msub>')
"""

import re
from html import escape, unescape
from xml.dom.minidom import Node, parseString

from sympy.printing.mathml import MathMLPresentationPrinter

from derivations.printing.notation import format_number
from derivations.rules import ACTIVATIONS
from derivations.printing.printers import _OUR_SETTINGS, ArticleMath

# --- names: the MathML spelling of the article's names (the LaTeX one is in notation.py) ----------

#: symbol names -> MathML, tried in order; the first pattern that matches the whole name wins
_MATHML_NAMES = (
    (re.compile(r"y_(pred|true)"), lambda m: f"<msub><mi>y</mi><mi>{m[1]}</mi></msub>"),
    (re.compile(r"y_true(\d+)"), lambda m: f"<msub><mi>y</mi><mrow><mi>true</mi><mo>,</mo><mn>{m[1]}</mn></mrow></msub>"),
    (re.compile(r"sum_([a-z])(\d+)"), lambda m: f"<msub><mi>sum</mi><msub><mi>{m[1]}</mi><mn>{m[2]}</mn></msub></msub>"),
    (re.compile(r"([a-zA-Z])(\d+)"), lambda m: f"<msub><mi>{m[1]}</mi><mn>{m[2]}</mn></msub>"),
    (re.compile(r"[a-zA-Z]"), lambda m: f"<mi>{m[0]}</mi>"),
)

_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def mathml_name(name):
    """A symbol's name in MathML: w₁ is ``<msub><mi>w</mi><mn>1</mn></msub>``, y_pred y with subscript pred."""
    for pattern, spell in _MATHML_NAMES:
        match = pattern.fullmatch(name)
        if match:
            return spell(match)
    return f"<mi>{escape(name)}</mi>"


def mathml_number(text):
    """A number written by :func:`format_number`, as MathML: a minus sign, digits, a power of ten.

    >>> mathml_number("-1.35e-05")
    '<mo>−</mo><mn>1.35</mn><mo>·</mo><msup><mn>10</mn><mrow><mo>−</mo><mn>5</mn></mrow></msup>'
    """
    sign = ""
    if text.startswith("-"):
        sign, text = MINUS, text[1:]
    mantissa, _, exponent = text.partition("e")
    out = f"{sign}<mn>{mantissa}</mn>"
    if exponent:
        power = int(exponent)
        power_text = f"<mrow>{MINUS}<mn>{-power}</mn></mrow>" if power < 0 else f"<mn>{power}</mn>"
        out += f"<mo>·</mo><msup><mn>10</mn>{power_text}</msup>"
    return out


MINUS = "<mo>−</mo>"
#: brackets that keep the text size (as in the article), rather than stretching around a subscript
LPAR, RPAR = '<mo stretchy="false">(</mo>', '<mo stretchy="false">)</mo>'

def function_name(text):
    """An activation's name (f, σ, tanh, ReLU) as an identifier."""
    return f"<mi>{escape(text)}</mi>"


class MathMLPrinter(ArticleMath, MathMLPresentationPrinter):
    """Presentation MathML in the article's notation: ∂L/∂w₁ as a fraction of ∂ ratios.

    Returns the inside of a ``<math>`` element as text; :func:`mathml` wraps it.
    """

    printmethod = "_nnderive_mathml"
    _default_settings = {**MathMLPresentationPrinter._default_settings, **_OUR_SETTINGS}

    TIMES, SPACE, DOTS, LOG = "<mo>·</mo>", "<mo>&#x2062;</mo>", "<mo>⋯</mo>", "<mi>log</mi>"
    MINUS, MINUS_OP, PLUS_OP = MINUS, MINUS, "<mo>+</mo>"
    LPAR, RPAR = LPAR, RPAR  # the module's brackets, which keep the text size
    PARTIAL = '<mo form="prefix" rspace="0">∂</mo>'

    def __init__(self, settings=None):
        super().__init__(settings)
        self._dom_wanted = False

    # --- our tokens -------------------------------------------------------------------

    def _name(self, name):
        return mathml_name(name)

    def _ratio(self, of, wrt):
        return f"<mfrac><mrow>{self.PARTIAL}{of}</mrow><mrow>{self.PARTIAL}{wrt}</mrow></mfrac>"

    def _number(self, value):
        return mathml_number(format_number(value, self._settings["digits"]))

    def _print_Integer(self, expr):
        return mathml_number(str(expr.p))

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)}<mo>=</mo>{self._print(expr.rhs)}"

    def _function_name(self, spelled, derivative):
        name = function_name(spelled.text)
        return f"<msup>{name}<mo>′</mo></msup>" if derivative else name

    def _apply(self, name, argument):
        return f"<mrow>{name}<mo>&#x2061;</mo>{self.LPAR}{argument}{self.RPAR}</mrow>"

    def _power(self, base, exponent):
        return f"<msup><mrow>{base}</mrow><mrow>{exponent}</mrow></msup>"

    def _divide(self, numerator, denominator):
        top = self._print(numerator[0]) if len(numerator) == 1 else self._product(numerator) if numerator else "<mn>1</mn>"
        bottom = self._print(denominator[0]) if len(denominator) == 1 else self._product(denominator)
        return f"<mfrac><mrow>{top}</mrow><mrow>{bottom}</mrow></mfrac>"

    # --- SymPy's methods for the rest ---------------------------------------------------------

    def _print(self, expr, **kwargs):
        # Our methods build text; SymPy's build DOM elements and append what self._print returns.
        # So each call answers in the form its caller works in: text for ours, an element for SymPy's.
        caller_wants_dom = self._dom_wanted
        self._dom_wanted = self._sympys_method(expr)
        try:
            result = super()._print(expr, **kwargs)
        finally:
            self._dom_wanted = caller_wants_dom
        if isinstance(result, Node):
            result = _characters(result.toxml())
        if caller_wants_dom:
            return parseString(f"<mrow>{result}</mrow>").documentElement
        return result

    def _sympys_method(self, expr):
        """Does SymPy's printer (not ours) print ``expr``?"""
        if hasattr(expr, self.printmethod):
            return False
        for cls in type(expr).__mro__:
            method = getattr(type(self), "_print_" + cls.__name__, None)
            if method is not None:
                return method.__module__.startswith("sympy.")
        return True

    def doprint(self, expr):
        return self._print(expr)


def _characters(markup):
    """SymPy's named entities (``&ExponentialE;``), which XML does not know, as the characters they are."""
    return re.sub(r"&(?!(?:lt|gt|amp|quot|apos);)[A-Za-z]+;", lambda m: unescape(m[0]), markup)


def mathml(expr, display=False, **settings):
    """``expr`` as a ``<math>`` element in our notation (``display=True``: a block on its own line).

    Takes the printers' settings: ``notation``, ``values``, ``digits``.

    >>> from sympy import Rational
    >>> from derivations.graph import real
    >>> mathml(-2 * real("y_true"), display=True)
    '<math display="block"><mo>−</mo><mn>2</mn><mo>&#x2062;</mo><msub><mi>y</mi><mi>true</mi></msub></math>'
    >>> "<mfrac><mrow><mn>1</mn></mrow><mrow><mn>2</mn></mrow></mfrac>" in mathml(Rational(1, 2) * real("h1"))
    True
    """
    body = MathMLPrinter(settings).doprint(expr)
    return f'<math display="block">{body}</math>' if display else f"<math>{body}</math>"


def rule_mathml(activation, spelled_text):
    """``(definition, derivative)`` of an activation as MathML bodies, its name spelled ``spelled_text``."""
    f = function_name(spelled_text)
    return tuple(r.format(f=f) for r in ACTIVATIONS[activation].spelling.mathml_rules)


def path_mathml(text):
    """``w₁ → h₁ → y_pred → L`` (the text form of a path) as MathML."""
    names = [part.strip().translate(_SUBSCRIPT_DIGITS) for part in text.split("→")]
    return "<mo>→</mo>".join(mathml_name(n) for n in names)


# --- matrices and vectors: the layer view (derivations.layers) --------------------------------

#: a matrix with more rows or columns than this is shown with ellipses (first rows, ⋮, the last row)
MATRIX_LIMIT = 8


def layer_name(name, layer):
    """A layer's matrix or vector, its layer as a superscript: W¹, b², and δ for ``"delta"``.

    >>> layer_name("W", 1), layer_name("delta", 2)
    ('<msup><mi>W</mi><mn>1</mn></msup>', '<msup><mi>δ</mi><mn>2</mn></msup>')
    """
    base = {"delta": "δ", "Delta": "Δ"}.get(name, name)
    return f"<msup><mi>{escape(base)}</mi><mn>{layer}</mn></msup>"


def transposed(body):
    """``(body)ᵀ``: the transpose of a matrix written as ``body``."""
    return f'<msup><mrow>{LPAR}{body}{RPAR}</mrow><mi mathvariant="normal">T</mi></msup>'



def entry_name(name, layer, row, column=None):
    """A matrix entry as the text printers write it: W¹[1,2] (a vector's entry: δ¹[1]).

    >>> entry_name("W", 1, 1, 2)
    '<msup><mi>W</mi><mn>1</mn></msup><mo stretchy="false">[</mo><mn>1</mn><mo>,</mo><mn>2</mn><mo stretchy="false">]</mo>'
    """
    index = f"<mn>{row}</mn>" if column is None else f"<mn>{row}</mn><mo>,</mo><mn>{column}</mn>"
    return f'{layer_name(name, layer)}<mo stretchy="false">[</mo>{index}<mo stretchy="false">]</mo>'


def shown_indices(n, limit=MATRIX_LIMIT):
    """The rows (or columns) of ``n`` a matrix shows: all up to ``limit``, else the first ``limit - 2``,
    ``None`` for the ellipsis, and the last.

    >>> shown_indices(3), shown_indices(10)
    ([0, 1, 2], [0, 1, 2, 3, 4, 5, None, 9])
    """
    if n <= limit:
        return list(range(n))
    return list(range(limit - 2)) + [None, n - 1]


def matrix(n_rows, n_columns, cell, limit=MATRIX_LIMIT):
    """A matrix in parentheses, its entry (i, j) (0-based) the MathML ``cell(i, j)``; past ``limit``
    rows or columns, ⋮, ⋯ and ⋱ stand for the entries left out (only the shown cells are asked for).

    >>> matrix(1, 2, lambda i, j: f"<mn>{j}</mn>")
    '<mrow><mo>(</mo><mtable class="matrix"><mtr><mtd><mn>0</mn></mtd><mtd><mn>1</mn></mtd></mtr></mtable><mo>)</mo></mrow>'
    >>> matrix(10, 1, lambda i, j: f"<mn>{i}</mn>").count("<mtr>"), matrix(10, 10, lambda i, j: "<mn>0</mn>").count("⋱")
    (8, 1)
    """
    rows = []
    columns = shown_indices(n_columns, limit)
    for i in shown_indices(n_rows, limit):
        cells = []
        for j in columns:
            if i is None:
                body = "<mo>⋱</mo>" if j is None else "<mo>⋮</mo>"
            else:
                body = "<mo>⋯</mo>" if j is None else cell(i, j)
            cells.append(f"<mtd>{body}</mtd>")
        rows.append(f"<mtr>{''.join(cells)}</mtr>")
    return f'<mrow><mo>(</mo><mtable class="matrix">{"".join(rows)}</mtable><mo>)</mo></mrow>'


def column_vector(n, cell, limit=MATRIX_LIMIT):
    """A column vector of ``n`` entries, entry i the MathML ``cell(i)`` (see :func:`matrix`)."""
    return matrix(n, 1, lambda i, _: cell(i), limit)


# --- hand-spelled formulas: the layer view's matrix notation, from its text form ----------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ˡ⁻", "0123456789l-")
_TOKEN = re.compile(
    r"(?P<number>-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
    r"|(?P<name>[A-Za-zΔδσ](?:[A-Za-z]*(?:_[A-Za-z]+)?)?)(?P<bar>\u0304?)(?P<sub>[₀-₉]*)(?P<sup>[⁰¹²³⁴-⁹ˡ⁻]*)"
    r"(?P<prime>'?)"
    r"|(?P<open>[(\[])|(?P<close>[)\]])(?P<transposed>ᵀ?)"
    r"|(?P<space> +)|(?P<op>[⊙+\-=×·/,∂…])"
)
_OPERATORS = {"-": MINUS, "∂": '<mo form="prefix" rspace="0">∂</mo>'}


def formula_text_mathml(text):
    """A formula spelled by hand in text (the layer view's W¹ a⁰ + b¹, ((W²)ᵀ δ²) ⊙ f'(z¹), [[w₁, w₂]]) as
    MathML: names as :func:`mathml_name` spells them, superscripts as ``<msup>``, a transposed bracket
    as ``(…)`` with a superscript T, a grid of numbers or names as a matrix; ``None`` if ``text`` is
    not such a formula.

    >>> formula_text_mathml("W¹ a⁰")
    '<msup><mi>W</mi><mn>1</mn></msup><mo>&#x2062;</mo><msup><mi>a</mi><mn>0</mn></msup>'
    >>> formula_text_mathml("(x₁, x₂)ᵀ")
    '<msup><mrow><mo stretchy="false">(</mo><msub><mi>x</mi><mn>1</mn></msub><mo>,</mo><msub><mi>x</mi><mn>2</mn></msub><mo stretchy="false">)</mo></mrow><mi mathvariant="normal">T</mi></msup>'
    >>> formula_text_mathml("[[1, 2]]").count("<mtd>"), formula_text_mathml("see above") is None
    (2, True)
    >>> formula_text_mathml("∂L/∂b¹")
    '<mfrac><mrow><mo form="prefix" rspace="0">∂</mo><mi>L</mi></mrow><mrow><mo form="prefix" rspace="0">∂</mo><msup><mi>b</mi><mn>1</mn></msup></mrow></mfrac>'
    """
    grid = re.fullmatch(r"\[(\[.*\])\]", text)
    if grid:
        rows = [[formula_text_mathml(cell.strip()) for cell in r.split(",")] for r in grid[1][1:-1].split("], [")]
        if all(None not in r for r in rows):
            return matrix(len(rows), len(rows[0]), lambda i, j: rows[i][j])
    ratio = re.fullmatch(r"∂(\S+?)/∂(\S+?)((?: .*)?)", text)  # ∂L/∂W¹ (= ...): a fraction, as the printer's
    if ratio:
        parts = [formula_text_mathml(part) for part in ratio.groups()]
        if None in parts:
            return None
        partial = _OPERATORS["∂"]
        return f"<mfrac><mrow>{partial}{parts[0]}</mrow><mrow>{partial}{parts[1]}</mrow></mfrac>{parts[2]}"
    stack, position, previous_operand = [[]], 0, False
    while position < len(text):
        m = _TOKEN.match(text, position)
        if m is None:
            return None
        position = m.end()
        if m["space"] is not None:
            # a space between two operands is a product (W¹ a⁰); around an operator it is only spacing
            following = _TOKEN.match(text, position)
            operand_follows = following is not None and bool(
                following["name"] or following["open"] or (following["number"] or "-")[0] != "-")
            if previous_operand and operand_follows:
                stack[-1].append("<mo>&#x2062;</mo>")
            continue
        if m["open"] is not None:
            stack.append([])
            previous_operand = False
            continue
        if m["op"] is not None:
            stack[-1].append(_OPERATORS.get(m["op"], f"<mo>{escape(m['op'])}</mo>"))
            previous_operand = False
            continue
        if m["number"] is not None:
            piece = mathml_number(m["number"])
        elif m["name"] is not None:
            if len(m["name"]) > 1 and "_" not in m["name"] and m["name"] not in _FUNCTION_NAMES:
                return None  # a word: prose, not a formula
            piece = _spelled_name(m)
        else:  # a closing bracket
            if len(stack) == 1:
                return None
            opening, closing = ("(", ")") if m["close"] == ")" else ("[", "]")
            piece = (f'<mrow><mo stretchy="false">{opening}</mo>{"".join(stack.pop())}'
                     f'<mo stretchy="false">{closing}</mo></mrow>')
            if m["transposed"]:
                piece = f'<msup>{piece}<mi mathvariant="normal">T</mi></msup>'
        stack[-1].append(piece)
        previous_operand = True
    return "".join(stack[0]) if len(stack) == 1 else None


#: names of more than one letter that are a formula's, not prose's (the activations as the notation spells them)
_FUNCTION_NAMES = ("tanh", "ReLU", "softplus", "log", "exp")


def _spelled_name(m):
    """One name token of :func:`formula_text_mathml`: w₁, sum_h₁, W¹, Aˡ⁻¹, L̄, f'."""
    name = m["name"]
    if m["sub"]:
        body = mathml_name(name + m["sub"].translate(_SUBSCRIPT_DIGITS))
    elif name in _FUNCTION_NAMES or "_" in name:
        body = mathml_name(name)
    else:
        body = f"<mi>{escape(name)}</mi>"
    if m["bar"]:
        body = f'<mover>{body}<mo stretchy="false">¯</mo></mover>'
    if m["prime"]:
        body = f"<msup>{body}<mo>′</mo></msup>"
    if m["sup"]:
        power = m["sup"].translate(_SUPERSCRIPTS)
        spelled = "".join(MINUS if c == "-" else f"<mn>{c}</mn>" if c.isdigit() else f"<mi>{c}</mi>" for c in power)
        body = f"<msup>{body}{spelled if len(power) == 1 else f'<mrow>{spelled}</mrow>'}</msup>"
    return body
