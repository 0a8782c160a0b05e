"""nncore against the article's own numbers and against finite differences."""

import ast
import importlib.util
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import ALICE_PARAMS, ALICE_X, ALICE_Y

import nncore
from nncore import (
    ALL_Y_TRUES,
    DATA,
    EMILY,
    FRANK,
    PARAM_NAMES,
    PEOPLE,
    Neuron,
    OurNeuralNetwork,
    deriv_sigmoid,
    mse_loss,
    sigmoid,
)

ARTICLE_NETWORK = Path(__file__).parent / "check_inputs" / "article_network.py"

# docs/article.md: the worked example at full precision
ARTICLE_PARTIALS = {
    "w1": 0.02146953526581111,
    "w2": 0.010734767632905555,
    "w3": 0.02146953526581111,
    "w4": 0.010734767632905555,
    "w5": -0.011269220242958155,
    "w6": -0.011269220242958155,
    "b1": -0.010734767632905555,
    "b2": -0.010734767632905555,
    "b3": -0.23761755952842809,
}


def alice_network():
    network = OurNeuralNetwork()
    network.set_params(**ALICE_PARAMS)
    return network


def loss_of(params, x, y_true):
    """The single-sample loss, written from the article's formulas with math only."""
    f = lambda s: 1 / (1 + math.exp(-s))  # noqa: E731  (fine for these moderate inputs)
    p = params
    h1 = f(p["w1"] * x[0] + p["w2"] * x[1] + p["b1"])
    h2 = f(p["w3"] * x[0] + p["w4"] * x[1] + p["b2"])
    return (y_true - f(p["w5"] * h1 + p["w6"] * h2 + p["b3"])) ** 2


def central_difference(params, x, y_true, name, h=1e-6):
    up, down = dict(params), dict(params)
    up[name] += h
    down[name] -= h
    return (loss_of(up, x, y_true) - loss_of(down, x, y_true)) / (2 * h)


# --- the article's small examples -------------------------------------------------


def test_the_cited_numbers_are_in_docs_article_md():
    article = (Path(__file__).parent.parent / "docs" / "article.md").read_text()
    for value in (*ARTICLE_PARTIALS.values(), 0.9990889488055994, 0.7216325609518421):
        assert repr(abs(value)) in article, value


def test_neuron_example():
    assert Neuron([0, 1], 4).feedforward([2, 3]) == 0.9990889488055994


def test_feedforward_example():
    network = OurNeuralNetwork()
    network.set_params(w1=0, w2=1, w3=0, w4=1, w5=0, w6=1, b1=0, b2=0, b3=0)
    assert network.feedforward(np.array([2, 3])) == 0.7216325609518421


def test_mse_example():
    assert mse_loss(np.array([1, 0, 0, 1]), np.array([0, 0, 0, 0])) == 0.5


def test_sigmoid_matches_the_textbook_formula():
    xs = np.linspace(-700, 700, 2001)
    assert np.array_equal(sigmoid(xs), 1 / (1 + np.exp(-xs)))


@pytest.mark.parametrize("x", [1e4, -1e4, 745.0, -745.0, -1e300, 1e300, np.array([-1e4, 0.0, 1e4])])
def test_sigmoid_is_stable(x):
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        value = sigmoid(x)
        d = deriv_sigmoid(x)
    assert np.all(np.isfinite(value)) and np.all((0 <= value) & (value <= 1))
    assert np.all(np.isfinite(d))


def test_sigmoid_of_one_float_is_the_textbook_formula():
    # training calls f on one float at a time, the route the article's speed depends on
    for x in np.linspace(-700, 700, 2001).tolist() + [-0.0, 1e-300, 36.7, 37.0]:
        assert sigmoid(x) == 1 / (1 + math.exp(-x)), x
        assert sigmoid(x) == pytest.approx(float(sigmoid(np.array([x]))[0]), rel=4e-16, abs=0), x


@pytest.mark.parametrize("x", [1e4, -1e4, 745.0, -745.0, -1e300, 1e300, math.inf, -math.inf])
def test_sigmoid_of_one_float_is_stable(x):
    value = sigmoid(x)
    assert isinstance(value, float) and 0 <= value <= 1
    assert math.isfinite(deriv_sigmoid(x))


def test_sigmoid_keeps_the_type_it_is_given():
    assert type(sigmoid(0.5)) is float and type(sigmoid(np.float64(0.5))) is float
    assert isinstance(sigmoid(0), np.floating) and sigmoid(np.array([0.0, 1.0])).shape == (2,)
    assert sigmoid([[0.0]]).shape == (1, 1)


def test_sigmoid_far_left_is_e_to_the_x():
    assert sigmoid(-710.0) == pytest.approx(math.exp(-710.0), rel=1e-12)
    assert sigmoid(np.array([-710.0]))[0] == pytest.approx(math.exp(-710.0), rel=1e-12)


def test_deriv_sigmoid_against_finite_differences():
    for x in (-5.0, -0.3, 0.0, 2.0, 7.0):
        h = 1e-6
        assert deriv_sigmoid(x) == pytest.approx((sigmoid(x + h) - sigmoid(x - h)) / (2 * h), rel=1e-6)


# --- the data -------------------------------------------------------------------------


def test_data_is_the_articles_table():
    raw = [(p.name, p.weight_lb, p.height_in, p.gender) for p in PEOPLE]
    assert raw == [("Alice", 133, 65, "F"), ("Bob", 160, 72, "M"), ("Charlie", 152, 70, "M"), ("Diana", 120, 60, "F")]
    assert DATA.tolist() == [[-2, -1], [25, 6], [17, 4], [-15, -6]]
    assert ALL_Y_TRUES.tolist() == [1, 0, 0, 1]
    assert EMILY.x.tolist() == [-7, -3] and FRANK.x.tolist() == [20, 2]
    assert nncore.shift(128, 63).tolist() == [-7, -3]


def test_people_to_predict_have_no_label():
    with pytest.raises(ValueError, match="no label"):
        EMILY.y_true
    with pytest.raises(KeyError, match="known: alice"):
        nncore.person("zoe")


# --- backprop -------------------------------------------------------------------------


def test_backprop_on_alice_gives_the_articles_numbers():
    result = alice_network().backprop(ALICE_X, ALICE_Y)
    for name, value in ARTICLE_PARTIALS.items():
        assert result[name] == pytest.approx(value, rel=1e-15, abs=1e-17), name


def test_backprop_factors_round_to_the_articles():
    network = alice_network()
    f = network.backprop(ALICE_X, ALICE_Y)
    o1 = network.feedforward(ALICE_X)
    assert round(o1, 3) == 0.524
    # the article's -0.952 is -2(1 - 0.524), from the rounded o1; the exact -0.95261 is within 0.001
    assert round(-2 * (1 - round(o1, 3)), 3) == -0.952
    assert abs(f["d_L_d_ypred"] - -0.952) < 1e-3
    assert round(f["d_ypred_d_h1"], 3) == 0.249
    assert round(f["d_h1_d_w1"], 4) == -0.0904
    # the article's 0.0214 is the product of its rounded factors; the exact value rounds to 0.0215
    rounded_factors = round(-2 * (1 - round(o1, 3)), 3), round(f["d_ypred_d_h1"], 3), round(f["d_h1_d_w1"], 4)
    assert round(rounded_factors[0] * rounded_factors[1] * rounded_factors[2], 4) == 0.0214
    assert round(f["w1"], 4) == 0.0215


def test_backprop_returns_every_article_factor():
    names = {
        "d_L_d_ypred", "d_ypred_d_w5", "d_ypred_d_w6", "d_ypred_d_b3", "d_ypred_d_h1", "d_ypred_d_h2",
        "d_h1_d_w1", "d_h1_d_w2", "d_h1_d_b1", "d_h2_d_w3", "d_h2_d_w4", "d_h2_d_b2",
    }
    assert set(alice_network().backprop(ALICE_X, ALICE_Y)) == names | set(PARAM_NAMES)


def test_backprop_against_central_differences(rng):
    for _ in range(50):
        params = dict(zip(PARAM_NAMES, rng.normal(size=9)))
        x, y_true = rng.normal(scale=3, size=2), float(rng.integers(0, 2))
        network = OurNeuralNetwork()
        network.set_params(**params)
        result = network.backprop(x, y_true)
        for name in PARAM_NAMES:
            assert result[name] == pytest.approx(central_difference(params, x, y_true, name), rel=1e-6, abs=1e-9)


# --- training -------------------------------------------------------------------------


def test_seed_makes_the_draw_repeatable():
    assert OurNeuralNetwork(seed=3).params == OurNeuralNetwork(seed=3).params
    assert OurNeuralNetwork(seed=3).params == OurNeuralNetwork(seed=np.random.default_rng(3)).params
    assert OurNeuralNetwork(seed=3).params != OurNeuralNetwork(seed=4).params


@pytest.mark.parametrize("learn_rate", [0.1, 0.5])
def test_one_sgd_step_moves_every_parameter_by_the_partial(learn_rate):
    network = alice_network()
    network.train(np.array([ALICE_X]), np.array([ALICE_Y]), epochs=1, learn_rate=learn_rate)
    for name, partial in ARTICLE_PARTIALS.items():
        assert getattr(network, name) == pytest.approx(ALICE_PARAMS[name] - learn_rate * partial, rel=1e-14)


def test_training_is_repeatable_and_learns():
    a, b = OurNeuralNetwork(seed=42), OurNeuralNetwork(seed=42)
    history = a.train(DATA, ALL_Y_TRUES)
    assert history == b.train(DATA, ALL_Y_TRUES)
    assert len(history) == 1000
    assert history[-1] < 0.01
    assert history[-1] == pytest.approx(mse_loss(ALL_Y_TRUES, a.predict(DATA)))
    assert a.feedforward(EMILY.x) > 0.9
    assert a.feedforward(FRANK.x) < 0.1
    assert nncore.gender_of(a.feedforward(EMILY.x)) == "F"


def test_training_ends_where_the_articles_class_ends(capsys):
    """The reference: the article's own class, copied faithfully in tests/check_inputs."""
    spec = importlib.util.spec_from_file_location("article_network", ARTICLE_NETWORK)
    article = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(article)  # the article's script: trains once and prints, as it does
    start = OurNeuralNetwork(seed=7).params
    theirs = article.OurNeuralNetwork()
    for name, value in start.items():
        setattr(theirs, name, value)
    theirs.train(article.data, article.all_y_trues)  # 1000 epochs at 0.1, hard-coded
    ours = OurNeuralNetwork()
    ours.set_params(**start)
    history = ours.train(DATA, ALL_Y_TRUES, epochs=1000, learn_rate=0.1)
    for name in PARAM_NAMES:
        assert ours.params[name] == pytest.approx(getattr(theirs, name), rel=1e-12), name
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Epoch ")]
    assert printed[-1] == f"Epoch 990 loss: {history[990]:.3f}"


def test_nncore_imports_no_derivations_and_no_cycles():
    """Every import, inside functions too: nncore is the reference, so it never leans on derivations."""
    package = Path(nncore.__file__).parent
    imports = {}
    for path in package.glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names.add(node.module or "")
        assert not any(name.split(".")[0] == "derivations" for name in names), path.name
        module = "nncore" if path.stem == "__init__" else f"nncore.{path.stem}"
        imports[module] = {name for name in names if name.startswith("nncore.") or name == "nncore"} - {module}

    def reaches(start, goal, seen=()):
        return any(n == goal or (n not in seen and reaches(n, goal, seen + (n,))) for n in imports.get(start, ()))

    assert {"nncore", "nncore.network", "nncore.train", "nncore.activations"} <= set(imports)
    cycles = [module for module in imports if reaches(module, module)]
    assert cycles == [], imports


def test_verbose_prints_every_tenth_epoch(capsys):
    OurNeuralNetwork(seed=0).train(DATA, ALL_Y_TRUES, epochs=25, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" loss:")[0] for line in lines] == ["Epoch 0", "Epoch 10", "Epoch 20"]
    assert all(len(line.split("loss: ")[1]) == 5 for line in lines)  # three decimals, as the article


def test_set_params_rejects_unknown_names():
    with pytest.raises(TypeError, match="w7"):
        OurNeuralNetwork().set_params(w7=1)
