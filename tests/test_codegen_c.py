"""The C target as a user compiles it: warning-free, standalone, the issue's interface."""

import ctypes
import re
import subprocess

import numpy as np
import pytest
from numpy.ctypeslib import ndpointer

import nncore
from conftest import require_tool
from derivations import Network
from derivations.codegen import generate

NETWORKS = [
    Network(),
    Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
    Network((3, 2, 2), "relu", "identity", "mse"),
    Network((2, 2, 1), "softplus"),
    Network((1, 1), "sigmoid", loss="bce"),
]
DOUBLES = ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")


def compile_c(source, tmp_path, *extra):
    """Compile as the header tells users to, plus ``extra`` flags; return (library path, stderr)."""
    cc = require_tool("cc")
    c_file, library = tmp_path / "nn.c", tmp_path / "libnn.so"
    c_file.write_text(source)
    result = subprocess.run(
        [cc, "-O2", "-Wall", "-shared", "-fPIC", *extra, "-o", str(library), str(c_file), "-lm"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return library, result.stderr


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_compiles_without_a_single_warning(network, tmp_path):
    _, stderr = compile_c(generate(network, "c"), tmp_path, "-Wextra", "-pedantic", "-std=c99", "-Werror")
    assert stderr == ""


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_needs_only_math_h(network):
    source = generate(network, "c")
    assert re.findall(r"#include\s*<([^>]+)>", source) == ["math.h"]
    assert "#include \"" not in source


def test_the_issues_interface_with_nn_train(tmp_path):
    library, _ = compile_c(generate(target="c"), tmp_path)
    lib = ctypes.CDLL(str(library))
    lib.nn_train.restype = None
    lib.nn_train.argtypes = [DOUBLES, DOUBLES, DOUBLES, ctypes.c_long, ctypes.c_long, ctypes.c_double]
    lib.nn_loss.restype = ctypes.c_double
    lib.nn_loss.argtypes = [DOUBLES, DOUBLES, DOUBLES, ctypes.c_long]
    lib.nn_gradients.restype = None
    lib.nn_gradients.argtypes = [DOUBLES, DOUBLES, DOUBLES, ctypes.c_long, DOUBLES]

    network = nncore.OurNeuralNetwork(seed=11)
    params = np.array(list(network.params.values()))
    X, y = nncore.DATA.astype(float), nncore.ALL_Y_TRUES.astype(float)
    grad = np.empty(9)
    lib.nn_gradients(params, X, y, 4, grad)
    per_sample = [[network.backprop(x, t)[n] for n in nncore.PARAM_NAMES] for x, t in zip(X, y)]
    np.testing.assert_allclose(grad, np.mean(per_sample, axis=0), rtol=1e-12)

    history = network.train(X, y, epochs=100)
    lib.nn_train(params, X, y, 4, 100, 0.1)  # in place, as documented
    np.testing.assert_allclose(params, list(network.params.values()), rtol=1e-12)
    assert lib.nn_loss(params, X, y, 4) == pytest.approx(history[-1], rel=1e-12)


def test_header_lists_every_public_function_with_its_real_signature():
    source = generate(network=Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"), target="c")
    header, code = source.split("*/", 1)
    listed = {re.sub(r"\s+", " ", m).replace("( ", "(") for m in
              re.findall(r"((?:void|double) nn_\w+\([^)]*\));", header.replace(" * ", " "))}
    defined = {re.sub(r"\s+", " ", m) + ";" for m in re.findall(r"^((?:void|double) nn_\w+\([^)]*\))", code, re.M)}
    assert listed and listed == {d[:-1] for d in defined}
    for define in ("NN_N_PARAMS 25", "NN_N_INPUTS 2", "NN_N_OUTPUTS 1"):
        assert f"#define {define}" in source


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_the_written_out_training_loop_is_the_derivations_sgd(network, tmp_path):
    """nn_train_history writes each step out and sums the loss one epoch late, among the steps.

    Checked against SGD by the derivation's own gradient (no C involved), and to the
    last bit against the same library's nn_sgd_step and nn_loss, as its comment claims.
    """
    require_tool("cc")
    from derivations import cbuild, derive

    library = cbuild.load(network, directory=tmp_path)
    derivation = derive(network)
    rng = np.random.default_rng(7)
    X = rng.normal(0.0, 1.5, (5, network.n_inputs))
    y = rng.uniform(0.05, 0.95, (5, network.n_outputs)).squeeze(axis=1) if network.n_outputs == 1 else \
        rng.uniform(0.05, 0.95, (5, network.n_outputs))
    start = rng.normal(0.0, 0.5, network.n_params)
    for epochs in (0, 1, 6):
        trained, history = library.train(start, X, y, epochs=epochs, learn_rate=0.3)
        params, step_params, losses, step_losses = start.copy(), start.copy(), [], []
        for _ in range(epochs):
            for x, t in zip(X, y):
                g = derivation.gradient(dict(zip(network.param_names, params)), [x], [t])
                params = params - 0.3 * np.array([g[name] for name in network.param_names])
                step_params = library.sgd_step(step_params, x, t, 0.3)
            losses.append(derivation.numeric.loss_value(dict(zip(network.param_names, params)), X, y))
            step_losses.append(library.loss(step_params, X, y))
        assert len(history) == epochs
        np.testing.assert_allclose(trained, params, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(history, losses, rtol=1e-12, atol=1e-15)
        assert trained.tolist() == step_params.tolist() and history == step_losses
    assert epochs and history[-1] < history[0]  # it trains


LAYER_NETWORKS = [
    Network(),
    Network((2, 3, 2, 1), ("relu", "tanh", "sigmoid"), loss="bce"),
    Network((3, 5, 2), "leaky_relu", "identity"),
    Network((1, 1), "sigmoid", loss="bce"),
    Network((3, 24, 16, 2), ("tanh", "softplus", "sigmoid"), loss="bce"),
]


@pytest.mark.parametrize("network", LAYER_NETWORKS, ids=lambda n: n.describe())
def test_the_layer_styles_one_sample_path_is_a_one_column_block(network, tmp_path):
    """The layer style's nn_backprop, nn_sample_loss, nn_feedforward and nn_sgd_step use vectors, not a
    padded block; their comments claim the block's numbers to the last bit.  Checked against the block
    functions with one row, and against the derivation's gradient (no C involved)."""
    require_tool("cc")
    from derivations import cbuild, derive

    library = cbuild.load(network, directory=tmp_path, style="layers")
    lib = library._lib
    lib.nn_backprop.restype, lib.nn_backprop.argtypes = None, [DOUBLES] * 4
    lib.nn_sample_loss.restype, lib.nn_sample_loss.argtypes = ctypes.c_double, [DOUBLES] * 3
    lib.nn_feedforward.restype, lib.nn_feedforward.argtypes = None, [DOUBLES] * 3
    derivation = derive(network)
    rng = np.random.default_rng(3)
    for _ in range(3):
        params = rng.normal(0.0, 0.7, network.n_params)
        x = rng.normal(0.0, 2.0, network.n_inputs)
        t = rng.uniform(0.0, 1.0, network.n_outputs)
        grad, out = np.empty(network.n_params), np.empty(network.n_outputs)
        lib.nn_backprop(params, x, t, grad)
        block = library.gradients(params, [x], [t] if network.n_outputs > 1 else t)
        assert grad.tolist() == block.tolist()
        expected = derivation.gradient(dict(zip(network.param_names, params)), [x], [t] if network.n_outputs > 1 else t)
        np.testing.assert_allclose(grad, [expected[name] for name in network.param_names], rtol=1e-12, atol=1e-15)
        assert lib.nn_sample_loss(params, x, t) == library.loss(params, [x], [t] if network.n_outputs > 1 else t)
        lib.nn_feedforward(params, x, out)
        assert out.tolist() == np.atleast_1d(library.predict(params, [x])).ravel().tolist()
        stepped = library.sgd_step(params, x, t if network.n_outputs > 1 else t[0], 0.25)
        assert stepped.tolist() == (params - 0.25 * block).tolist()
