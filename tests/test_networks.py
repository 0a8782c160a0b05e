"""Random networks: the derived gradient against an independent numpy forward pass.

The reference below never imports derivations: it unpacks the parameters by
the documented naming rules (weights layer by layer, neuron by neuron, input
by input; biases neuron by neuron, layer by layer), runs the network in numpy
and takes central finite differences of the mean loss.  The derivation's
lambdified gradient and loss must match it in float64.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations import Network, derive
from derivations.chain import MAX_PATHS, Derivation
from derivations.program import build_program

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity")


# --- the independent reference -----------------------------------------------------------------


def _sigmoid(s):
    return 0.5 * (1.0 + np.tanh(0.5 * s))  # the logistic function, with no overflow for any s


REFERENCE = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda s: np.maximum(s, 0.0),
    "leaky_relu": lambda s: np.maximum(s, 0.01 * s),
    "softplus": lambda s: np.logaddexp(0.0, s),
    "identity": lambda s: s,
}


def unpack(sizes, values):
    """Weight matrices (out x in) and bias vectors from the flat parameter list, by the naming rules."""
    n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    weights, biases = values[:n_weights], values[n_weights:]
    Ws, bs = [], []
    for fan_in, size in zip(sizes, sizes[1:]):
        Ws.append(np.reshape(weights[: fan_in * size], (size, fan_in)))
        weights = weights[fan_in * size:]
        bs.append(biases[:size])
        biases = biases[size:]
    return Ws, bs


def forward(sizes, activations, values, X):
    """Every layer's pre-activations for each sample, and the network's outputs."""
    a = np.asarray(X, dtype=float)
    sums = []
    for W, b, name in zip(*unpack(sizes, values), activations):
        s = a @ W.T + b
        sums.append(s)
        a = REFERENCE[name](s)
    return sums, a


def mean_loss(network, values, X, y):
    sums, out = forward(network.layers, network.activations, values, X)
    Y = np.reshape(np.asarray(y, dtype=float), out.shape)
    if network.loss == "mse":
        per_sample = np.sum((Y - out) ** 2, axis=1)
    else:  # bce on a sigmoid output, from its sum s: -(y log f(s) + (1-y) log(1-f(s))) = log(1+e^s) - y s
        s = sums[-1]
        per_sample = np.sum(np.logaddexp(0.0, s) - Y * s, axis=1)
    return float(np.mean(per_sample))


def finite_differences(network, values, X, y, step=1e-6):
    """Central differences of the mean loss, one parameter at a time."""
    grad = np.empty(len(values))
    for i in range(len(values)):
        h = step * max(1.0, abs(values[i]))
        up, down = values.copy(), values.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (mean_loss(network, up, X, y) - mean_loss(network, down, X, y)) / (2 * h)
    return grad


def param_names(network):
    return [f"w{i + 1}" for i in range(network.n_weights)] + [f"b{i + 1}" for i in range(network.n_biases)]


def draw(network, rng, samples=4, margin=1e-3):
    """Parameters and samples; no pre-activation within ``margin`` of relu's kink at 0."""
    for _ in range(100):
        values = rng.normal(scale=0.8, size=network.n_params)
        X = rng.normal(size=(samples, network.n_inputs))
        y = rng.random(size=(samples, network.n_outputs))
        if network.loss == "mse":
            y = 2 * y - 1
        sums, _ = forward(network.layers, network.activations, values, X)
        if all(np.min(np.abs(s)) > margin for s in sums):
            return values, X, y[:, 0] if network.n_outputs == 1 else y
    raise AssertionError("no draw away from the kinks")  # pragma: no cover


def assert_matches_reference(network, rng):
    values, X, y = draw(network, rng)
    d = derive(network)
    params = dict(zip(param_names(network), values))
    assert list(params) == [p.name for p in d.params]

    ours = d.gradient(params, X, y)
    reference = finite_differences(network, values, X, y)
    got = np.array([ours[name] for name in params])
    # central differences in float64 are good to ~1e-9 here; 1e-6 leaves room, and catches any wrong factor
    np.testing.assert_allclose(got, reference, rtol=1e-6, atol=1e-7, err_msg=network.describe())
    assert d.loss_value(params, X, y) == pytest.approx(mean_loss(network, values, X, y), rel=1e-12, abs=1e-14)


# --- random networks ---------------------------------------------------------------------------


@st.composite
def networks(draw_):
    depth = draw_(st.integers(1, 3))  # layers after the inputs
    sizes = (draw_(st.integers(1, 3)),) + tuple(draw_(st.integers(1, 4)) for _ in range(depth))
    activations = tuple(draw_(st.sampled_from(NAMES)) for _ in range(depth))
    loss = draw_(st.sampled_from(("mse", "bce")))
    if loss == "bce":
        activations = activations[:-1] + ("sigmoid",)
    # one name for every layer, or one per layer: both spellings of the description
    activation = activations[0] if len(set(activations)) == 1 and draw_(st.booleans()) else activations
    return Network(sizes, activation, loss=loss)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(), seed=st.integers(0, 2**32 - 1))
def test_random_network_gradient_and_loss_match_an_independent_forward_pass(network, seed):
    assert_matches_reference(network, np.random.default_rng(seed))


@pytest.mark.parametrize(
    "network",
    [
        Network((2, 2, 1)),
        Network((2, 3, 2), activation="tanh", output_activation="identity"),  # two outputs: mse summed
        Network((3, 4, 3), activation=("relu", "sigmoid")),
        Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce"),
        Network((2, 4, 1), activation="softplus", output_activation="sigmoid", loss="bce"),
        Network((1, 3, 2, 2), activation=("relu", "softplus", "identity")),
        Network((4, 1)),  # no hidden layer
        Network((2, 3, 2), activation="relu", output_activation="sigmoid", loss="bce"),  # bce summed over outputs
        Network((2, 5, 4, 3, 1), activation=("tanh", "relu", "softplus", "sigmoid"), loss="bce"),
        Network((2, 3, 2, 1), activation=("leaky_relu", "tanh", "sigmoid"), loss="bce"),
    ],
    ids=lambda n: n.describe(),
)
def test_chosen_networks_match_the_reference(network, rng):
    assert_matches_reference(network, rng)


def test_several_outputs_sum_their_squared_errors():
    # two identity outputs with zero weights predict their biases exactly: a hand computation
    network = Network((2, 2, 2), activation="tanh", output_activation="identity")
    params = dict.fromkeys(param_names(network), 0.0)
    params.update(b3=0.5, b4=-1.0)  # o1 = 0.5, o2 = -1
    d = derive(network)
    X, y = [[1.0, 2.0]], [[1.0, 1.0]]
    assert d.loss_value(params, X, y) == (1 - 0.5) ** 2 + (1 + 1) ** 2
    gradient = d.gradient(params, X, y)
    assert (gradient["b3"], gradient["b4"]) == (-2 * (1 - 0.5), -2 * (1 + 1))


@pytest.mark.parametrize(
    "network",
    [
        Network((2, 1), loss="bce"),
        Network((2, 2, 1), loss="bce"),
        Network((2, 2, 1), activation="softplus", output_activation="sigmoid", loss="bce"),
        Network((2, 2, 1), activation="tanh"),
        Network((2, 2, 2), activation="softplus"),
    ],
    ids=lambda n: n.describe(),
)
@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_huge_sums_give_finite_values_and_no_warnings(network, scale):
    # every weight and bias so large that |sum| reaches 1e4; underflow to 0 is fine (numpy is silent
    # about it too), overflow, division by zero and NaN are not
    params = dict.fromkeys(param_names(network), scale / 3)
    X = [[1.0, 1.0], [-1.0, 2.0], [3.0, -1.0]]
    y = [[1.0] * network.n_outputs, [0.0] * network.n_outputs, [1.0] * network.n_outputs]
    if network.n_outputs == 1:
        y = [row[0] for row in y]
    d = derive(network)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        gradient = d.gradient(params, X, y)
        loss = d.loss_value(params, X, y)
    assert all(math.isfinite(v) for v in gradient.values())
    assert math.isfinite(loss)
    assert loss == pytest.approx(mean_loss(network, np.array(list(params.values())), X, y), rel=1e-12)


@pytest.mark.parametrize("s, y_true, loss, d_b1", [
    (1e4, 0.0, 1e4, 1.0),     # confidently wrong: L = s, dL/ds = f(s) - y = 1
    (1e4, 1.0, 0.0, 0.0),     # confidently right
    (-1e4, 1.0, 1e4, -1.0),
    (-1e4, 0.0, 0.0, 0.0),
])
def test_bce_of_one_sigmoid_neuron_at_huge_sums(s, y_true, loss, d_b1):
    # one neuron, L = -(y log f(s) + (1-y) log(1-f(s))) with s = b1: values by hand
    d = derive(Network((1, 1), loss="bce"))
    params = {"w1": 0.0, "b1": s}
    assert d.loss_value(params, [[1.0]], [y_true]) == pytest.approx(loss, abs=1e-300)
    assert d.gradient(params, [[1.0]], [y_true])["b1"] == pytest.approx(d_b1, abs=1e-300)


@pytest.mark.parametrize(
    "network",
    [
        Network((2, 2, 1)),
        Network((2, 2, 2), activation="tanh", output_activation="identity"),
        Network((2, 2, 1), activation=("relu", "sigmoid"), loss="bce"),
        Network((2, 2, 1), activation="softplus"),
        Network((1, 2, 2, 1), activation="tanh", output_activation="sigmoid", loss="bce"),
    ],
    ids=lambda n: n.describe(),
)
def test_verify_proves_small_networks(network):
    how = derive(network).verify(points=2)
    assert set(how) == set(param_names(network))
    assert set(how.values()) <= {"symbolic", "exact", "numeric"}


# --- linear cost, shown by counting ------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 4, 8, 16])
def test_the_derivation_grows_linearly_with_the_parameters(k):
    network = Network((2, k, k, 1))
    n = network.n_params
    d = Derivation(network)
    program = build_program(d)
    statements = program.forward + (program.loss,) + program.backward
    # one local factor per parameter, one edge factor per hidden connection, a few more per neuron
    assert len(d.factors) <= 2 * n
    assert len(statements) <= 4 * n
    # and no statement hides a blow-up: the total size of the right-hand sides is linear too
    assert sum(s.expr.count_ops() for s in statements) <= 8 * n
    # while the number of routes from a first-layer weight to the loss grows as k
    assert d.partials["w1"].n_paths == k


def test_the_statement_count_per_parameter_does_not_grow():
    ratios = []
    for k in (2, 4, 8, 16):
        program = build_program(Derivation(Network((2, k, k, 1))))
        ratios.append((len(program.forward) + len(program.backward)) / Network((2, k, k, 1)).n_params)
    assert max(ratios[1:]) <= ratios[0] * 1.05


def later_sizes(network, param):
    """Routes from a parameter to the loss: the product of the sizes of the layers after its own."""
    d = derive(network)
    layer = d.partials[param].neuron.layer
    return math.prod(network.layers[layer + 1:])


def test_n_paths_is_the_product_of_later_layer_sizes():
    network = Network((2, 3, 4, 2, 2))
    d = derive(network)
    for name, partial in d.partials.items():
        assert partial.n_paths == later_sizes(network, name), name
        assert len(partial.paths) == partial.n_paths
    # the first layer's weights reach the loss along 4 * 2 * 2 routes
    assert d.partials["w1"].n_paths == 16


def test_paths_sum_to_the_partial(rng):
    # the chain rule written out route by route: sum over paths of the product of factors
    network = Network((2, 3, 2, 2), activation=("tanh", "sigmoid", "identity"))
    d = derive(network)
    values, X, y = draw(network, rng, samples=1)
    params = dict(zip(param_names(network), values))
    at = d.evaluate(params, X[0], y[0])
    for name, partial in d.partials.items():
        total = sum(math.prod(at[f.name] for f in path) for path in partial.paths)
        assert total == pytest.approx(at[f"d_L_d_{name}"], rel=1e-12, abs=1e-15), name


def test_paths_refuses_to_enumerate_beyond_the_limit():
    network = Network((2, 1, 17, 17, 17, 1))  # h1's weights reach the loss along 17**3 routes
    d = Derivation(network)
    partial = d.partials["w1"]
    assert partial.n_paths == 17**3 > MAX_PATHS
    with pytest.raises(ValueError, match="too many to list"):
        partial.paths
    # its chain is still two factors: the upstream sum and the local factor
    assert [f.kind for f in partial.factors] == ["upstream", "local"]
    # one layer later the count is within the limit and the routes are listed
    assert len(d.partials["w3"].paths) == 17**2
