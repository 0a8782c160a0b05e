"""The worked example: numbers substituted step by step, as the article does by hand.

Every step writes its formula, the formula with the numbers put in, and the
result rounded to ``digits`` significant digits; the next step computes with
the *rounded* numbers, as a person with a calculator would.  That is how the
article gets ∂L/∂w1 = -0.952 · 0.249 · -0.0904 = 0.0214, while the exact
value 0.02146953526581111 rounds to 0.0215: the example says so.

>>> from derivations import derive
>>> from derivations.printing.points import parameter_values, point
>>> d = derive()
>>> example = WorkedExample(d, point("alice", d), parameter_values(d), 3, [d.partials["w1"]])
>>> example.numbers["h1"], example.numbers["y_pred"], example.numbers["d_L_d_ypred"]
(0.0474, 0.524, -0.952)
>>> example.numbers["d_ypred_d_h1"], example.numbers["d_h1_d_w1"], example.numbers["d_L_d_w1"]
(0.249, -0.0904, 0.0214)
>>> example.exact["d_L_d_w1"]
0.02146953526581111
"""

import math

import numpy as np
from sympy import Add, Derivative, Eq, Float, Symbol

from derivations.naming import separator
from derivations.printing.blocks import Display, Heading, Math, Paragraph, row
from derivations.printing.forms import Forms, activate, weighted_sum
from derivations.printing.notation import format_number, rounded
from derivations.printing.options import OptionError
from derivations.printing.points import GENDERS
from derivations.rules import NUMPY_FUNCTIONS

class Calculator:
    """Evaluates an expression with given numbers, one node type per method (``_eval_<Node>``).

    Functions are the stable numpy ones of :mod:`derivations.rules`.
    """

    FUNCTIONS = {**NUMPY_FUNCTIONS, "log": np.log}

    def __init__(self, values):
        self.values = values

    def __call__(self, expr):
        for cls in type(expr).__mro__:
            method = getattr(self, "_eval_" + cls.__name__, None)
            if method is not None:
                return float(method(expr))
        raise TypeError(f"cannot evaluate {type(expr).__name__}")

    def _eval_Number(self, expr):
        return float(expr)

    def _eval_Symbol(self, expr):
        return self.values[expr]

    _eval_Derivative = _eval_Symbol

    # left to right, in float64, as a calculator would: too large a number becomes inf, never an exception

    def _eval_Add(self, expr):
        return sum((np.float64(self(a)) for a in expr.args), np.float64(0.0))

    def _eval_Mul(self, expr):
        return math.prod((np.float64(self(a)) for a in expr.args), start=np.float64(1.0))

    def _eval_Pow(self, expr):
        return np.power(np.float64(self(expr.base)), self(expr.exp))

    def _eval_Function(self, expr):
        return self.FUNCTIONS[type(expr).__name__](self(expr.args[0]))

#: an upstream sum or path list longer than this is written one term per line
BREAK_TERMS = 2


class WorkedExample:
    """The numbers of a derivation at one point, step by step.

    ``numbers`` holds what each step shows (rounded), by name: quantities
    (``h1``, ``y_pred``, ``L``), factors (``d_h1_d_w1``) and partials
    (``d_L_d_w1``); ``exact`` the same names at full precision, from
    :meth:`Derivation.evaluate`.  ``partials`` are the ones to work out;
    ``factors``, if given, replaces them with just those factors.
    """

    def __init__(self, derivation, point, values, digits, partials, factors=None):
        self.derivation = d = derivation
        self.forms = forms = Forms(d)
        self.point, self.values, self.digits = point, values, digits
        self.partials = list(partials) if factors is None else []
        self.factors = forms.needed(self.partials, factors or ())
        with np.errstate(all="ignore"):
            self.exact = d.evaluate(values, list(point.x), point.y[0] if len(point.y) == 1 else list(point.y))
            bad = [name for name, v in self.exact.items() if not math.isfinite(v)]
            if bad:
                raise OptionError("at", f"the numbers are too large: {bad[0]} is not finite there; use smaller ones")
            self.shown = {}  # symbol or Derivative -> the rounded number the example carries on
            self.numbers = {}
            self.forward = self._forward()
            self.steps = [step for f in self.factors for step in self._factor(f)]
            self.results = [self._partial(p) for p in self.partials]

    # --- computing ------------------------------------------------------------------

    def _keep(self, key, name, value):
        shown = rounded(value, self.digits)
        if not math.isfinite(shown):
            raise OptionError("at", f"the numbers are too large: {name} is not finite there; use smaller ones")
        self.shown[key] = shown
        self.numbers[name] = shown
        return shown

    def _result(self, value):
        return Math(Float(value))

    def _forward(self):
        d = self.derivation
        g = d.graph
        for s, v in zip(d.inputs + d.targets, self.point.x + self.point.y):
            self._keep(s, s.name, v)
        for p in d.params:
            self._keep(p, p.name, self.values[p.name])
        calc = Calculator(self.shown)
        rows = []
        for n in g.neurons:
            written = weighted_sum(n, drop_unit=lambda w: self.shown[w] == 1)
            self._keep(n.sum, n.sum.name, calc(weighted_sum(n, elide=False)))
            out = self._keep(n.out, n.out.name, calc(activate(n, n.sum)))
            sides = [Math(n.out), Math(self.forms.definition(n)), Math(activate(n, written), self.shown)]
            if n.activation.function is not None:
                sides.append(Math(activate(n, n.sum), self.shown))
            sides.append(self._result(out))
            rows.append(row(*sides, note=output_note(n)))
        loss = g.loss_definition
        value = calc(loss)
        if not math.isfinite(value):  # e.g. log(1 - y_pred) once y_pred has rounded to 1
            value = self.exact[g.loss.name]
        self._keep(g.loss, g.loss.name, value)
        rows.append(row(g.loss, loss, Math(loss, self.shown), self._result(self.shown[g.loss])))
        return rows

    def _factor(self, factor):
        """The rows working out one factor: one, or two for a long upstream sum (its terms, then its value)."""
        forms = self.forms
        ratio = forms.ratio(factor)
        if factor.kind == "upstream":  # its symbols are in the derivation above: numbers only
            evaluated = forms.upstream(factor)
            value = self._keep(ratio, factor.name, Calculator(self.shown)(evaluated))
            if len(evaluated.args) > BREAK_TERMS and isinstance(evaluated, Add):
                # a term per line, or a wide layer's sum runs off the page; the value on a row of its own
                return [row(ratio, Math(evaluated, self.shown), breaks=True), row(ratio, self._result(value))]
            return [row(ratio, Math(evaluated, self.shown), self._result(value))]
        else:
            evaluated = factor.named
            sides = [Math(ratio)] + ([] if evaluated.is_Number else [Math(forms.formula(evaluated))])
            if evaluated.args:  # a bare w16 needs no substitution step
                sides.append(Math(evaluated, self.shown))
        value = self._keep(ratio, factor.name, Calculator(self.shown)(evaluated))
        return [row(*sides, self._result(value))]

    def _partial(self, partial):
        chain = self.forms.chain(partial)
        value = self._keep(Derivative(self.derivation.graph.loss, partial.param), f"d_L_d_{partial.name}",
                           Calculator(self.shown)(chain))
        return row(Derivative(self.derivation.graph.loss, partial.param), chain, Math(chain, self.shown),
                   self._result(value))

    # --- showing --------------------------------------------------------------------

    def blocks(self, level=2):
        """The example as blocks: where, then forward pass, factors, partials and full precision."""
        d, pt = self.derivation, self.point
        title = f"Worked example: {pt.name}" if pt.name else "Worked example"
        blocks = [Heading(level, (title,)), Paragraph(self._where())]
        if pt.predicted is not None:
            gender, prediction = pt.predicted
            y = d.targets[0]
            blocks.append(Paragraph((
                f"The article gives {pt.name} no label; its trained network predicts {prediction}, "
                f"{GENDERS[gender]}, so here ", Math(Eq(y, Float(pt.y[0]), evaluate=False), exact=True),
                f". For the other label give the numbers {pt.x[0]:g}, {pt.x[1]:g}, {1 - pt.y[0]:g}.",
            )))
        blocks.append(Paragraph(self._parameters()))
        blocks.append(Paragraph((
            f"Each step rounds its result to {self.digits} significant digits and carries the rounded "
            "number on to the next step, as the article does by hand.",
        )))
        blocks += [Heading(level + 1, ("The forward pass",)), Display(tuple(self.forward))]
        if self.steps:
            blocks += [Heading(level + 1, ("The factors",)), Display(tuple(self.steps))]
        if self.results:
            blocks += [Heading(level + 1, ("The partials",)), Display(tuple(self.results))]
            blocks += self._precision()
        return blocks

    def _where(self):
        d, pt = self.derivation, self.point
        parts = [f"{pt.name}: " if pt.name else "At "]
        pairs = list(zip(d.inputs + d.targets, pt.x + pt.y))
        for i, (s, v) in enumerate(pairs):
            parts += [Math(Eq(s, Float(v), evaluate=False), exact=True), separator(i, len(pairs))]
        if pt.about:
            parts[-1] = f" ({pt.about})."
        return tuple(parts)

    def _parameters(self):
        g = self.derivation.graph
        weights = {self.values[w.name] for w in g.weights}
        biases = {self.values[b.name] for b in g.biases}
        if weights == {1.0} and biases == {0.0}:
            return ("Every weight is 1 and every bias 0 (the article's choice).",)
        if len(weights) == 1 and len(biases) == 1:
            return ("Every weight is ", Math(Float(weights.pop()), exact=True), " and every bias ",
                    Math(Float(biases.pop()), exact=True), ".")
        parts = ["The parameters: "]
        for i, p in enumerate(g.params):
            parts += [Math(Eq(p, Float(self.values[p.name]), evaluate=False), exact=True), separator(i, len(g.params))]
        return tuple(parts)

    def _precision(self):
        rows, first_off = [], None
        for p, result in zip(self.partials, self.results):
            name = f"d_L_d_{p.name}"
            exact, hand = self.exact[name], self.numbers[name]
            note = ()
            if rounded(exact, self.digits) != hand:
                note = (f"(rounds to {format_number(exact, self.digits)}, not {format_number(hand, self.digits)})",)
                first_off = first_off or result
            rows.append(row(result.sides[0], Math(Float(exact), exact=True), note=note))
        blocks = [Paragraph(("At full precision (float64, no step rounded):",)), Display(tuple(rows))]
        if first_off is not None:
            lhs, _, by_hand, value = first_off.sides
            blocks.append(Paragraph((
                "Where the two differ, the rounding of every step has added up: ", Math(lhs.expr), " = ",
                Math(by_hand.expr, by_hand.values), " = ", value, " is the product of the rounded factors, "
                "not the rounded exact value.",
            )))
        return blocks


def output_note(neuron):
    """(the output o1), after y_pred: the article calls the single output both."""
    if neuron.out.name != "y_pred":
        return ()
    return ("(the output ", Math(Symbol(neuron.name)), ")")

