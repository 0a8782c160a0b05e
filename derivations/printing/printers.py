"""The maths printers: SymPy printer classes that write our notation.

Both printers share :class:`ArticleMath`, which decides structure (which
factor goes where, when to bracket, when to write ``·``) and dispatches on the
node type in SymPy's ``_print_<Node>`` style; the subclasses only spell tokens.
They never post-process SymPy's own output.

* ``∂`` always, even for one variable: SymPy writes ``d/dw`` there (SymPy
  issue 12619); our ``_print_Derivative`` does not.
* Sums and products keep the order they were built in, so an unevaluated
  ``Add`` prints in the article's order (w1 x1 + w2 x2 + b1).
* With ``values`` set, symbols and partial-derivative nodes print as the
  numbers they stand for, rounded to ``digits`` significant digits: this is how
  the worked example substitutes numbers, step by step.

>>> from sympy import Add, Derivative, Mul
>>> from derivations.graph import real
>>> from derivations.rules import d_sigmoid
>>> L, y_pred, y_true, h1, w5 = map(real, ["L", "y_pred", "y_true", "h1", "w5"])
>>> text(Mul(-2, Add(y_true, -y_pred, evaluate=False), evaluate=False))
'-2(y_true - y_pred)'
>>> latex(Derivative(L, y_pred) * Derivative(y_pred, h1))
'\\\\frac{\\\\partial L}{\\\\partial y_{\\\\text{pred}}} \\\\cdot \\\\frac{\\\\partial y_{\\\\text{pred}}}{\\\\partial h_1}'
>>> text(w5 * d_sigmoid(real("sum_o1")), values={w5: 1.0, real("sum_o1"): 0.0948})
"1 · σ'(0.0948)"
"""

from sympy import Add, AtomicExpr, Derivative, Function, Mul, Number, Pow, Symbol
from sympy.printing.latex import LatexPrinter as SympyLatexPrinter
from sympy.printing.str import StrPrinter

from derivations.naming import latex_name, superscript, text_name
from derivations.printing.notation import format_number, latex_number
from derivations.rules import FUNCTIONS, is_derivative

_OUR_SETTINGS = {"notation": None, "values": None, "digits": 3, "fractions": "display"}


class Dots(AtomicExpr):
    """Terms left out of a long sum: printed ⋯ (``\\cdots``)."""

    is_commutative = True


class ArticleMath:
    """The structure of our notation, shared by the text and LaTeX printers.

    Subclasses define the tokens (``TIMES``, ``DOTS``, ...) and the spelling
    methods ``_name``, ``_ratio``, ``_number``, ``_apply``, ``_power`` and
    ``_divide``.
    """

    # --- leaves ---------------------------------------------------------------------

    def _value(self, expr):
        values = self._settings["values"]
        return None if values is None else values.get(expr)

    def _print_Symbol(self, expr):
        value = self._value(expr)
        return self._number(value) if value is not None else self._name(expr.name)

    def _print_Derivative(self, expr):
        value = self._value(expr)
        if value is not None:
            return self._number(value)
        (wrt, _count), = expr.variable_count
        return self._ratio(self._print(expr.expr), self._print(wrt))

    def _print_Integer(self, expr):
        return str(expr.p)

    def _print_Float(self, expr):
        return self._number(float(expr))

    def _print_Dots(self, expr):
        return self.DOTS

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    # --- functions ------------------------------------------------------------------

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # SymPy dispatches on _print_<class name>: one method for every function any activation brings
        for name in FUNCTIONS:
            setattr(cls, f"_print_{name}", cls._activation)

    def _activation(self, expr):
        name = type(expr).__name__
        activation = FUNCTIONS[name]
        notation = self._settings["notation"]
        spelled = notation.function(activation.name) if notation is not None else activation.spelling
        return self._apply(self._function_name(spelled, is_derivative(name)), self._print(expr.args[0]))

    def _print_log(self, expr):
        return self._apply(self.LOG, self._print(expr.args[0]))

    # --- sums -----------------------------------------------------------------------

    def _print_Add(self, expr):
        parts = []
        for i, (negative, body) in enumerate(self._terms(expr)):
            if i == 0:
                parts.append(self.MINUS + body if negative else body)
            else:
                parts.append((self.MINUS_OP if negative else self.PLUS_OP) + body)
        return "".join(parts)

    def _terms(self, expr):
        """The terms of a sum as (subtracted?, text): positive ones first, otherwise in the order built."""
        signed = [self._signed(t) for t in expr.args]
        return sorted(signed, key=lambda term: term[0])

    def _signed(self, term):
        """(is the term subtracted, the term without its sign, bracketed where needed)."""
        if isinstance(term, Number) and term < 0:
            return True, self._print(-term)
        if isinstance(term, Mul) and isinstance(term.args[0], Number) and term.args[0] < 0:
            coefficient = -term.args[0]
            factors = list(term.args[1:]) if coefficient == 1 else [coefficient, *term.args[1:]]
            if len(factors) == 1:
                return True, self._bracketed(factors[0], after_minus=True)
            return True, self._product(factors)
        return False, self._print(term)

    def pieces(self, expr):
        """The top-level terms or factors of ``expr`` as (operator, text) pairs, for breaking long lines.

        The operator is ``""`` for the first piece, then ``"+"``/``"-"`` in a sum, ``"·"`` in a product.
        """
        if isinstance(expr, Add):
            (first_negative, first), *rest = self._terms(expr)
            return [("", (self.MINUS if first_negative else "") + first)] + [
                (self.MINUS if negative else "+", body) for negative, body in rest
            ]
        if isinstance(expr, Mul):
            factors = list(expr.args)
            return [("" if i == 0 else self.TIMES.strip(), self._factor(f, first=i == 0)) for i, f in enumerate(factors)]
        return [("", self._print(expr))]

    # --- products -------------------------------------------------------------------

    def _print_Mul(self, expr):
        factors = list(expr.args)
        sign = ""
        if isinstance(factors[0], Number) and factors[0] < 0 and len(factors) > 1:
            sign = self.MINUS
            factors[0] = -factors[0]
            if factors[0] == 1:
                factors.pop(0)
        numerator = [f for f in factors if not _is_reciprocal(f)]
        denominator = [f.base if f.exp == -1 else Pow(f.base, -f.exp) for f in factors if _is_reciprocal(f)]
        if denominator:
            return sign + self._divide(numerator, denominator)
        if len(numerator) == 1:
            return sign + self._bracketed(numerator[0], after_minus=bool(sign))
        return sign + self._product(numerator)

    def _product(self, factors):
        printed = [self._factor(f, first=i == 0) for i, f in enumerate(factors)]
        text = printed[0]
        for left, right, right_text in zip(factors, factors[1:], printed[1:]):
            text += self._separator(left, right) + right_text
        return text

    def _factor(self, factor, first):
        if isinstance(factor, Add):
            return self.LPAR + self._print(factor) + self.RPAR
        if isinstance(factor, Mul) and not first and self._print(factor).startswith(self.MINUS):
            return self.LPAR + self._print(factor) + self.RPAR
        return self._print(factor)

    def _separator(self, left, right):
        """'' after a bare coefficient before a bracket (-2(...)), '·' next to anything big, else a space."""
        if isinstance(left, Number) and isinstance(right, Add):
            return ""
        if self._is_big(left) or self._is_big(right):
            return self.TIMES
        return self.SPACE

    def _is_big(self, expr):
        if isinstance(expr, (Function, Derivative, Mul, Pow)):
            return True
        if isinstance(expr, Number) and not expr.is_Integer:
            return True
        return isinstance(expr, Symbol) and self._value(expr) is not None

    # --- powers ---------------------------------------------------------------------

    def _print_Pow(self, expr):
        if _is_reciprocal(expr):
            return self._divide([], [expr.base if expr.exp == -1 else Pow(expr.base, -expr.exp)])
        return self._power(self._bracketed(expr.base, after_minus=True, power=True), self._print(expr.exp))

    # --- brackets -------------------------------------------------------------------

    def _bracketed(self, expr, after_minus=False, power=False):
        """``expr``, in brackets where a sign or an exponent would otherwise bind wrongly."""
        text = self._print(expr)
        needs = isinstance(expr, Add) or (power and isinstance(expr, (Mul, Pow)))
        needs = needs or (after_minus and text.startswith(self.MINUS))
        return self.LPAR + text + self.RPAR if needs else text


def _is_reciprocal(expr):
    return isinstance(expr, Pow) and isinstance(expr.exp, Number) and expr.exp < 0


class TextPrinter(ArticleMath, StrPrinter):
    """Unicode maths for the terminal: ∂L/∂w₁ = ∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁."""

    printmethod = "_nnderive_text"
    _default_settings = {**StrPrinter._default_settings, **_OUR_SETTINGS}

    TIMES, SPACE, DOTS, LOG = " · ", " ", "⋯", "log"
    MINUS, MINUS_OP, PLUS_OP, LPAR, RPAR = "-", " - ", " + ", "(", ")"

    def _name(self, name):
        return text_name(name)

    def _ratio(self, of, wrt):
        return f"∂{of}/∂{wrt}"

    def _number(self, value):
        return format_number(value, self._settings["digits"])

    def _function_name(self, spelled, derivative):
        return spelled.text + ("'" if derivative else "")

    def _apply(self, name, argument):
        return f"{name}({argument})"

    def _power(self, base, exponent):
        if exponent.lstrip("-").isdigit():
            return base + superscript(exponent)
        return f"{base}^({exponent})"

    def _divide(self, numerator, denominator):
        top = self._product(numerator) if numerator else "1"
        if len(numerator) > 1:
            top = f"({top})"
        bottom = self._product(denominator)
        if len(denominator) > 1 or isinstance(denominator[0], (Add, Mul)):
            bottom = f"({bottom})"
        return f"{top}/{bottom}"


class LatexPrinter(ArticleMath, SympyLatexPrinter):
    """LaTeX maths (amsmath), in the article's notation: \\frac{\\partial L}{\\partial w_1}."""

    printmethod = "_nnderive_latex"
    _default_settings = {**SympyLatexPrinter._default_settings, **_OUR_SETTINGS}

    TIMES, SPACE, DOTS, LOG = r" \cdot ", " ", r"\cdots", r"\log"
    MINUS, MINUS_OP, PLUS_OP, LPAR, RPAR = "-", " - ", " + ", "(", ")"

    def _name(self, name):
        return latex_name(name)

    def _ratio(self, of, wrt):
        if self._settings["fractions"] == "inline":
            return rf"\partial {of}/\partial {wrt}"
        return rf"\frac{{\partial {of}}}{{\partial {wrt}}}"

    def _number(self, value):
        return latex_number(format_number(value, self._settings["digits"]))

    def _function_name(self, spelled, derivative):
        return spelled.latex + ("'" if derivative else "")

    def _apply(self, name, argument):
        return f"{name}({argument})"

    def _power(self, base, exponent):
        return f"{base}^{{{exponent}}}" if len(exponent) > 1 else f"{base}^{exponent}"

    def _divide(self, numerator, denominator):
        # the fraction bar brackets both sides already
        top = self._print(numerator[0]) if len(numerator) == 1 else self._product(numerator) if numerator else "1"
        bottom = self._print(denominator[0]) if len(denominator) == 1 else self._product(denominator)
        return rf"\frac{{{top}}}{{{bottom}}}"


def text(expr, **settings):
    """``expr`` in our text notation (see :class:`TextPrinter`)."""
    return TextPrinter(settings).doprint(expr)


def latex(expr, **settings):
    """``expr`` in our LaTeX notation (see :class:`LatexPrinter`); no ``$`` around it."""
    return LatexPrinter({"mode": "plain", **settings}).doprint(expr)
