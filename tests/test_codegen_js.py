"""The JavaScript target, run in Node: golden text, the article's numbers, training, trace, robustness.

(The shared references, the lambdified gradient on random networks and finite
differences, run for every target in test_codegen_targets.py; this file adds
what only the JavaScript has or must show.)  References: docs/article.md's
numbers, nncore's hand-written backprop and training, ``derive().evaluate``.
"""

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import ALICE_PARAMS, ALICE_X, ALICE_Y, require_tool, run_cli
from nodejs import NodeError, NodeModule

import nncore
from derivations import Network, derive
from derivations.codegen import generate
from derivations.printing.notation import rounded

GOLDEN = Path(__file__).parent / "golden"
NETWORKS = [
    Network(),
    Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
    Network((3, 2, 2), "relu", "identity", "mse"),
    Network((2, 2, 1), "softplus"),
]


@pytest.fixture(scope="module")
def node():
    return require_tool("node")


@pytest.fixture(scope="module")
def modules(node):
    """``modules(network)``: the generated module for ``network``, running in Node."""
    cache = {}

    def load(network=Network(), source=None):
        key = source or network
        if key not in cache:
            cache[key] = NodeModule(source or generate(network, "js"), node)
        return cache[key]

    yield load
    for module in cache.values():
        module.close()


def test_article_js_target_is_the_golden_file():
    # our own generated code: a change must be deliberate (regenerate with
    # `nnderive codegen --target js > tests/golden/article_js.mjs.txt` and review the diff)
    assert generate(target="js") == (GOLDEN / "article_js.mjs.txt").read_text()


#: docs/article.md: the nine partials at Alice, every weight 1 and every bias 0
ARTICLE_PARTIALS = [0.02146953526581111, 0.010734767632905555, 0.02146953526581111, 0.010734767632905555,
                    -0.011269220242958155, -0.011269220242958155, -0.010734767632905555,
                    -0.010734767632905555, -0.23761755952842809]


def test_the_golden_file_computes_the_articles_numbers(modules):
    module = modules(source=(GOLDEN / "article_js.mjs.txt").read_text())
    assert module.PARAMS == nncore.PARAM_NAMES
    assert module.INPUTS == ("x1", "x2") and module.TARGETS == ("y_true",)
    alice = list(ALICE_PARAMS.values())
    np.testing.assert_allclose(module.gradients(alice, [ALICE_X], [ALICE_Y]), ARTICLE_PARTIALS, rtol=1e-14)
    np.testing.assert_allclose(module.backprop(alice, ALICE_X, ALICE_Y), ARTICLE_PARTIALS, rtol=1e-14)
    # docs/article.md's feedforward example: every neuron w = [0, 1], b = 0, x = [2, 3]
    assert module.feedforward([0, 1, 0, 1, 0, 1, 0, 0, 0], [2, 3]) == pytest.approx(0.7216325609518421, rel=1e-15)
    assert module.loss([0.0] * 9, [[-2, -1], [25, 6], [17, 4], [-15, -6]], [1, 0, 0, 1]) == 0.25


def test_matches_the_handwritten_backprop_at_random_points(modules, rng):
    module = modules()
    network = nncore.OurNeuralNetwork()
    for _ in range(50):
        params, x, y_true = rng.normal(size=9), rng.normal(scale=5.0, size=2), float(rng.integers(0, 2))
        network.set_params(**dict(zip(nncore.PARAM_NAMES, params)))
        expected = [network.backprop(x, y_true)[n] for n in nncore.PARAM_NAMES]
        np.testing.assert_allclose(module.backprop(params, x, y_true), expected, rtol=1e-12)


def test_trains_exactly_as_the_article_does_for_1000_epochs(modules):
    # the article's loop (nncore, by hand): 1000 epochs of SGD, learn rate 0.1, the four people in order
    module = modules()
    network = nncore.OurNeuralNetwork(seed=2)
    start = list(network.params.values())
    history = network.train(nncore.DATA, nncore.ALL_Y_TRUES)
    params, ours = module.train(start, nncore.DATA, nncore.ALL_Y_TRUES)
    assert len(ours) == 1000
    # same operations in the same order: agreement far beyond the training's own sensitivity
    np.testing.assert_allclose(ours, history, rtol=1e-10)
    np.testing.assert_allclose(params, list(network.params.values()), rtol=1e-10)
    emily, frank = module.predict(params, [nncore.EMILY.x, nncore.FRANK.x])
    assert emily > 0.9 and frank < 0.1  # docs/article.md: about 0.95 (F) and 0.04 (M)
    assert module.sgd_step(start, nncore.DATA[0], 1, 0.1) == pytest.approx(
        module.train(start, nncore.DATA[:1], [1], 1)[0], rel=1e-15)


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_trace_holds_every_value_the_derivation_names(modules, rng, network):
    module = modules(network)
    d = derive(network)
    names = [p.name for p in d.params]
    for _ in range(5):
        params = rng.normal(size=len(names))
        x = rng.normal(scale=2.0, size=network.n_inputs)
        y = rng.integers(0, 2, size=network.n_outputs).astype(float)
        y_true = y[0] if network.n_outputs == 1 else y
        traced = module.trace(params, x, y_true)
        expected = d.evaluate(dict(zip(names, params)), x, y_true)
        assert set(expected) <= set(traced)
        for name, value in expected.items():
            assert traced[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name


def test_trace_with_rounding_is_the_articles_worked_example(modules, node):
    # the article multiplies rounded factors: -0.952 * 0.249 * -0.0904 = 0.0214 (the exact value rounds to
    # 0.0215); rounding each step to 3 digits in JavaScript must carry the same numbers as a person does
    source = generate(target="js")
    script = (
        "import { trace } from './generated.mjs';\n"
        "const t = trace([1, 1, 1, 1, 1, 1, 0, 0, 0], [-2, -1], 1, (v) => Number(v.toPrecision(3)));\n"
        "console.log(JSON.stringify([t.h1, t.y_pred, t.d_L_d_ypred, t.d_ypred_d_h1, t.d_h1_d_w1, t.d_L_d_w1]));\n"
    )
    out = run_node(node, source, script)
    assert out == "[0.0474,0.524,-0.952,0.249,-0.0904,0.0214]\n"
    exact = NodeModule(source, node)
    try:
        assert rounded(exact.trace(list(ALICE_PARAMS.values()), ALICE_X, ALICE_Y)["d_L_d_w1"], 3) == 0.0215
    finally:
        exact.close()


def run_node(node, source, script, tmp=None):
    """Run ``script`` (an ES module beside the generated one) in Node; its standard output."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "generated.mjs").write_text(source)
        Path(directory, "main.mjs").write_text(script)
        done = subprocess.run([node, "main.mjs"], cwd=directory, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_the_module_is_standalone_and_says_how_to_use_it(network):
    source = generate(network, "js")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("//", "*", "/*")))
    assert not re.search(r"\b(import|require)\b", code)  # no dependency, not even Node's own modules
    for name in ("PARAMS", "loss", "gradients", "sgd_step", "train", "predict", "feedforward", "backprop"):
        assert re.search(rf"export (const|function) {name}\b", source), name
    assert "// The chain-rule gradient of the loss of a " + network.describe() in source
    assert "d_L_d_w1 = " in source and "// dL/dw1 = " in source


def test_helpers_stay_finite_far_out(modules):
    # sigmoid and softplus at |x| = 1e4: e^x overflows a double there, the helpers never form it
    for activation, loss in (("sigmoid", "mse"), ("softplus", "mse"), ("sigmoid", "bce")):
        module = modules(Network((1, 1), activation, loss=loss))
        for x in (1e4, -1e4):
            for y_true in (0.0, 1.0):
                values = module.trace([1.0, 0.0], [x], y_true)
                assert all(v is not None and np.isfinite(v) for v in values.values()), (activation, x, values)
    sigmoid = modules(Network((1, 1), "sigmoid"))
    assert sigmoid.feedforward([1.0, 0.0], [-1e4]) == 0.0 and sigmoid.feedforward([1.0, 0.0], [1e4]) == 1.0
    assert sigmoid.feedforward([1.0, 0.0], [-710.0]) == pytest.approx(np.exp(-710.0), rel=1e-12)
    softplus = modules(Network((1, 1), "softplus"))
    assert softplus.feedforward([1.0, 0.0], [1e4]) == 1e4
    assert softplus.feedforward([1.0, 0.0], [-30.0]) == pytest.approx(np.log1p(np.exp(-30.0)), rel=1e-14)


@pytest.mark.parametrize("call, args, kind, match", [
    ("gradients", ([1.0] * 8, [[1, 2]], [1]), "RangeError", "params must hold 9 numbers"),
    ("gradients", ([1.0] * 9, [[1, 2, 3]], [1]), "RangeError", "every row of X needs 2 numbers"),
    ("gradients", ([1.0] * 9, [[1, 2]], [1, 0]), "RangeError", "y has 2 targets for 1 samples"),
    ("predict", ([1.0] * 9, []), "RangeError", "X has no samples"),
    ("loss", ([1.0] * 9, [["a", 2]], [1]), "TypeError", "must hold numbers"),
    ("loss", ([1.0] * 9, [[None, 2]], [1]), "TypeError", "must hold numbers"),
    ("loss", ([True] + [1.0] * 8, [[1, 2]], [1]), "TypeError", "params must hold numbers"),
    ("sgd_step", ([1.0] * 9, [1, 2], "", 0.1), "TypeError", "y must hold numbers"),
])
def test_bad_arguments_throw_one_clear_error(modules, call, args, kind, match):
    with pytest.raises(NodeError, match=match) as error:
        getattr(modules(), call)(*args)
    assert error.value.kind == kind


def test_the_cli_writes_a_module_node_runs_as_the_header_says(capsys, tmp_path, node):
    path = tmp_path / "nn.mjs"
    status, out, err = run_cli(capsys, "codegen", "--target", "js", "-o", path)
    assert status == 0 and out == "" and err == ""
    assert path.read_text() == generate(target="js")
    (tmp_path / "main.mjs").write_text(
        'import * as net from "./nn.mjs";\n'
        "const [params, history] = net.train([1, 1, 1, 1, 1, 1, 0, 0, 0],"
        " [[-2, -1], [25, 6], [17, 4], [-15, -6]], [1, 0, 0, 1]);\n"
        "console.log(history.length, net.predict(params, [[-7, -3], [20, 2]]).map((p) => p.toFixed(2)).join(' '));\n"
    )
    done = subprocess.run([node, "main.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    epochs, emily, frank = done.stdout.split()
    assert epochs == "1000" and float(emily) > 0.9 and float(frank) < 0.1
