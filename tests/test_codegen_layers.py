"""The layer style of generated code: the choice of style, the matrices' map, the C, the CLI.

Agreement with the derivation and finite differences, for every style and
target, is in test_codegen_targets.py; here is what is particular to the
layer style.
"""

import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_usage_error, installed_nnderive, require_tool, run_cli

from derivations import Network, cbuild, derive
from derivations.codegen import CodegenError, choose_style, generate, load, load_module
from derivations.codegen import emit_c_layers, emit_numpy_layers
from derivations.graph import build_graph

ARTICLE = Network()
NETWORKS = [
    Network((2, 3, 2, 1), ("relu", "tanh", "sigmoid"), loss="bce"),
    Network((3, 5, 2), "leaky_relu", "identity"),
    Network((1, 1), "sigmoid", loss="bce"),
]


# --- which style a network gets --------------------------------------------------------------


def test_the_articles_network_keeps_the_scalar_style_by_default():
    for target in ("python", "numpy", "c"):
        assert generate(ARTICLE, target) == generate(ARTICLE, target, "scalar")
    assert "d_h1_d_w1" in generate(ARTICLE, "numpy")


@pytest.mark.parametrize("spec", ["2-4-1", "2-3-3-3-3-3-1", "5-2-1"])
def test_past_the_size_the_layer_style_is_chosen_and_the_header_says_so(spec):
    network = Network.parse(spec)
    assert choose_style(network) == "layers"
    for target in ("numpy", "c"):
        source = generate(network, target)
        assert source == generate(network, target, "layers")
        assert "chosen automatically" in source
        assert f"nnderive codegen --target {target} --net {spec}\n" in source  # no --style: it is the default


def test_asking_for_the_layer_style_is_said_in_the_header_and_the_command():
    source = generate(ARTICLE, "numpy", "layers")
    assert "nnderive codegen --target numpy --style layers" in source and "as asked for" in source


def test_python_has_only_the_scalar_style_and_unknown_styles_are_named():
    with pytest.raises(CodegenError, match="numpy and c targets") as error:
        generate(ARTICLE, "python", "layers")
    assert error.value.argument == "style"
    with pytest.raises(CodegenError, match="unknown style 'matrix'"):
        generate(ARTICLE, "numpy", "matrix")
    assert generate(Network((2, 8, 1)), "python") == generate(Network((2, 8, 1)), "python", "scalar")


# --- the matrices are the documented naming ---------------------------------------------------


@pytest.mark.parametrize("network", [ARTICLE] + NETWORKS, ids=lambda n: n.describe())
def test_matrices_are_views_of_params_by_the_naming_rules(network):
    """W_l[j, k] is the weight from input k to neuron j of layer l (the graph's own record)."""
    module = load_module(generate(network, "numpy", "layers"))
    graph = build_graph(network)
    index = {p.name: k for k, p in enumerate(graph.params)}
    flat = np.arange(network.n_params, dtype=float)
    matrices = module.matrices(flat)
    depth = len(graph.layers)
    for l, neurons in enumerate(graph.layers):
        W, b = matrices[l], matrices[depth + l]
        assert W.shape == (len(neurons), len(neurons[0].weights)) and b.shape == (len(neurons), 1)
        for j, neuron in enumerate(neurons):
            assert [W[j, k] for k in range(W.shape[1])] == [index[w.name] for w in neuron.weights]
            assert b[j, 0] == index[neuron.bias.name]
        assert np.shares_memory(W, flat) and np.shares_memory(b, flat)
    assert module.PARAMS == tuple(p.name for p in graph.params)


def test_the_header_maps_the_articles_names_to_matrix_entries():
    for target in ("numpy", "c"):
        source = generate(ARTICLE, target, "layers")
        assert "W_1 (2x2) = [[w1, w2], [w3, w4]]   b_1 (2x1) = [b1, b2]   (neurons h1, h2)" in source
        assert "W_2 (1x2) = [[w5, w6]]   b_2 (1x1) = [b3]   (neuron y_pred)" in source


@pytest.mark.parametrize("network", [ARTICLE] + NETWORKS, ids=lambda n: n.describe())
def test_numpy_backprop_is_each_samples_own_gradient(rng, network):
    module = load(network, "numpy", "layers")
    params = rng.normal(size=network.n_params)
    X = rng.normal(size=(5, network.n_inputs))
    y = rng.integers(0, 2, size=(5, network.n_outputs)).astype(float)
    y = y[:, 0] if network.n_outputs == 1 else y
    per_sample = module.backprop(params, X, y)
    assert per_sample.shape == (network.n_params, 5)
    for i in range(5):
        np.testing.assert_allclose(per_sample[:, i], module.gradients(params, X[i:i + 1], y[i:i + 1]),
                                   rtol=1e-13, atol=1e-15)
        assert module.losses(params, X, y)[i] == pytest.approx(module.loss(params, X[i:i + 1], y[i:i + 1]))


def test_the_generated_code_reads_like_the_four_equations():
    numpy_source = generate(ARTICLE, "numpy", "layers")
    for line in ("Z_1 = W_1 @ A_0 + b_1", "delta_1 = (W_2.T @ delta_2) * (A_1*(1 - A_1))",
                 "np.matmul(delta_1, A_0.T, out=dW_1)"):
        assert line in numpy_source
    bce = generate(Network((2, 4, 1), loss="bce"), "numpy")
    assert "delta_2 = A_2 - Y" in bce  # bce on a sigmoid: f' cancels
    c_source = generate(ARTICLE, "c", "layers")
    # BP2 as one product with W_2 read in place as its transpose (row step 1, column step N_1)
    assert "matrix_times(q->delta_1[0], params + W_2_AT, 1, N_1, q->delta_2[0], N_1, N_2, cols);" in c_source
    for equation in ("BP1", "BP2", "BP3", "BP4"):
        assert equation in numpy_source and equation in c_source


# --- size, determinism, compiling ----------------------------------------------------------------


@pytest.mark.parametrize("target", ["numpy", "c"])
def test_file_size_grows_with_layers_not_parameters(target):
    small, wide = (len(generate(Network((2, w, w, 1)), target)) for w in (8, 64))
    assert abs(wide - small) < 0.01 * small  # 105 parameters or 4417: the same file but for numbers
    deeper = len(generate(Network((2, 8, 8, 8, 1)), target))
    assert deeper > small * 1.05  # one more layer: more lines


def test_generated_files_are_the_same_bytes_in_fresh_processes(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = tmp_path / f"nn{seed}.c"
        subprocess.run([installed_nnderive(), "codegen", "--target", "c", "--net", "3-6-4-2", "--activation",
                        "tanh", "-o", str(out)], check=True, env=env)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == generate(Network((3, 6, 4, 2), "tanh"), "c").encode()
    assert emit_numpy_layers.emit(derive(NETWORKS[0])) == emit_numpy_layers.emit(derive(NETWORKS[0]))


@pytest.mark.parametrize("network", [ARTICLE, Network((2, 64, 64, 1))] + NETWORKS, ids=lambda n: n.describe())
def test_the_c_compiles_without_a_warning(tmp_path, network):
    compiler = require_tool("cc")
    source = tmp_path / "nn.c"
    source.write_text(emit_c_layers.emit(derive(network)))
    result = subprocess.run([compiler, *cbuild.FLAGS, "-Wextra", "-Werror", "-o", str(tmp_path / "nn.so"),
                             str(source), *cbuild.LIBS], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_c_and_numpy_layer_styles_agree_on_a_wide_network(tmp_path, rng):
    require_tool("cc")
    network = Network((3, 24, 16, 2), ("tanh", "relu", "sigmoid"), loss="bce")
    library = cbuild.load(network, directory=tmp_path, style="layers")
    module = load(network, "numpy", "layers")
    params = rng.normal(scale=0.5, size=network.n_params)
    X = rng.normal(size=(333, 3))
    y = rng.integers(0, 2, size=(333, 2)).astype(float)
    np.testing.assert_allclose(library.gradients(params, X, y), module.gradients(params, X, y), rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(library.predict(params, X), module.predict(params, X), rtol=1e-13)
    trained_c, history_c = library.train(params, X[:20], y[:20], epochs=5, learn_rate=0.3)
    trained_numpy, history_numpy = module.train(params, X[:20], y[:20], epochs=5, learn_rate=0.3)
    np.testing.assert_allclose(trained_c, trained_numpy, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(history_c, history_numpy, rtol=1e-11)


# --- the command line --------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["numpy", "c"])
def test_cli_style_option(capsys, target):
    status, out, err = run_cli(capsys, "codegen", "--target", target, "--style", "layers")
    assert status == 0 and err == "" and out == generate(ARTICLE, target, "layers")
    status, out, _ = run_cli(capsys, "codegen", "--target", target, "--net", "2-5-1", "--style", "scalar")
    assert status == 0 and out == generate(Network((2, 5, 1)), target, "scalar")


def test_cli_layer_style_for_python_is_a_usage_error(capsys):
    assert_usage_error(capsys, "codegen", "--target", "python", "--style", "layers", match="numpy and c targets")


def test_train_a_wide_network_with_the_layered_c(tmp_path):
    require_tool("cc")
    env = {**os.environ, "NNDERIVE_CACHE": str(tmp_path / "cache")}
    result = subprocess.run(
        [installed_nnderive(), "train", "--backend", "c", "--net", "2-16-16-1", "--epochs", "300", "--seed", "3",
         "--every", "100"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    library = next(Path(tmp_path / "cache" / "c").glob("*.so"))
    assert library.exists()
    from derivations.training import train

    run = train(Network((2, 16, 16, 1)), backend="c", epochs=300, seed=3)
    expected = train(Network((2, 16, 16, 1)), backend="numpy", epochs=300, seed=3)  # the layered numpy
    np.testing.assert_allclose(run.history, expected.history, rtol=1e-10)
    assert f"Loss after 300 epochs: {run.history[-1]:.4g}" in result.stdout


@pytest.mark.parametrize("network", [Network((3, 5, 7, 2), ("tanh", "relu", "sigmoid"), loss="bce"),
                                     Network((1, 9, 1), "softplus", "identity")], ids=lambda n: n.describe())
def test_the_c_kernels_without_vector_types_give_the_same_bits(tmp_path, rng, network):
    """-DNN_PLAIN_C builds the kernels from plain loops (a compiler without GCC's vector types does
    the same); lane by lane they do the vector code's operations in its order, so the same numbers.
    The sizes leave partial tiles at every edge (5 and 7 rows, odd columns)."""
    compiler = require_tool("cc")
    source = generate(network, "c", "layers") + cbuild.CONSTANTS
    d = derive(network)
    libraries = []
    for extra in ([], ["-DNN_PLAIN_C"]):
        path = cbuild.compile_source(source, tmp_path / ("plain" if extra else "vector"), compiler=[compiler, *extra])
        libraries.append(cbuild.CLibrary(path, [p.name for p in d.params], network.n_inputs, network.n_outputs,
                                         source))
    params = rng.normal(scale=0.7, size=network.n_params)
    X = rng.normal(size=(77, network.n_inputs))  # a partial block of lanes at the end
    y = rng.integers(0, 2, size=(77, network.n_outputs)).astype(float)
    y = y[:, 0] if network.n_outputs == 1 else y
    vector, plain = (library.gradients(params, X, y) for library in libraries)
    assert np.array_equal(vector, plain)
    expected = load(network, "numpy", "layers").gradients(params, X, y)
    np.testing.assert_allclose(vector, expected, rtol=1e-12, atol=1e-15)


def test_the_c_vector_kernels_are_built_for_avx2_and_any_cpu(tmp_path):
    """On x86-64 Linux the kernels get a clone per CPU kind; the library runs on any x86-64."""
    compiler = require_tool("cc")
    if os.uname().machine != "x86_64" or not Path("/lib/x86_64-linux-gnu").exists():
        pytest.skip("target clones are made on x86-64 with glibc only")
    path = cbuild.compile_source(generate(Network((2, 8, 1)), "c", "layers"), tmp_path, compiler=[compiler])
    symbols = subprocess.run(["nm", str(path)], capture_output=True, text=True).stdout
    assert "matrix_times.avx2" in symbols and "matrix_times.default" in symbols


@pytest.mark.parametrize("network", NETWORKS + [Network((2, 4, 3, 2), ("softplus", "identity", "tanh")),
                                     Network((2, 4, 1, 3), ("softplus", "relu", "identity"))],
                         ids=lambda n: n.describe())
def test_numpy_layer_train_in_floats_takes_the_same_steps_as_in_numpy(rng, network):
    """Small networks train in plain floats (float_step), wide ones in numpy; both are the article's
    SGD, so they end where the scalar style's train ends (itself checked against nncore)."""
    module = load(network, "numpy", "layers")
    assert network.n_params <= module.FLOAT_STEPS * len(module.SIZES)  # these take the float route
    params = rng.normal(scale=0.5, size=network.n_params)
    X = rng.normal(size=(7, network.n_inputs))  # small enough steps that no network diverges
    y = rng.integers(0, 2, size=(7, network.n_outputs)).astype(float)
    y = y[:, 0] if network.n_outputs == 1 else y
    floats, float_history = module.train(params, X, y, epochs=40, learn_rate=0.02)
    module.FLOAT_STEPS = 0  # the numpy route, as a wide network takes it
    try:
        arrays, array_history = module.train(params, X, y, epochs=40, learn_rate=0.02)
    finally:
        module.FLOAT_STEPS = emit_numpy_layers.FLOAT_STEPS
    scalar, scalar_history = load(network, "numpy", "scalar").train(params, X, y, epochs=40, learn_rate=0.02)
    for other, history in ((arrays, array_history), (scalar, scalar_history)):
        np.testing.assert_allclose(floats, other, rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(float_history, history, rtol=1e-11, atol=1e-15)
    assert np.all(np.isfinite(float_history)) and float_history[-1] < float_history[0]
    assert isinstance(floats, np.ndarray) and floats.shape == (network.n_params,)
    assert module.loss(floats, X, y) == pytest.approx(float_history[-1], rel=1e-12)


def test_the_c_layer_exp_is_exp_to_the_last_place(tmp_path):
    """The layer C computes e^x itself (nn_exp, so that the activation loops vectorize): the
    sigmoid it gives is the correctly rounded one to 2 units in the last place, subnormal results
    included, and saturates to 0 and 1 without a NaN."""
    require_tool("cc")
    library = cbuild.load(Network((1, 1), "sigmoid"), directory=tmp_path, style="layers")
    z = np.concatenate([np.linspace(-745.0, 745.0, 20001), np.linspace(-3.0, 3.0, 2001),
                        [-744.9, -720.5, -708.3, -1e-300, 0.0, 1e-300, 709.9, 710.5, 800.0, -800.0, 1e308, -1e308]])
    got = library.predict([1.0, 0.0], z[:, None])
    # e^z / (1 + e^z) below 0, 1 / (1 + e^-z) above: neither exp overflows
    expected = np.array([math.exp(v) / (1.0 + math.exp(v)) if v < 0 else 1.0 / (1.0 + math.exp(-v)) for v in z])
    np.testing.assert_allclose(got, expected, rtol=5e-16, atol=2e-323)
    assert got[-1] == 0.0 and got[-2] == 1.0 and np.all(np.isfinite(got))


def derivation_sgd(network, params, X, y, epochs, learn_rate):
    """The article's SGD with the derivation's own gradient and loss (derive(net).gradient): a reference
    that shares no code with the generated module."""
    derivation = derive(network)
    names = [p.name for p in derivation.params]
    values = dict(zip(names, params))
    history = []
    for _ in range(epochs):
        for x, y_true in zip(X, y):
            partials = derivation.gradient(values, [x], [y_true])
            values = {name: values[name] - learn_rate * partials[name] for name in names}
        history.append(derivation.loss_value(values, X, y))
    return np.array([values[name] for name in names]), history


# past the old limit of 200 parameters, where a float step still costs less than a numpy step (FLOAT_STEPS)
DEEP = Network((2, 8, 8, 8, 7, 1), ("tanh", "relu", "softplus", "leaky_relu", "sigmoid"), loss="bce")


@pytest.mark.parametrize("network", [ARTICLE, DEEP, Network((2, 4, 1, 3), ("softplus", "relu", "identity")),
                                     Network((3, 5, 2), "leaky_relu", "identity")], ids=lambda n: n.describe())
def test_numpy_layer_train_is_the_derivations_sgd_by_either_route(rng, network):
    """Both routes of train (floats, numpy) against SGD on derive(net).gradient; the float route's loss
    history taken in stacks of two epochs (and a last of one) as well as all at once."""
    module = load(network, "numpy", "layers")
    params = rng.normal(scale=0.5, size=network.n_params)
    X = rng.normal(size=(6, network.n_inputs))
    y = rng.integers(0, 2, size=(6, network.n_outputs)).astype(float)
    y = y[:, 0] if network.n_outputs == 1 else y
    expected, expected_history = derivation_sgd(network, params, X, y, epochs=5, learn_rate=0.05)
    steps = []
    float_step = module.float_step
    module.float_step = lambda *args: steps.append(1) or float_step(*args)  # counts the float route's steps
    per_epoch = len(X) * max(module.SIZES) + network.n_params  # what one epoch keeps for its loss
    try:
        for float_steps, stack in ((module.FLOAT_STEPS, module.STACK), (module.FLOAT_STEPS, 2 * per_epoch),
                                   (0, module.STACK)):
            module.FLOAT_STEPS, module.STACK = float_steps, stack
            steps.clear()
            trained, history = module.train(params, X, y, epochs=5, learn_rate=0.05)
            assert len(steps) == (30 if float_steps else 0)  # 5 epochs of 6 samples: every step in floats, or none
            np.testing.assert_allclose(trained, expected, rtol=1e-11, atol=1e-13)
            np.testing.assert_allclose(history, expected_history, rtol=1e-11)
            assert isinstance(history, list) and len(history) == 5
    finally:
        module.float_step = float_step
        module.FLOAT_STEPS, module.STACK = emit_numpy_layers.FLOAT_STEPS, emit_numpy_layers.STACK
    assert module.train(params, X, y, epochs=0) == (pytest.approx(params), [])


@pytest.mark.parametrize("network", [ARTICLE, DEEP] + NETWORKS, ids=lambda n: n.describe())
def test_sample_gradient_is_the_derivations_gradient_of_one_sample(rng, network):
    """train's numpy steps take one sample's gradient by sample_gradient (BP4 as a broadcast product)."""
    module = load(network, "numpy", "layers")
    derivation = derive(network)
    for _ in range(3):
        params = rng.normal(size=network.n_params)
        x = rng.normal(scale=2.0, size=network.n_inputs)
        y_true = rng.integers(0, 2, size=network.n_outputs).astype(float)
        grad = np.full(network.n_params, np.nan)
        module.sample_gradient(module.matrices(params), module.matrices(grad), x[:, None], y_true[:, None])
        expected = derivation.gradient(dict(zip(module.PARAMS, params)), [x], [y_true if network.n_outputs > 1
                                                                             else y_true[0]])
        np.testing.assert_allclose(grad, [expected[name] for name in module.PARAMS], rtol=1e-12, atol=1e-15)


def test_the_float_route_is_taken_where_it_is_faster(rng):
    """The measured crossover (FLOAT_STEPS per entry of SIZES): a numpy step costs about the same per layer,
    a float step per parameter, so a deep network of 239 parameters steps in floats, a shallow one of 225
    in numpy."""
    for network, in_floats in ((DEEP, True), (Network((2, 56, 1)), False)):
        module = load(network, "numpy", "layers")
        steps = []
        float_step = module.float_step
        module.float_step = lambda *args: steps.append(1) or float_step(*args)
        try:
            module.train(rng.normal(size=network.n_params), rng.normal(size=(3, 2)), [0.0, 1.0, 1.0], epochs=2)
        finally:
            module.float_step = float_step
        assert len(steps) == (6 if in_floats else 0), network.describe()


@pytest.mark.parametrize("network", [ARTICLE] + NETWORKS, ids=lambda n: n.describe())
def test_matrices_take_a_stack_of_parameter_vectors(rng, network):
    """A row of a stack of parameter vectors gives the same matrices as that vector alone, as views."""
    module = load_module(generate(network, "numpy", "layers"))
    stack = rng.normal(size=(4, 3, network.n_params))
    stacked = module.matrices(stack)
    for i in range(4):
        for j in range(3):
            for M, alone in zip(stacked, module.matrices(stack[i, j])):
                assert M.shape == (4, 3, *alone.shape) and np.array_equal(M[i, j], alone)
    assert all(np.shares_memory(M, stack) for M in stacked)
    X = rng.normal(size=(5, network.n_inputs))
    *_, Z_L, A_L = module.forward(stacked, X.T)
    assert A_L.shape == (4, 3, network.n_outputs, 5)
    np.testing.assert_allclose(A_L[2, 1], module.predict(stack[2, 1], X).reshape(5, -1).T, rtol=1e-15)


@pytest.mark.parametrize("network", [ARTICLE, DEEP] + NETWORKS, ids=lambda n: n.describe())
def test_numpy_layer_train_is_finite_and_quiet_for_large_inputs(rng, network):
    """Inputs of a thousand: saturated activations, losses far from 0; no warning (pytest makes one an
    error), no NaN, by either route, and both routes end at the same numbers."""
    module = load(network, "numpy", "layers")
    params = rng.normal(scale=0.5, size=network.n_params)
    X = rng.normal(size=(5, network.n_inputs)) * 1e3
    y = rng.integers(0, 2, size=(5, network.n_outputs)).astype(float)
    y = y[:, 0] if network.n_outputs == 1 else y
    runs = []
    try:
        for float_steps in (module.FLOAT_STEPS, 0):
            module.FLOAT_STEPS = float_steps
            # a step small enough that no network diverges: that would be the data's doing, not overflow
            runs.append(module.train(params, X, y, epochs=3, learn_rate=1e-8))
    finally:
        module.FLOAT_STEPS = emit_numpy_layers.FLOAT_STEPS
    for trained, history in runs:
        assert np.all(np.isfinite(trained)) and np.all(np.isfinite(history))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(runs[0][1], runs[1][1], rtol=1e-10)
