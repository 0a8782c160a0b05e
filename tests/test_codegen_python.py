"""The generated Python and numpy modules as text: golden, standalone, readable, deterministic."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
from derivations import Network
from derivations.codegen import CodegenError, command_line, generate, load_module

GOLDEN = Path(__file__).parent / "golden"
NETWORKS = [
    Network(),
    Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
    Network((3, 2, 2), "relu", "identity", "mse"),
    Network((2, 2, 1), "softplus"),
]


def imports(source):
    """Every module the source imports, at any depth."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
    return names


def test_article_python_target_is_the_golden_file():
    # our own generated code: any change to it must be deliberate (regenerate the file with
    # `nnderive codegen > tests/golden/article_python.py.txt` and review the diff)
    assert generate(target="python") == (GOLDEN / "article_python.py.txt").read_text()


#: docs/article.md: the nine partials at Alice, every weight 1 and every bias 0, at full precision
ARTICLE_PARTIALS = dict(
    w1=0.02146953526581111, w2=0.010734767632905555, w3=0.02146953526581111, w4=0.010734767632905555,
    w5=-0.011269220242958155, w6=-0.011269220242958155, b1=-0.010734767632905555, b2=-0.010734767632905555,
    b3=-0.23761755952842809,
)


def test_the_golden_file_itself_computes_the_articles_numbers(rng):
    # the golden text guards our layout; the numbers that text computes are proved here, against
    # the article (Alice) and nncore (backprop at random points, and the training loop)
    module = load_module((GOLDEN / "article_python.py.txt").read_text())
    assert module.PARAMS == nncore.PARAM_NAMES
    alice = module.gradients([1.0] * 6 + [0.0] * 3, [[-2.0, -1.0]], [1.0])
    assert alice == pytest.approx(list(ARTICLE_PARTIALS.values()), rel=1e-14)
    network = nncore.OurNeuralNetwork()
    for _ in range(20):
        params, x, y_true = rng.normal(size=9), rng.normal(scale=5.0, size=2), float(rng.integers(0, 2))
        network.set_params(**dict(zip(nncore.PARAM_NAMES, params)))
        expected = [network.backprop(x, y_true)[n] for n in nncore.PARAM_NAMES]
        np.testing.assert_allclose(module.backprop(params.tolist(), x.tolist(), y_true), expected, rtol=1e-12)
    network = nncore.OurNeuralNetwork(seed=2)
    start = list(network.params.values())
    history = network.train(nncore.DATA, nncore.ALL_Y_TRUES, epochs=50)
    params, ours = module.train(start, nncore.DATA.tolist(), nncore.ALL_Y_TRUES.tolist(), epochs=50)
    np.testing.assert_allclose(ours, history, rtol=1e-12)
    np.testing.assert_allclose(params, list(network.params.values()), rtol=1e-12)


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
@pytest.mark.parametrize("target, needed, allowed", [("python", {"math"}, {"math"}),
                                                     ("numpy", {"numpy"}, {"numpy", "math", "operator"})])
def test_generated_modules_are_standalone(network, target, needed, allowed):
    """Nothing past numpy and the standard library's math (train's plain-float steps) and operator."""
    source = generate(network, target)
    assert needed <= imports(source) <= allowed
    assert "derivations" not in source.split('"""', 2)[2] and "nncore" not in source


@pytest.mark.parametrize("target", ["python", "numpy"])
def test_generated_modules_carry_the_articles_names_and_chains(target):
    source = generate(target=target)
    for name in ("sum_h1 = w1*x1 + w2*x2 + b1", "h1 = sigmoid(sum_h1)", "y_pred = sigmoid(sum_o1)",
                 "d_L_d_ypred = -2*(y_true - y_pred)", "d_ypred_d_h1 = ", "d_h1_d_w1 = "):
        assert name in source
    lines = [line for line in source.splitlines() if line.strip().startswith("d_L_d_w1 =")]
    assert lines and lines[0].rstrip().endswith("# dL/dw1 = dL/dy_pred * dy_pred/dh1 * dh1/dw1")
    for param in nncore.PARAM_NAMES:  # every gradient line says which chain it multiplies out
        assert f"# dL/d{param} = " in source


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
@pytest.mark.parametrize("target", ["python", "numpy", "c"])
def test_header_says_what_is_computed_and_how_to_make_it_again(network, target):
    source = generate(network, target)
    head = source[:source.index("import") if target != "c" else source.index("#include")]
    assert network.describe() in head
    assert command_line(network, target) in head
    from derivations import derive

    params = ", ".join(p.name for p in derive(network).params)
    assert params[:60] in " ".join(head.replace(" * ", " ").split())  # the parameter order
    for function in ("loss", "gradients", "sgd_step", "train"):
        assert function in head


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_the_command_in_the_header_makes_the_same_network_again(network):
    from derivations.cli import build_parser
    from derivations.commands.common import network_from_args

    words = command_line(network, "python").split()[1:]
    again = network_from_args(build_parser().parse_args(words))
    assert (again.layers, again.activations, again.loss) == (network.layers, network.activations, network.loss)


def test_generation_is_deterministic_across_processes():
    # a fresh interpreter each time, with a different hash seed: set iteration order cannot leak in
    script = (
        "import sys; from derivations import Network; from derivations.codegen import generate\n"
        "for net in (Network(), Network((2, 3, 3, 1), 'tanh', 'sigmoid', 'bce')):\n"
        "    for target in ('python', 'numpy', 'c'):\n"
        "        sys.stdout.write(generate(net, target))\n"
    )
    outputs = []
    for seed in ("1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=True)
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    in_process = "".join(generate(n, t) for n in (Network(), Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"))
                         for t in ("python", "numpy", "c"))
    assert outputs[0].decode() == in_process


def test_python_target_agrees_with_nncore_to_the_last_bit_or_nearly(rng):
    module = load_module(generate(target="python"))
    network = nncore.OurNeuralNetwork()
    identical = 0
    for _ in range(200):
        params = rng.normal(size=9)
        x, y_true = rng.normal(scale=5.0, size=2), float(rng.integers(0, 2))
        network.set_params(**dict(zip(nncore.PARAM_NAMES, params)))
        expected = [network.backprop(x, y_true)[n] for n in nncore.PARAM_NAMES]
        ours = module.backprop([float(p) for p in params], [float(v) for v in x], y_true)
        # the same operations in the same order: only math.exp and numpy's exp may differ, by an ulp
        np.testing.assert_allclose(ours, expected, rtol=1e-14, atol=0)
        identical += list(ours) == [float(e) for e in expected]
    assert identical >= 100  # most samples agree to the last bit


def test_numpy_target_has_no_python_loop_over_samples():
    tree = ast.parse(generate(target="numpy"))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    for name in ("predict", "losses", "backprop"):
        assert not any(isinstance(n, (ast.For, ast.While, ast.comprehension)) for n in ast.walk(functions[name]))
    for name in ("loss", "gradients"):  # they loop over blocks of BLOCK rows, not over rows
        loops = [n for n in ast.walk(functions[name]) if isinstance(n, ast.For)]
        assert len(loops) == 1 and "BLOCK" in ast.unparse(loops[0].iter)


def test_numpy_blocks_give_the_same_gradient_as_one_block(rng):
    module = load_module(generate(target="numpy"))
    params, X = rng.normal(size=9), rng.normal(scale=3.0, size=(1000, 2))
    y = rng.integers(0, 2, size=1000).astype(float)
    whole = module.gradients(params, X, y)
    module.BLOCK = 7  # many small blocks, one of them partial
    np.testing.assert_allclose(module.gradients(params, X, y), whole, rtol=1e-13, atol=1e-15)
    assert module.loss(params, X, y) == pytest.approx(float(np.mean(module.losses(params, X, y))), rel=1e-13)


@pytest.mark.parametrize("target", ["python", "numpy"])
def test_generated_functions_reject_wrong_shapes_with_a_clear_message(target):
    module = load_module(generate(target=target))
    params = [0.0] * 9
    with pytest.raises(ValueError, match="X"):
        module.gradients(params, [[1.0, 2.0, 3.0]], [1.0])
    with pytest.raises(ValueError, match="y"):
        module.gradients(params, [[1.0, 2.0]], [1.0, 0.0])
    with pytest.raises(ValueError, match="X"):
        module.loss(params, [], [])


def test_unknown_target_is_an_error():
    with pytest.raises(CodegenError, match="unknown target"):
        generate(target="fortran")
