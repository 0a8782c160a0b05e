"""The half-MSE loss, L = 1/2 (y_true - y_pred)^2, end to end: derive, numbers, printing, codegen.

Its partials are half the article's: checked against nncore's hand-written
backprop (for MSE) halved, and against sympy.diff of the expanded loss.
"""

import math

import nncore
import pytest
from sympy import Rational, diff

from derivations import Network, derive
from derivations.codegen import generate, load

HALF = Network((2, 2, 1), loss="half-mse")
ALICE = dict(w1=1.0, w2=1.0, w3=1.0, w4=1.0, w5=1.0, w6=1.0, b1=0.0, b2=0.0, b3=0.0)
POINT = dict(w1=0.3, w2=-0.7, w3=1.1, w4=0.2, w5=-0.4, w6=0.9, b1=0.1, b2=-0.3, b3=0.5)


@pytest.mark.parametrize("params, x, y", [(ALICE, [-2.0, -1.0], 1.0), (POINT, [1.5, -0.5], 0.3)])
def test_partials_are_half_of_the_article_backprop(params, x, y):
    values = derive(HALF).evaluate(params, x, y)
    network = nncore.OurNeuralNetwork(seed=0)
    network.set_params(**params)
    theirs = network.backprop(x, y)
    for name in nncore.PARAM_NAMES:
        assert math.isclose(values[f"d_L_d_{name}"], theirs[name] / 2, rel_tol=1e-12, abs_tol=1e-15)


def test_loss_is_half_the_squared_error_and_matches_sympy_diff():
    d = derive(HALF)
    y, p = d.targets[0], d.graph.outputs[0].out
    term = HALF.loss and d.graph.loss_rule.term(y, p)
    assert (term - Rational(1, 2) * (y - p) ** 2).expand() == 0
    assert (diff(term.doit(), p) - d.graph.loss_rule.derivative(y, p)).expand() == 0


def test_printing_names_it_and_verify_passes():
    d = derive(HALF)
    assert "half the squared error" in d.to_text()
    assert "half the squared error" in d.to_markdown()
    assert d.verify(points=2)


@pytest.mark.parametrize("target", ["python", "numpy"])
def test_generated_code_computes_half_the_article_gradient(target):
    module = load(HALF, target)
    assert "half-mse" in generate(HALF, target)
    network = nncore.OurNeuralNetwork(seed=0)
    network.set_params(**POINT)
    theirs = network.backprop([1.5, -0.5], 0.3)
    ours = _gradient(module, POINT, [1.5, -0.5], 0.3)
    for name in nncore.PARAM_NAMES:
        assert math.isclose(ours[name], theirs[name] / 2, rel_tol=1e-12, abs_tol=1e-15)


def _gradient(module, params, x, y):
    values = module.gradients([params[name] for name in module.PARAMS], [x], [y])
    return dict(zip(module.PARAMS, (float(v) for v in values)))


def test_cli_accepts_the_name(capsys):
    from derivations.cli import main
    assert main(["derive", "--loss", "half-mse"]) == 0
    assert "half the squared error" in capsys.readouterr().out


def test_the_c_target_computes_half_the_article_gradient(tmp_path):
    from conftest import require_tool

    from derivations.cbuild import load as load_c
    require_tool("cc")
    compiled = load_c(HALF, directory=tmp_path)
    network = nncore.OurNeuralNetwork(seed=0)
    network.set_params(**POINT)
    theirs = network.backprop([1.5, -0.5], 0.3)
    ours = compiled.gradients([POINT[name] for name in nncore.PARAM_NAMES], [[1.5, -0.5]], [0.3])
    for name, value in zip(nncore.PARAM_NAMES, ours):
        assert math.isclose(float(value), theirs[name] / 2, rel_tol=1e-12, abs_tol=1e-15)
