"""Derivation.gradient and loss_value over blocks of samples, against independent references.

The block path (the statement list lambdified with each single-use value
written into its user and each gradient line summed over the block's rows) must
give the numbers the scalar derivation gives: checked against central finite
differences of the independent numpy forward pass of ``test_networks`` and
against nncore's hand-written backprop, with several blocks and a ragged last one.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_networks import draw, finite_differences, mean_loss, networks, param_names

import nncore
import derivations.numeric as numeric
from derivations import Network, derive


@pytest.fixture
def small_blocks(monkeypatch):
    # a block of 5 rows: 23 samples make four whole blocks and a ragged one, at test speed
    monkeypatch.setattr(numeric, "BLOCK", 5)


def per_sample_mean(d, params, X, y):
    """The mean of the scalar derivation's partials, sample by sample (the evaluate path, no blocks)."""
    rows = [d.evaluate(params, x, t) for x, t in zip(X, y)]
    return {name: float(np.mean([r[f"d_L_d_{name}"] for r in rows])) for name in params}


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                HealthCheck.function_scoped_fixture])
@given(network=networks(), seed=st.integers(0, 2**32 - 1))
def test_blocks_match_finite_differences_and_the_scalar_derivation(small_blocks, network, seed):
    values, X, y = draw(network, np.random.default_rng(seed), samples=23)
    d = derive(network)
    params = dict(zip(param_names(network), values))
    ours = d.gradient(params, X, y)
    got = np.array([ours[name] for name in params])
    np.testing.assert_allclose(got, finite_differences(network, values, X, y), rtol=1e-6, atol=1e-7)
    scalar = per_sample_mean(d, params, X, y)
    scale = max(1.0, max(abs(v) for v in scalar.values()))
    assert max(abs(ours[k] - scalar[k]) for k in params) <= 1e-12 * scale
    assert d.loss_value(params, X, y) == pytest.approx(mean_loss(network, values, X, y), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("samples", [1, 5, 6, 23])
def test_the_article_over_blocks_is_the_mean_of_nncores_backprops(small_blocks, samples, rng):
    network = nncore.OurNeuralNetwork(seed=7)
    X = rng.normal(scale=10, size=(samples, 2))
    y = (rng.random(samples) < 0.5).astype(float)
    per_sample = [network.backprop(x, t) for x, t in zip(X, y)]
    gradient = derive().gradient(network.params, X, y)
    for name in nncore.PARAM_NAMES:
        assert gradient[name] == pytest.approx(np.mean([g[name] for g in per_sample]), rel=1e-12, abs=1e-15)
    assert derive().loss_value(network.params, X, y) == pytest.approx(
        nncore.mse_loss(y, network.predict(X)), rel=1e-12)


def test_full_size_blocks_with_a_ragged_end(rng):
    # the real block size, two blocks and three rows more; a wide layer, so most values are inlined
    net = Network((2, 6, 5, 1), activation=("tanh", "softplus", "sigmoid"), loss="bce")
    d = derive(net)
    samples = 2 * numeric.BLOCK + 3
    values = rng.normal(scale=0.8, size=net.n_params)
    X, y = rng.normal(size=(samples, 2)), (rng.random(samples) < 0.5).astype(float)
    params = dict(zip(param_names(net), values))
    got = np.array(list(d.gradient(params, X, y).values()))
    np.testing.assert_allclose(got, finite_differences(net, values, X, y), rtol=1e-6, atol=1e-8)
    assert d.loss_value(params, X, y) == pytest.approx(mean_loss(net, values, X, y), rel=1e-12)


def test_the_input_is_checked_once_per_call(small_blocks, monkeypatch, rng):
    calls = []
    check = numeric.as_finite_array
    monkeypatch.setattr(numeric, "as_finite_array", lambda *a, **k: calls.append(a[1]) or check(*a, **k))
    alice = nncore.OurNeuralNetwork(seed=1).params
    derive().gradient(alice, rng.normal(size=(23, 2)), rng.random(23))
    derive().loss_value(alice, rng.normal(size=(23, 2)), rng.random(23))
    assert calls == ["X", "y", "X", "y"]


def test_a_nan_anywhere_is_found(rng):
    alice = nncore.OurNeuralNetwork(seed=1).params
    X = rng.normal(size=(3 * numeric.BLOCK, 2))
    X[-1, 1] = np.nan
    with pytest.raises(numeric.InputError, match="NaN"):
        derive().gradient(alice, X, np.ones(len(X)))
    # a sum that overflows is not mistaken for an infinity in the data
    assert np.isfinite(derive().loss_value(alice, [[1e308, 0.0], [1e308, 0.0]], [1, 1]))


def test_sums_of_products_in_place_whatever_varies_by_row():
    row = np.array([1.0, 2.0, 3.0])
    # numbers first, rows later; rows first, numbers later; numbers only
    assert np.array_equal(numeric._sum_of_products(1.0, (2.0, 3.0), (row, 2.0, row)), 7.0 + 2 * row * row)
    assert np.array_equal(numeric._sum_of_products(row, (row, 2.0), (3.0, 4.0)), row + 2 * row + 12.0)
    assert numeric._sum_of_products(0.5, (2.0, 3.0), (1.0, 4.0)) == 10.5
    ours = numeric._sum_of_products(1.0, (row, row), (row, 2.0))
    assert np.array_equal(ours, 1.0 + row * row + row * 2.0) and ours is not row


def test_the_numpy_sigmoid_is_the_textbook_value_everywhere_without_a_warning():
    """Against math.exp, one number at a time: both branches, the -700 edge, NaN mixed with large inputs."""
    import math
    import warnings

    from derivations.rules import NUMPY_FUNCTIONS

    np_sigmoid = NUMPY_FUNCTIONS["sigmoid"]

    def reference(x):
        return math.exp(x) if x < -700 else 1.0 / (1.0 + math.exp(-x))

    xs = np.concatenate([np.linspace(-800, 800, 4001), [-700.0, np.nextafter(-700.0, 0), -745.2, 710.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for block in (xs, xs[xs > -700], xs[:5], xs[-1:]):
            # numpy's exp and libm's may differ in the last bit: 2 ulps, and subnormals to their spacing
            np.testing.assert_allclose(np_sigmoid(block), [reference(x) for x in block.tolist()], rtol=4.5e-16,
                                       atol=1e-322)
        mixed = np_sigmoid(np.array([np.nan, -1000.0, 3.0]))
        assert math.isnan(mixed[0]) and mixed[1] == 0.0 and mixed[2] == pytest.approx(reference(3.0), rel=4.5e-16)
        assert np_sigmoid(np.array([])).shape == (0,) and np_sigmoid(2.0) == pytest.approx(reference(2.0), rel=4.5e-16)
