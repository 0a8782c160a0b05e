"""The symbolic derivation against three independent references.

1. the article's numbers (docs/article.md) and nncore's hand-written backprop,
2. sympy.diff of the loss written out in this file with SymPy's own exp,
3. central finite differences of the loss written out in this file with numpy
   (never the derivation's own ``loss_value``, which is under test here).
"""

import dataclasses
import math
import warnings

import numpy as np
import pytest
import sympy
from conftest import ALICE_PARAMS, ALICE_X, ALICE_Y
from hypothesis import given, settings
from hypothesis import strategies as st

import nncore
from derivations import Network, VerificationError, article_network, derive, rules
from derivations.chain import Derivation
from derivations.numeric import InputError

NAMES = nncore.PARAM_NAMES
w1, w2, w3, w4, w5, w6, b1, b2, b3, x1, x2, y_true = sympy.symbols(
    "w1 w2 w3 w4 w5 w6 b1 b2 b3 x1 x2 y_true", real=True
)


def article_loss():
    """L = (y_true - y_pred)^2 for the article's network, written from docs/article.md with SymPy's exp."""
    f = lambda s: 1 / (1 + sympy.exp(-s))  # noqa: E731
    h1 = f(w1 * x1 + w2 * x2 + b1)
    h2 = f(w3 * x1 + w4 * x2 + b2)
    return (y_true - f(w5 * h1 + w6 * h2 + b3)) ** 2


def backprop(params, x, y):
    network = nncore.OurNeuralNetwork()
    network.set_params(**params)
    return network.backprop(x, y)


# --- structure ---------------------------------------------------------------------


def test_parameters_in_the_articles_order():
    d = derive()
    assert [p.name for p in d.params] == list(NAMES)
    assert list(d.partials) == list(NAMES)
    assert [s.name for s in d.inputs] == ["x1", "x2"] and [s.name for s in d.targets] == ["y_true"]


def test_wiring_is_the_articles():
    g = derive().graph
    h1, h2, o1 = g.neurons
    assert (h1.name, [w.name for w in h1.weights], [i.name for i in h1.inputs], h1.bias.name) == (
        "h1", ["w1", "w2"], ["x1", "x2"], "b1")
    assert (h2.name, [w.name for w in h2.weights], h2.bias.name) == ("h2", ["w3", "w4"], "b2")
    assert (o1.name, o1.out.name, [w.name for w in o1.weights], [i.name for i in o1.inputs], o1.bias.name) == (
        "o1", "y_pred", ["w5", "w6"], ["h1", "h2"], "b3")


def test_loss_is_the_articles():
    ours = rules.to_explicit(derive().loss)
    assert sympy.simplify(ours - article_loss()) == 0


@pytest.mark.parametrize(
    "param, chain",
    [
        ("w1", ["d_L_d_ypred", "d_ypred_d_h1", "d_h1_d_w1"]),
        ("w2", ["d_L_d_ypred", "d_ypred_d_h1", "d_h1_d_w2"]),
        ("w3", ["d_L_d_ypred", "d_ypred_d_h2", "d_h2_d_w3"]),
        ("w4", ["d_L_d_ypred", "d_ypred_d_h2", "d_h2_d_w4"]),
        ("w5", ["d_L_d_ypred", "d_ypred_d_w5"]),
        ("w6", ["d_L_d_ypred", "d_ypred_d_w6"]),
        ("b1", ["d_L_d_ypred", "d_ypred_d_h1", "d_h1_d_b1"]),
        ("b2", ["d_L_d_ypred", "d_ypred_d_h2", "d_h2_d_b2"]),
        ("b3", ["d_L_d_ypred", "d_ypred_d_b3"]),
    ],
)
def test_chains_are_the_articles(param, chain):
    partial = derive().partials[param]
    assert [f.name for f in partial.factors] == chain
    assert partial.n_paths == 1 and len(partial.paths) == 1


def test_factor_names_are_the_article_codes():
    # the article's code names exactly these twelve, in this order
    assert list(derive().factors) == [
        "d_L_d_ypred", "d_ypred_d_w5", "d_ypred_d_w6", "d_ypred_d_b3", "d_ypred_d_h1", "d_ypred_d_h2",
        "d_h1_d_w1", "d_h1_d_w2", "d_h1_d_b1", "d_h2_d_w3", "d_h2_d_w4", "d_h2_d_b2",
    ]


def test_factors_in_named_and_raw_form():
    d = derive()
    g = d.graph
    sum_h1, sum_o1, h1, y_pred = (g.symbol(n) for n in ("sum_h1", "sum_o1", "h1", "y_pred"))
    sigma, dsigma = rules.sigmoid, rules.d_sigmoid
    assert d.factors["d_L_d_ypred"].named.doit() == -2 * (y_true - y_pred)
    assert d.factors["d_ypred_d_h1"].named == w5 * dsigma(sum_o1)
    assert d.factors["d_h1_d_w1"].named == x1 * dsigma(sum_h1)
    assert d.factors["d_ypred_d_w5"].named == h1 * dsigma(sum_o1)
    assert d.factors["d_h1_d_w1"].raw == x1 * dsigma(w1 * x1 + w2 * x2 + b1)
    raw_h1 = sigma(w1 * x1 + w2 * x2 + b1)
    raw_h2 = sigma(w3 * x1 + w4 * x2 + b2)
    assert d.factors["d_ypred_d_h1"].raw == w5 * dsigma(w5 * raw_h1 + w6 * raw_h2 + b3)
    assert [f.kind for f in d.partials["w1"].factors] == ["loss", "edge", "local"]


def test_partial_expr_is_the_product_of_raw_factors():
    for partial in derive().partials.values():
        product = sympy.Mul(*(f.raw for f in partial.factors))
        assert sympy.expand(partial.expr - product) == 0


# --- reference 2: sympy.diff of the loss written out here ---------------------------


def test_every_partial_equals_sympy_diff_of_the_expanded_loss():
    d = derive()
    loss = article_loss()
    points = [
        {w1: 1, w2: 1, w3: 1, w4: 1, w5: 1, w6: 1, b1: 0, b2: 0, b3: 0, x1: -2, x2: -1, y_true: 1},
        {w1: 0.3, w2: -1.2, w3: 2.1, w4: 0.7, w5: -0.4, w6: 1.9, b1: 0.1, b2: -0.8, b3: 0.5,
         x1: 25, x2: 6, y_true: 0},
    ]
    for name, partial in d.partials.items():
        reference = sympy.diff(loss, partial.param)
        ours = rules.to_explicit(partial.expr)
        for point in points:
            assert float(ours.evalf(30, subs=point)) == pytest.approx(
                float(reference.evalf(30, subs=point)), rel=1e-25, abs=1e-28), name


def test_verify_proves_the_article_network_symbolically():
    assert derive().verify() == dict.fromkeys(NAMES, "symbolic")


def test_verify_catches_a_wrong_derivative_rule(monkeypatch):
    class wrong_d_sigmoid(rules.d_sigmoid):
        # f'(x) = f(x)^2: a classic slip (forgot the 1 - f)
        def explicit(self):
            s = rules.sigmoid(self.args[0]).explicit()
            return s * s

    wrong = dataclasses.replace(rules.ACTIVATIONS["sigmoid"], derivative=wrong_d_sigmoid)
    monkeypatch.setitem(rules.ACTIVATIONS, "sigmoid", wrong)
    with pytest.raises(VerificationError, match="dL/dw1"):
        Derivation(article_network()).verify()


def test_verify_catches_a_wrong_loss_rule(monkeypatch):
    wrong = dataclasses.replace(rules.LOSSES["mse"], derivative=lambda y, p: -(y - p))  # lost the 2
    monkeypatch.setitem(rules.LOSSES, "mse", wrong)
    with pytest.raises(VerificationError) as caught:
        Derivation(article_network()).verify()
    assert caught.value.param == "w1"


# --- reference 1: the article and the hand-written backprop --------------------------


def test_alice_gradient_is_the_articles():
    gradient = derive().gradient(ALICE_PARAMS, [ALICE_X], [ALICE_Y])
    assert gradient["w1"] == pytest.approx(0.02146953526581111, rel=1e-15)
    handwritten = backprop(ALICE_PARAMS, ALICE_X, ALICE_Y)
    for name in NAMES:
        assert gradient[name] == pytest.approx(handwritten[name], rel=1e-12, abs=1e-15), name


def test_alice_intermediates_round_to_the_articles():
    values = derive().evaluate(ALICE_PARAMS, ALICE_X, ALICE_Y)
    assert round(values["h1"], 4) == 0.0474 and round(values["h2"], 4) == 0.0474
    assert round(values["y_pred"], 3) == 0.524
    assert values["h1"] == pytest.approx(0.04742587317756678, rel=1e-15)
    assert abs(values["d_L_d_ypred"] - -0.952) < 1e-3  # the article rounds o1 first
    assert round(values["d_ypred_d_h1"], 3) == 0.249
    assert round(values["d_h1_d_w1"], 4) == -0.0904
    assert values["d_L_d_w1"] == pytest.approx(0.02146953526581111, rel=1e-15)


def test_factor_values_equal_the_hand_written_ones(rng):
    d = derive()
    for _ in range(20):
        params = dict(zip(NAMES, rng.normal(size=9)))
        x, y = rng.normal(scale=5, size=2), float(rng.integers(0, 2))
        ours = d.evaluate(params, x, y)
        theirs = backprop(params, x, y)
        for name in d.factors:
            assert ours[name] == pytest.approx(theirs[name], rel=1e-12, abs=1e-300), name


def article_mean_loss(params, X, y):
    """The article's loss, mean over the samples, written from docs/article.md with math only."""
    f = lambda s: 1 / (1 + math.exp(-s))  # noqa: E731  (fine for the moderate inputs used here)
    p = params
    total = 0.0
    for (a, b), target in zip(X, y):
        h1 = f(p["w1"] * a + p["w2"] * b + p["b1"])
        h2 = f(p["w3"] * a + p["w4"] * b + p["b2"])
        total += (target - f(p["w5"] * h1 + p["w6"] * h2 + p["b3"])) ** 2
    return total / len(X)


def central_difference(params, X, y, name, loss=article_mean_loss, h=1e-6):
    up, down = dict(params), dict(params)
    up[name] += h
    down[name] -= h
    return (loss(up, X, y) - loss(down, X, y)) / (2 * h)


def test_three_way_agreement_at_seeded_random_points(rng):
    d = derive()
    for _ in range(30):
        params = dict(zip(NAMES, rng.normal(size=9)))
        x, y = rng.normal(scale=5, size=2), float(rng.integers(0, 2))
        symbolic = d.gradient(params, [x], [y])
        handwritten = backprop(params, x, y)
        for name in NAMES:
            assert symbolic[name] == pytest.approx(handwritten[name], rel=1e-12, abs=1e-15)
            fd = central_difference(params, [x], [y], name)
            assert symbolic[name] == pytest.approx(fd, rel=1e-5, abs=1e-8)


finite = st.floats(min_value=-4, max_value=4, allow_nan=False)


@settings(max_examples=60, deadline=None, database=None)
@given(params=st.lists(finite, min_size=9, max_size=9), x=st.lists(finite, min_size=2, max_size=2),
       y=st.sampled_from([0.0, 1.0]))
def test_property_symbolic_equals_hand_written(params, x, y):
    params = dict(zip(NAMES, params))
    symbolic = derive().gradient(params, [x], [y])
    handwritten = backprop(params, x, y)
    for name in NAMES:
        assert symbolic[name] == pytest.approx(handwritten[name], rel=1e-12, abs=1e-15)


@settings(max_examples=30, deadline=None, database=None)
@given(params=st.lists(finite, min_size=9, max_size=9), x=st.lists(finite, min_size=2, max_size=2),
       y=st.floats(min_value=0, max_value=1))
def test_property_symbolic_equals_finite_differences(params, x, y):
    d = derive()
    params = dict(zip(NAMES, params))
    symbolic = d.gradient(params, [x], [y])
    for name in NAMES:
        assert symbolic[name] == pytest.approx(central_difference(params, [x], [y], name), rel=1e-5, abs=1e-8)


# --- the mean over samples --------------------------------------------------------------


def test_batch_gradient_is_the_mean_of_per_sample_backprops(rng):
    params = dict(zip(NAMES, rng.normal(size=9)))
    gradient = derive().gradient(params, nncore.DATA, nncore.ALL_Y_TRUES)
    per_sample = [backprop(params, x, y) for x, y in zip(nncore.DATA, nncore.ALL_Y_TRUES)]
    for name in NAMES:
        assert gradient[name] == pytest.approx(np.mean([g[name] for g in per_sample]), rel=1e-12)


def test_loss_value_is_the_articles_mse(rng):
    network = nncore.OurNeuralNetwork(seed=5)
    expected = nncore.mse_loss(nncore.ALL_Y_TRUES, network.predict(nncore.DATA))
    assert derive().loss_value(network.params, nncore.DATA, nncore.ALL_Y_TRUES) == pytest.approx(expected, rel=1e-14)
    zeros = dict.fromkeys(NAMES, 0.0)
    # with every parameter 0 the network says 0.5 for everyone
    assert derive().loss_value(zeros, nncore.DATA, nncore.ALL_Y_TRUES) == pytest.approx(0.25)


def test_the_numeric_functions_are_built_once(monkeypatch):
    # the issue: lambdified with cse, built once and cached
    d = derive()
    first = d.gradient(ALICE_PARAMS, [ALICE_X], [ALICE_Y])
    d.loss_value(ALICE_PARAMS, [ALICE_X], [ALICE_Y])
    monkeypatch.setattr("sympy.lambdify", lambda *a, **k: pytest.fail("lambdified again"))
    assert derive().gradient(ALICE_PARAMS, [ALICE_X], [ALICE_Y]) == first
    derive(Network((2, 2, 1))).loss_value(ALICE_PARAMS, nncore.DATA, nncore.ALL_Y_TRUES)
    derive().evaluate(ALICE_PARAMS, ALICE_X, ALICE_Y)


def test_large_inputs_give_no_warnings_and_no_nan():
    d = derive()
    params = dict.fromkeys(NAMES, 1e3)
    X = [[1e4, -1e4], [-1e4, 1e4], [1e4, 1e4]]
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        gradient = d.gradient(params, X, [1, 0, 1])
        loss = d.loss_value(params, X, [1, 0, 1])
    assert all(np.isfinite(v) for v in gradient.values()) and np.isfinite(loss)


# --- the general path gives the article's results exactly --------------------------------


def test_network_2_2_1_is_the_article_network():
    assert Network(layers=(2, 2, 1)) == article_network()
    assert derive(Network(layers=(2, 2, 1))) is derive()


def mean_loss_3_4_2_2(params, X, Y):
    """3-4-2-2, tanh then softplus then sigmoid, summed squared error: numpy, by the naming rules.

    Weights layer by layer, neuron by neuron, input by input (w1..w12 into the
    first layer, w13..w20 into the second, w21..w24 into the outputs), then
    the biases b1..b8 neuron by neuron.
    """
    w = np.array([params[f"w{k}"] for k in range(1, 25)])
    b = np.array([params[f"b{k}"] for k in range(1, 9)])
    a = np.tanh(np.asarray(X) @ w[:12].reshape(4, 3).T + b[:4])
    a = np.logaddexp(0.0, a @ w[12:20].reshape(2, 4).T + b[4:6])
    a = 1 / (1 + np.exp(-(a @ w[20:24].reshape(2, 2).T + b[6:8])))
    return float(np.mean(np.sum((np.asarray(Y) - a) ** 2, axis=1)))


def test_general_engine_with_other_sizes_against_finite_differences(rng):
    net = Network((3, 4, 2, 2), activation=("tanh", "softplus", "sigmoid"), loss="mse")
    d = derive(net)
    params = {p.name: v for p, v in zip(d.params, rng.normal(size=len(d.params)))}
    assert list(params) == [f"w{k}" for k in range(1, 25)] + [f"b{k}" for k in range(1, 9)]
    X, Y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    assert d.loss_value(params, X, Y) == pytest.approx(mean_loss_3_4_2_2(params, X, Y), rel=1e-12)
    gradient = d.gradient(params, X, Y)
    for name in params:
        fd = central_difference(params, X, Y, name, loss=mean_loss_3_4_2_2)
        assert gradient[name] == pytest.approx(fd, rel=1e-5, abs=1e-8)


# --- bad numeric input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, X, y, message",
    [
        ({**ALICE_PARAMS, "w7": 1}, [ALICE_X], [1], "unknown w7"),
        ({k: v for k, v in ALICE_PARAMS.items() if k != "b3"}, [ALICE_X], [1], "missing b3"),
        ({**ALICE_PARAMS, "w1": "one"}, [ALICE_X], [1], "real number"),
        (ALICE_PARAMS, [[1, 2, 3]], [1], "2 columns"),
        (ALICE_PARAMS, [ALICE_X], [1, 0], "shape"),
        (ALICE_PARAMS, [[float("nan"), 1]], [1], "NaN"),
        (ALICE_PARAMS, [["a", 1]], [1], "numbers only"),
        ([1] * 9, [ALICE_X], [1], "map names"),
    ],
)
def test_bad_numeric_input_is_a_clear_error(params, X, y, message):
    with pytest.raises(InputError, match=message):
        derive().gradient(params, X, y)


def test_a_chain_is_structure_first_and_formulas_when_read():
    """Printing one parameter of a wide network needs the chain's names, not 8,700 SymPy products."""
    from derivations import Network
    from derivations.chain import Derivation

    d = Derivation(Network((2, 16, 16, 1)))
    chain = d.partials["w1"].factors
    assert [f.kind for f in chain] == ["upstream", "local"]
    assert not any("named" in vars(f) for f in d.factors.values())  # no formula made yet
    h1 = d.graph.neurons[0]
    assert chain[1].named == d.graph.inputs[0] * h1.activation.derivative_of(h1.sum)
    assert "named" in vars(chain[1]) and "named" not in vars(chain[0])
