"""The layer view against independent references: the article's numbering for the map, the
scalar derivation and sympy for the proof, an independent numpy forward pass with central
differences and nncore's hand-written backprop for the numbers, a hand computation for Alice.
"""

import math

import numpy as np
import pytest
from sympy import S
from test_networks import draw, finite_differences, param_names
from conftest import run_cli, assert_usage_error

import nncore
from derivations import Network, derive
from derivations.layer_values import layer_values
from derivations.layers import LayerView
from derivations.verify import VerificationError, verify_layers

NETWORKS = [
    Network(),
    Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
    Network((3, 2, 2), ("relu", "identity")),
    Network((2, 3, 2, 1), ("leaky_relu", "softplus", "sigmoid")),
    Network((4, 1)),
    Network((2, 4, 2), "tanh", "sigmoid", "bce"),
]


def test_the_articles_weights_sit_where_the_article_numbers_them():
    # the article: w1, w2 weigh x1, x2 into h1; w3, w4 into h2; w5, w6 weigh h1, h2 into o1
    view = derive().layers
    expected = {"w1": (1, 1, 1), "w2": (1, 1, 2), "w3": (1, 2, 1), "w4": (1, 2, 2), "w5": (2, 1, 1),
                "w6": (2, 1, 2), "b1": (1, 1, 1), "b2": (1, 2, 1), "b3": (2, 1, 1)}
    for name, (layer, row, column) in expected.items():
        e = view.entry(name)
        assert (e.layer, e.row, e.column) == (layer, row, column)
        assert e.kind == name[0].upper() if name.startswith("w") else e.kind == "b"
    assert [layer.shape for layer in view] == [(2, 2), (1, 2)]
    assert [str(s) for s in view[1].a_in] == ["h1", "h2"] and [str(s) for s in view[0].a_in] == ["x1", "x2"]


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_the_map_is_one_to_one_and_matches_the_shapes(network):
    d = derive(network)
    view = d.layers
    seen = []
    for layer, (fan_in, size) in zip(view, zip(network.layers, network.layers[1:])):
        assert layer.shape == (size, fan_in) and layer.b.shape == (size, 1) and layer.delta.shape == (size, 1)
        for i in range(size):
            for j in range(fan_in):
                name = view.name_at(layer.index, "W", i + 1, j + 1)
                assert view.entry(name) == type(view.entry(name))(name, layer.index, "W", i + 1, j + 1)
                seen.append(name)
            seen.append(view.name_at(layer.index, "b", i + 1))
    assert sorted(seen) == sorted(p.name for p in d.params)


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_the_layer_view_is_proved_equal_to_the_scalar_chain(network):
    d = derive(network)
    proofs = verify_layers(d)
    assert set(proofs.values()) <= {"symbolic", "exact", "numeric"}
    assert len(proofs) == network.n_params + network.n_biases  # every W and b entry, and every δ


def test_a_wrong_layer_rule_is_caught():
    # BP2 without f'(z): the most common slip of the matrix form
    d = derive(Network((2, 3, 1), "tanh"))

    class NoFprime(LayerView):
        def _fprime(self, neuron):
            return S.One if neuron.layer < 2 else super()._fprime(neuron)

    with pytest.raises(VerificationError):
        verify_layers(d, view=NoFprime(d))


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_the_layer_numbers_match_finite_differences_and_the_derivation(network, rng):
    values, X, y = draw(network, rng)
    params = dict(zip(param_names(network), values))
    d = derive(network)
    numbers = layer_values(d, params, X, y)
    got = {}
    for layer, v in zip(d.layers, numbers):
        for i in range(layer.shape[0]):
            for j in range(layer.shape[1]):
                got[layer.W[i, j].name] = v.dW[i, j]
            got[layer.b[i].name] = v.db[i]
    ours = np.array([got[name] for name in params])
    np.testing.assert_allclose(ours, finite_differences(network, values, X, y), rtol=1e-6, atol=1e-7)
    scalar = d.gradient(params, X, y)
    np.testing.assert_allclose(ours, [scalar[name] for name in params], rtol=1e-12, atol=1e-15)


def test_the_article_in_matrices_agrees_with_the_hand_written_backprop():
    rng = np.random.default_rng(5)
    network = nncore.OurNeuralNetwork(seed=0)
    for person in nncore.PEOPLE:
        params = dict(zip(nncore.PARAM_NAMES, rng.normal(size=9)))
        network.set_params(**params)
        hand = network.backprop(person.x, person.y_true)
        (first, second) = layer_values(derive(), params, [person.x], [person.y_true])
        assert math.isclose(first.dW[0, 0], hand["w1"], rel_tol=1e-12)
        assert math.isclose(first.dW[1, 1], hand["w4"], rel_tol=1e-12)
        assert math.isclose(second.dW[0, 1], hand["w6"], rel_tol=1e-12)
        assert math.isclose(first.db[1], hand["b2"], rel_tol=1e-12)


def _alice_by_hand():
    """δ for the hidden layer at Alice (weights 1, biases 0), computed here from the article's formulas."""
    f = lambda s: 1 / (1 + math.exp(-s))
    h = f(-2 - 1)                      # sum_h1 = w1 x1 + w2 x2 + b1 = -3
    y_pred = f(h + h)                  # sum_o1 = w5 h1 + w6 h2 + b3
    d_L_d_ypred = -2 * (1 - y_pred)
    d_ypred_d_h1 = 1 * y_pred * (1 - y_pred)   # w5 f'(sum_o1)
    return d_L_d_ypred * d_ypred_d_h1 * h * (1 - h)


def test_alice_in_the_layer_view_shows_the_articles_numbers():
    text = derive().to_text(view="layers", at="alice")
    delta = _alice_by_hand()
    assert f"δ¹     = ({delta:.3g}, {delta:.3g})ᵀ" in text
    assert "a¹     = f(z¹) = (0.0474, 0.0474)ᵀ" in text   # the article's h1 = h2 = 0.0474
    assert f"[[{-2 * delta:.3g}, {-1 * delta:.3g}]" in text  # ∂L/∂W¹ = δ¹ (a⁰)ᵀ, [1,1] is ∂L/∂w1
    for line in ("δ¹     = ((W²)ᵀ δ²) ⊙ f'(z¹)", "∂L/∂W¹ = δ¹ (a⁰)ᵀ", "w₂ = W¹[1,2]",
                 "δ¹[1] = ∂L/∂sum_h₁ = ∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂sum_h₁"):
        assert line in text


def test_bce_keeps_its_fused_output_delta():
    text = derive(Network((2, 3, 1), "tanh", "sigmoid", "bce")).to_text(view="layers")
    assert "δ²     = a² - y_true   (BP1)" in text


def test_the_default_view_follows_the_size():
    wide = derive(Network((2, 4, 1)))
    assert "The layer view" in wide.to_text() and "BP2" in wide.to_text()
    assert "The layer view" not in wide.to_text(params=["w1"])      # naming a parameter: its chain
    assert "The layer view" not in derive().to_text()
    assert "The layer view" in derive().to_latex(document=True)      # a document has both
    both = derive().to_markdown(view="both", params=["w1"])
    assert both.index("The partial") < both.index("The layer view")


def test_the_command_line_prints_the_view(capsys):
    status, out, err = run_cli(capsys, "derive", "--view", "layers", "--at", "alice")
    assert status == 0 and err == "" and "(BP4, 2×2 = 2×1 times 1×2)" in out
    status, out, _ = run_cli(capsys, "derive", "--view", "both", "--format", "latex", "w1")
    assert status == 0 and r"\delta^{1} &= ((W^{2})^{\top} \delta^{2}) \odot f'(z^{1})" in out
    assert_usage_error(capsys, "derive", "--view", "matrix", match="--view")


@pytest.mark.parametrize("network", [Network((3, 5, 4, 2), ("tanh", "leaky_relu", "sigmoid"), loss="mse"),
                                     Network((2, 6, 1), "softplus", "sigmoid", "bce"),
                                     Network((1, 4, 4, 3), ("relu", "sigmoid", "identity"), loss="half-mse")],
                         ids=lambda n: n.describe())
def test_wide_networks_take_the_matrix_route_and_it_equals_the_statement_route(network, rng):
    from derivations.numeric import NumericDerivation

    values, X, y = draw(network, rng, samples=50)
    params = dict(zip(param_names(network), values))
    matrices, statements = NumericDerivation(derive(network)), NumericDerivation(derive(network))
    statements.__dict__["_layer_route"] = None  # the one-statement-per-weight route
    assert matrices._layer_route is not None
    ours, theirs = matrices.gradient(params, X, y), statements.gradient(params, X, y)
    scale = max(abs(v) for v in theirs.values())
    assert all(abs(ours[k] - theirs[k]) <= 1e-12 * scale for k in theirs)
    assert matrices.loss_value(params, X, y) == pytest.approx(statements.loss_value(params, X, y), rel=1e-12)


def test_the_sizes_alone_name_the_parameters_as_the_graph_does(rng):
    for _ in range(20):
        sizes = tuple(int(k) for k in rng.integers(1, 7, size=int(rng.integers(2, 5))))
        network = Network(sizes)
        assert network.param_names == tuple(p.name for p in derive(network).graph.params)


def test_a_wide_network_reaches_its_gradient_without_a_symbol(monkeypatch, rng):
    """derive() builds nothing up front; the matrix route needs only the sizes (the build grows with layers)."""
    from derivations import chain, numeric

    network = Network((2, 9, 7, 1), ("tanh", "softplus", "sigmoid"))
    monkeypatch.setattr(numeric, "LAYER_FLOATS", 64 * 9)  # blocks of 64 rows: a ragged end at 150
    values, X, y = draw(network, rng, samples=150)
    params = dict(zip(network.param_names, values))
    d = chain.Derivation(network)
    gradient = d.gradient(params, X, y)
    assert not {"graph", "_chain", "program", "layers"} & set(vars(d))  # nothing scalar was built
    reference = chain.Derivation(network).numeric
    reference.__dict__["_layer_route"] = None
    expected = reference.gradient(params, X, y)
    scale = max(abs(v) for v in expected.values())
    assert all(abs(gradient[k] - expected[k]) <= 1e-12 * scale for k in expected)


def test_the_layer_view_lists_two_neurons_and_the_last_of_a_wide_layer():
    text = derive(Network((2, 5, 1))).to_text(view="layers").split("Here f is")[0]  # "The network"
    assert "h₁ " in text and "h₂ " in text and "h₅ " in text and "(h₃ ... h₄ likewise)" in text
    assert "h₃ " not in text.replace("(h₃", "")
    assert "(h₃" not in derive(Network((2, 5, 1))).to_text(view="scalar", params=["w1"])
