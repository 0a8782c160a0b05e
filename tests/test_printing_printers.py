"""The printer classes: our notation node by node, in text and LaTeX."""

import pytest
import sympy
from sympy import Add, Derivative, Mul, Pow

from derivations.graph import real
from derivations.network import Network, article_network
from derivations.printing.notation import Notation, format_number, latex_name, text_name
from derivations.printing.printers import Dots, LatexPrinter, TextPrinter, latex, text
from derivations.rules import d_relu, d_sigmoid, d_softplus, d_tanh, relu, sigmoid, softplus

L, y_pred, y_true, h1, w1, w5, x1, b1 = map(real, "L y_pred y_true h1 w1 w5 x1 b1".split())
ARTICLE = Notation(article_network())
MIXED = Notation(Network((2, 3, 1), "tanh", "sigmoid"))


@pytest.mark.parametrize("name, as_text, as_latex", [
    ("w1", "w₁", "w_1"),
    ("w16", "w₁₆", "w_{16}"),
    ("y_pred", "y_pred", r"y_{\text{pred}}"),
    ("y_true", "y_true", r"y_{\text{true}}"),
    ("y_true2", "y_true₂", r"y_{\text{true},2}"),
    ("sum_h1", "sum_h₁", r"\mathrm{sum}_{h_1}"),
    ("sum_o12", "sum_o₁₂", r"\mathrm{sum}_{o_{12}}"),
    ("L", "L", "L"),
])
def test_names(name, as_text, as_latex):
    assert text_name(name) == as_text
    assert latex_name(name) == as_latex
    assert text(real(name)) == as_text
    assert latex(real(name)) == as_latex


def test_partial_sign_even_for_one_variable():
    # SymPy writes d/dw for a single-variable Derivative (SymPy issue 12619); we never do
    assert text(Derivative(L, w1)) == "∂L/∂w₁"
    assert latex(Derivative(L, w1)) == r"\frac{\partial L}{\partial w_1}"
    assert latex(Derivative(y_pred, h1), fractions="inline") == r"\partial y_{\text{pred}}/\partial h_1"


def test_chain_keeps_its_order():
    chain = Mul(Derivative(L, y_pred), Derivative(y_pred, h1), Derivative(h1, w1), evaluate=False)
    assert text(chain) == "∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁"


def test_sums_in_the_order_built():
    pre = Add(Mul(w1, x1, evaluate=False), Mul(real("w2"), real("x2"), evaluate=False), b1, evaluate=False)
    assert text(pre) == "w₁ x₁ + w₂ x₂ + b₁"
    assert latex(pre) == "w_1 x_1 + w_2 x_2 + b_1"
    # an evaluated sum prints its positive terms first: y_true - y_pred, not -y_pred + y_true
    assert text(y_true - y_pred) == "y_true - y_pred"


@pytest.mark.parametrize("function, notation, as_text, as_latex", [
    (sigmoid, ARTICLE, "f(x₁)", "f(x_1)"),
    (d_sigmoid, ARTICLE, "f'(x₁)", "f'(x_1)"),
    (sigmoid, MIXED, "σ(x₁)", r"\sigma(x_1)"),
    (d_sigmoid, MIXED, "σ'(x₁)", r"\sigma'(x_1)"),
    (sympy.tanh, MIXED, "tanh(x₁)", r"\tanh(x_1)"),
    (d_tanh, MIXED, "tanh'(x₁)", r"\tanh'(x_1)"),
    (relu, None, "ReLU(x₁)", r"\operatorname{ReLU}(x_1)"),
    (d_relu, None, "ReLU'(x₁)", r"\operatorname{ReLU}'(x_1)"),
    (softplus, None, "softplus(x₁)", r"\operatorname{softplus}(x_1)"),
    (d_softplus, None, "softplus'(x₁)", r"\operatorname{softplus}'(x_1)"),
])
def test_functions(function, notation, as_text, as_latex):
    assert text(function(x1), notation=notation) == as_text
    assert latex(function(x1), notation=notation) == as_latex


def test_products_and_signs():
    loss = Mul(-2, Add(y_true, -y_pred, evaluate=False), evaluate=False)
    assert text(loss) == "-2(y_true - y_pred)"
    assert latex(loss) == r"-2(y_{\text{true}} - y_{\text{pred}})"
    assert text(w5 * d_sigmoid(h1), notation=ARTICLE) == "w₅ · f'(h₁)"
    assert text(Mul(w5, h1, evaluate=False)) == "w₅ h₁"
    assert text(-(y_true + y_pred)) == "-y_pred - y_true"
    assert text(Mul(-1, Add(y_true, y_pred, evaluate=False), evaluate=False)) == "-(y_true + y_pred)"
    assert text(Pow(Add(y_true, -y_pred, evaluate=False), 2, evaluate=False)) == "(y_true - y_pred)²"
    assert latex(Pow(Add(y_true, -y_pred, evaluate=False), 2, evaluate=False)) == r"(y_{\text{true}} - y_{\text{pred}})^2"


def test_division():
    ratio = Mul(Add(y_pred, -y_true, evaluate=False), Pow(Mul(y_pred, Add(1, -y_pred, evaluate=False),
                                                               evaluate=False), -1, evaluate=False), evaluate=False)
    assert text(ratio) == "(y_pred - y_true)/(y_pred (1 - y_pred))"
    assert latex(ratio) == r"\frac{y_{\text{pred}} - y_{\text{true}}}{y_{\text{pred}} (1 - y_{\text{pred}})}"


def test_values_are_substituted_and_rounded():
    values = {y_true: 1.0, y_pred: 0.5236951, Derivative(L, y_pred): -0.9526}
    loss = Mul(-2, Add(y_true, -y_pred, evaluate=False), evaluate=False)
    assert text(loss, values=values) == "-2(1 - 0.524)"
    assert text(loss, values=values, digits=5) == "-2(1 - 0.52370)"  # 5 significant digits, the last a 0
    assert text(Derivative(L, y_pred), values=values) == "-0.953"
    # a negative number after a minus sign is bracketed; after a plus it is written as the article does
    assert text(Add(y_true, -y_pred, evaluate=False), values={y_true: 1.0, y_pred: -0.5}) == "1 - (-0.500)"
    assert text(Add(w1, x1, evaluate=False), values={w1: -2.0, x1: -1.0}) == "-2 + -1"
    assert latex(x1, values={x1: 1.349e-5}) == r"1.35 \cdot 10^{-5}"


def test_dots_in_long_sums():
    assert text(Add(Mul(w1, x1, evaluate=False), Dots(), b1, evaluate=False)) == "w₁ x₁ + ⋯ + b₁"
    assert latex(Add(Mul(w1, x1, evaluate=False), Dots(), b1, evaluate=False)) == r"w_1 x_1 + \cdots + b_1"


def test_pieces_for_line_breaks():
    chain = Mul(Derivative(L, y_pred), Derivative(y_pred, h1), evaluate=False)
    assert TextPrinter().pieces(chain) == [("", "∂L/∂y_pred"), ("·", "∂y_pred/∂h₁")]
    assert LatexPrinter({"mode": "plain"}).pieces(y_true - y_pred) == [("", r"y_{\text{true}}"), ("-", r"y_{\text{pred}}")]


@pytest.mark.parametrize("value, digits, shown", [
    (0.04742587317756678, 3, "0.0474"), (-0.9526097, 3, "-0.953"), (-3.0, 3, "-3"), (-0.0, 3, "0"),
    (0.02146953526581111, None, "0.02146953526581111"), (2.0, None, "2"), (123456.0, 3, "1.23e+05"),
])
def test_numbers(value, digits, shown):
    assert format_number(value, digits) == shown
