"""Every generated target (python, numpy, C, JavaScript) against independent references.

References: the article's hand-written backprop (nncore), the derivation's
lambdified gradient (``derive(net).gradient``), and central finite
differences of a loss computed by a numpy forward pass written here from the
documented naming rules (it never imports derivations).  Each target is run
as a user runs it: the Python sources imported as modules, the C compiled
with the system's compiler and called through ctypes, the JavaScript
imported by a real Node process (tests/nodejs.py).
"""

import numpy as np
import pytest

import nncore
from conftest import ALICE_PARAMS, ALICE_X, ALICE_Y, require_tool
from nodejs import NodeModule
from derivations import Network, cbuild, derive
from derivations.codegen import generate, load_module

TARGETS = ("python", "numpy", "c", "js")
ARTICLE = Network()
OTHERS = [
    Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
    Network((3, 2, 2), "relu", "identity", "mse"),
    Network((2, 2, 1), "softplus"),
    Network((2, 3, 2, 1), ("relu", "tanh", "sigmoid"), loss="bce"),
    Network((1, 1), "sigmoid", loss="bce"),
    Network((2, 3, 2), "leaky_relu", "identity"),
]
RTOL = 1e-12


@pytest.fixture(scope="module")
def c_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("c-libraries")


@pytest.fixture(scope="module")
def build(c_dir):
    """``build(network, target)``: the target's functions, ready to call."""
    cache = {}

    def make(network, target):
        if (network, target) not in cache:
            if target == "c":
                require_tool("cc")
                cache[network, target] = cbuild.load(network, directory=c_dir)
            elif target == "js":
                cache[network, target] = NodeModule(generate(network, target), require_tool("node"))
            else:
                cache[network, target] = load_module(generate(network, target))
        return cache[network, target]

    yield make
    for module in cache.values():
        if isinstance(module, NodeModule):
            module.close()


# --- the independent reference: a numpy forward pass from the naming rules -------------------

ACTIVATIONS = {
    "sigmoid": lambda s: 0.5 * (1.0 + np.tanh(0.5 * s)),
    "tanh": np.tanh,
    "relu": lambda s: np.maximum(s, 0.0),
    "leaky_relu": lambda s: np.maximum(s, 0.01 * s),
    "softplus": lambda s: np.logaddexp(0.0, s),
    "identity": lambda s: s,
}


def reference_loss(network, params, X, y):
    """The mean loss, computed layer by layer with matrices unpacked by the README's rules."""
    sizes = network.layers
    params = np.asarray(params, dtype=float)
    n_weights = network.n_weights
    weights, biases = params[:n_weights], params[n_weights:]
    a = np.asarray(X, dtype=float)
    for fan_in, size, name in zip(sizes, sizes[1:], network.activations):
        W = weights[: fan_in * size].reshape(size, fan_in)  # neuron by neuron, input by input
        weights = weights[fan_in * size:]
        s = a @ W.T + biases[:size]
        biases = biases[size:]
        a = ACTIVATIONS[name](s)
    y = np.asarray(y, dtype=float).reshape(len(a), -1)
    if network.loss == "mse":
        per_sample = ((y - a) ** 2).sum(axis=1)
    else:  # bce on a sigmoid output, from the pre-activation s: log(1 + e^s) - y s
        per_sample = (np.logaddexp(0.0, s) - y * s).sum(axis=1)
    return float(per_sample.mean())


def finite_differences(network, params, X, y, h=1e-6):
    params = np.asarray(params, dtype=float)
    grad = []
    for k in range(len(params)):
        step = h * max(1.0, abs(params[k]))
        up, down = params.copy(), params.copy()
        up[k] += step
        down[k] -= step
        grad.append((reference_loss(network, up, X, y) - reference_loss(network, down, X, y)) / (2 * step))
    return np.array(grad)


def lambdified(network, params, X, y):
    d = derive(network)
    values = d.gradient(dict(zip((p.name for p in d.params), params)), X, y)
    return np.array(list(values.values()))


def assert_close(ours, reference, rtol=RTOL):
    ours, reference = np.asarray(ours, dtype=float), np.asarray(reference, dtype=float)
    # a mean over samples may cancel: then the scale is the largest component, not each one
    np.testing.assert_allclose(ours, reference, rtol=rtol, atol=rtol * np.max(np.abs(reference)))


def draw(rng, network, n):
    params = rng.normal(size=network.n_params)
    X = rng.normal(scale=3.0, size=(n, network.n_inputs))
    if network.loss == "bce":
        y = rng.integers(0, 2, size=(n, network.n_outputs)).astype(float)
    else:
        y = rng.normal(size=(n, network.n_outputs))
    return params, X, (y[:, 0] if network.n_outputs == 1 else y)


# --- the article's network ---------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_alice_gives_the_articles_partials(build, target):
    module = build(ARTICLE, target)
    grad = dict(zip(nncore.PARAM_NAMES, module.gradients(list(ALICE_PARAMS.values()), [ALICE_X], [ALICE_Y])))
    assert grad["w1"] == pytest.approx(0.02146953526581111, rel=1e-15)  # article: 0.0214
    assert grad["b3"] == pytest.approx(-0.23761755952842809, rel=1e-15)
    assert grad["w5"] == pytest.approx(-0.011269220242958155, rel=1e-15)


@pytest.mark.parametrize("target", TARGETS)
def test_article_network_matches_handwritten_backprop_one_sample(build, rng, target):
    module = build(ARTICLE, target)
    network = nncore.OurNeuralNetwork()
    for _ in range(50):
        params, X, y = draw(rng, ARTICLE, 1)
        network.set_params(**dict(zip(nncore.PARAM_NAMES, params)))
        expected = network.backprop(X[0], y[0])
        assert_close(module.gradients(params, X, y), [expected[name] for name in nncore.PARAM_NAMES])


@pytest.mark.parametrize("target", TARGETS)
def test_article_network_matches_handwritten_backprop_in_batches(build, rng, target):
    module = build(ARTICLE, target)
    network = nncore.OurNeuralNetwork()
    for n in (2, 7, 40):
        params, X, y = draw(rng, ARTICLE, n)
        network.set_params(**dict(zip(nncore.PARAM_NAMES, params)))
        per_sample = [[network.backprop(x, t)[name] for name in nncore.PARAM_NAMES] for x, t in zip(X, y)]
        assert_close(module.gradients(params, X, y), np.mean(per_sample, axis=0))
        assert_close(module.gradients(params, X, y), lambdified(ARTICLE, params, X, y))
        assert module.loss(params, X, y) == pytest.approx(nncore.mse_loss(y, network.predict(X)), rel=RTOL)


@pytest.mark.parametrize("target", TARGETS)
def test_generated_train_reproduces_the_articles_training(build, target):
    module = build(ARTICLE, target)
    network = nncore.OurNeuralNetwork(seed=7)
    start = list(network.params.values())
    expected_history = network.train(nncore.DATA, nncore.ALL_Y_TRUES, epochs=300)
    params, history = module.train(start, nncore.DATA, nncore.ALL_Y_TRUES, epochs=300, learn_rate=0.1)
    assert len(history) == 300
    assert_close(history, expected_history)
    assert_close(params, list(network.params.values()))


@pytest.mark.parametrize("target", TARGETS)
def test_sgd_step_is_the_articles_update(build, rng, target):
    module = build(ARTICLE, target)
    params, X, y = draw(rng, ARTICLE, 1)
    network = nncore.OurNeuralNetwork()
    network.set_params(**dict(zip(nncore.PARAM_NAMES, params)))
    partials = network.backprop(X[0], y[0])
    expected = [p - 0.5 * partials[name] for p, name in zip(params, nncore.PARAM_NAMES)]
    before = params.copy()
    assert_close(module.sgd_step(params, X[0], y[0], 0.5), expected)
    assert np.array_equal(params, before)  # the caller's params are left alone


@pytest.mark.parametrize("target", TARGETS)
def test_predict_is_the_feedforward(build, rng, target):
    module = build(ARTICLE, target)
    params, X, _ = draw(rng, ARTICLE, 5)
    network = nncore.OurNeuralNetwork()
    network.set_params(**dict(zip(nncore.PARAM_NAMES, params)))
    assert_close(module.predict(params, X), network.predict(X))


# --- other networks ------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("network", OTHERS, ids=lambda n: n.describe())
def test_other_networks_match_the_lambdified_gradient(build, rng, network, target):
    module = build(network, target)
    for n in (1, 1, 1, 5, 30):
        params, X, y = draw(rng, network, n)
        assert_close(module.gradients(params, X, y), lambdified(network, params, X, y))
        d = derive(network)
        loss = d.loss_value(dict(zip((p.name for p in d.params), params)), X, y)
        assert module.loss(params, X, y) == pytest.approx(loss, rel=RTOL)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("network", [ARTICLE] + OTHERS, ids=lambda n: n.describe())
def test_gradient_matches_finite_differences_of_an_independent_loss(build, rng, network, target):
    module = build(network, target)
    for n in (1, 6):
        params, X, y = draw(rng, network, n)
        assert module.loss(params, X, y) == pytest.approx(reference_loss(network, params, X, y), rel=1e-12)
        np.testing.assert_allclose(
            module.gradients(params, X, y), finite_differences(network, params, X, y), rtol=1e-6, atol=1e-8
        )


@pytest.mark.parametrize("target", TARGETS)
def test_several_outputs_take_targets_row_by_row(build, rng, target):
    network = OTHERS[1]  # 3-2-2: y has one row (y_true1, y_true2) per sample
    module = build(network, target)
    params, X, y = draw(rng, network, 4)
    assert np.shape(y) == (4, 2)
    outputs = np.asarray(module.predict(params, X), dtype=float)
    assert outputs.shape == (4, 2)
    for i in range(4):
        assert_close(np.asarray(module.predict(params, X[i:i + 1]), dtype=float), outputs[i:i + 1])
    after = module.sgd_step(params, X[0], y[0], 0.1)
    assert_close(after, np.asarray(params) - 0.1 * lambdified(network, params, X[:1], y[:1]))


# --- numerical stability ---------------------------------------------------------------------


def extremes(rng, network, n=40):
    """Parameters up to ±1e3 and inputs up to ±1e4: random, and the corners."""
    params = rng.uniform(-1e3, 1e3, size=network.n_params)
    X = rng.uniform(-1e4, 1e4, size=(n, network.n_inputs))
    X[:4] = [[s * 1e4] * network.n_inputs for s in (1, -1, 1, -1)]
    corners = [np.full(network.n_params, 1e3), np.full(network.n_params, -1e3), params]
    y = rng.integers(0, 2, size=(n, network.n_outputs)).astype(float)
    return corners, X, (y[:, 0] if network.n_outputs == 1 else y)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("network", [ARTICLE] + OTHERS, ids=lambda n: n.describe())
def test_no_overflow_nan_or_warning_at_the_extremes(build, rng, network, target):
    module = build(network, target)
    corners, X, y = extremes(rng, network)
    for params in corners:
        with np.errstate(all="raise"):  # and pytest turns every warning into an error
            grad = np.asarray(module.gradients(params, X, y), dtype=float)
            loss = module.loss(params, X, y)
            out = np.asarray(module.predict(params, X), dtype=float)
            for k in range(0, len(X), 9):
                one = np.asarray(module.gradients(params, X[k:k + 1], y[k:k + 1]), dtype=float)
                assert np.all(np.isfinite(one))
        assert np.all(np.isfinite(grad)) and np.isfinite(loss) and np.all(np.isfinite(out))
        assert_close(grad, lambdified(network, params, X, y), rtol=1e-9)


# --- random networks (issue 6: generated code = lambdified, for any network) ---------------------


def random_network(seed):
    """A seeded random layered network: sizes, per-layer activations and the loss all drawn."""
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 4))  # layers after the inputs
    sizes = (int(rng.integers(1, 4)),) + tuple(int(rng.integers(1, 5)) for _ in range(depth))
    activations = tuple(str(a) for a in rng.choice(list(ACTIVATIONS), size=depth))
    loss = str(rng.choice(["mse", "bce"]))
    if loss == "bce":
        activations = activations[:-1] + ("sigmoid",)
    return Network(sizes, activations, loss=loss)


RANDOM = [random_network(seed) for seed in range(8)]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("network", RANDOM, ids=lambda n: n.describe())
def test_random_networks_generated_code_equals_the_lambdified_gradient(build, rng, network, target):
    module = build(network, target)
    for n in (1, 5):
        params, X, y = draw(rng, network, n)
        assert_close(module.gradients(params, X, y), lambdified(network, params, X, y))
        assert module.loss(params, X, y) == pytest.approx(reference_loss(network, params, X, y), rel=1e-12)
