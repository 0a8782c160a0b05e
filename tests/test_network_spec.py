"""The network description: what a bad one says, in Python and on the command line.

And the default description is exactly the article's network: the same
parameters and symbols, and partials equal to the article's hand-written
backprop (nncore).
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import CHILD_WARNINGS
from sympy import Symbol

import nncore
from derivations import Network, NetworkError, article_network, derive
from derivations.cli import main

# --- Network(...) and Network.parse ------------------------------------------------------------


@pytest.mark.parametrize("spec, message", [
    ("2-0-1", "bad network '2-0-1': every layer needs at least one neuron"),
    ("2-x-1", "bad network '2-x-1': 'x' is not a layer size"),
    ("2", "bad network '2': give at least an input and an output size"),
    ("", "bad network '': '' is not a layer size"),
    ("2--1", "bad network '2--1': '' is not a layer size"),
    ("-2-1", "bad network '-2-1': '' is not a layer size"),
    ("2-1.5-1", "'1.5' is not a layer size"),
    ("2-+3-1", "'+3' is not a layer size"),
    ("2-3-1e2", "'1e2' is not a layer size"),
    ("2,3,1", "'2,3,1' is not a layer size"),
    ("2-1234567-1", "'1234567' is not a layer size"),
])
def test_parse_rejects_a_bad_spec_with_a_clear_message(spec, message):
    with pytest.raises(NetworkError) as error:
        Network.parse(spec)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("spec, layers", [("2-2-1", (2, 2, 1)), (" 2-3-3-1 ", (2, 3, 3, 1)), ("4-1", (4, 1)),
                                          ("2 - 3 - 1", (2, 3, 1)), ("02-1", (2, 1))])
def test_parse_reads_sizes(spec, layers):
    assert Network.parse(spec).layers == layers


@pytest.mark.parametrize("kwargs, message", [
    (dict(layers=(2,)), "a network needs at least an input and an output layer"),
    (dict(layers=()), "a network needs at least an input and an output layer"),
    (dict(layers=(2, 0, 1)), "layer sizes must be whole numbers of at least 1, got 0"),
    (dict(layers=(2, -1, 1)), "got -1"),
    (dict(layers=(2, 1.5, 1)), "got 1.5"),
    (dict(layers=(2, True, 1)), "got True"),
    (dict(layers="2-2-1"), "layers must be a sequence of sizes, got '2-2-1'"),
    (dict(layers=3), "layers must be a sequence of sizes, got 3"),
    (dict(activation=3), "activation must be a name or a sequence of names, got 3"),
    (dict(activation="sigmod"), "unknown activation 'sigmod' (choose from: sigmoid, tanh, relu, leaky_relu, softplus, identity)"),
    (dict(activation=("sigmoid", "gelu")), "unknown activation 'gelu'"),
    (dict(output_activation="softmax"), "unknown activation 'softmax'"),
    (dict(loss="hinge"), "unknown loss 'hinge' (choose from: mse, bce, half-mse)"),
    (dict(loss="BCE"), "unknown loss 'BCE'"),
    (dict(activation="tanh", loss="bce"), "loss 'bce' needs a sigmoid output layer, not 'tanh'"),
    (dict(activation="sigmoid", output_activation="relu", loss="bce"), "needs a sigmoid output layer, not 'relu'"),
    (dict(layers=(2, 2, 2, 1), activation=("tanh", "sigmoid")),
     "2 activations given for 3 layers after the inputs; give one name, or one per layer"),
    (dict(layers=(2, 1), activation=("tanh", "sigmoid")), "2 activations given for 1 layers"),
])
def test_network_rejects_a_bad_description_with_a_clear_message(kwargs, message):
    with pytest.raises(NetworkError) as error:
        Network(**kwargs)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_network_error_is_a_value_error():
    assert issubclass(NetworkError, ValueError)


def test_per_layer_activations_and_output_override():
    net = Network((2, 3, 3, 1), activation=("relu", "tanh", "identity"), output_activation="sigmoid", loss="bce")
    assert net.activations == ("relu", "tanh", "sigmoid")
    assert net.describe() == "2-3-3-1 network, activations relu, tanh, sigmoid, bce loss"
    # a list is accepted and stored as a tuple, so the description stays hashable
    assert hash(Network((2, 2, 1), activation=["tanh", "sigmoid"])) == hash(Network((2, 2, 1), ("tanh", "sigmoid")))


# --- the article's network -------------------------------------------------------------------


def test_the_default_description_is_the_articles_network():
    net = Network(layers=(2, 2, 1))
    assert net == article_network() == Network() == Network.parse("2-2-1")
    assert (net.activations, net.loss, net.n_params) == (("sigmoid", "sigmoid"), "mse", 9)


def test_the_articles_parameters_and_symbols():
    d = derive(Network(layers=(2, 2, 1)))
    assert tuple(p.name for p in d.params) == nncore.PARAM_NAMES
    assert d.params == tuple(Symbol(name, real=True) for name in nncore.PARAM_NAMES)
    assert d.inputs == (Symbol("x1", real=True), Symbol("x2", real=True))
    assert d.targets == (Symbol("y_true", real=True),)
    assert [q.name for q in d.quantities] == ["sum_h1", "h1", "sum_h2", "h2", "sum_o1", "y_pred", "L"]
    # the article's wiring: w1, w2 into h1; w3, w4 into h2; w5, w6 from h1, h2 into o1
    wiring = {n.name: ([w.name for w in n.weights], [i.name for i in n.inputs], n.bias.name)
              for n in d.graph.neurons}
    assert wiring == {
        "h1": (["w1", "w2"], ["x1", "x2"], "b1"),
        "h2": (["w3", "w4"], ["x1", "x2"], "b2"),
        "o1": (["w5", "w6"], ["h1", "h2"], "b3"),
    }


def test_consumers_by_the_naming_rules():
    # who reads a neuron's output, and through which weight: by the numbering rules, not by the code
    g = derive().graph
    h1, h2, o1 = g.neurons
    assert [(m.name, w.name) for m, w in g.consumers(h1)] == [("o1", "w5")]
    assert [(m.name, w.name) for m, w in g.consumers(h2)] == [("o1", "w6")]
    assert g.consumers(o1) == ()
    deep = derive(Network((2, 3, 3, 1))).graph
    by_name = {n.name: n for n in deep.neurons}
    # h4..h6 read h1..h3 with w7..w9, w10..w12, w13..w15; o1 reads h4..h6 with w16..w18
    assert [(m.name, w.name) for m, w in deep.consumers(by_name["h2"])] == [("h4", "w8"), ("h5", "w11"), ("h6", "w14")]
    assert [(m.name, w.name) for m, w in deep.consumers(by_name["h6"])] == [("o1", "w18")]


def test_the_articles_partials_and_factors_equal_the_hand_written_backprop(rng):
    d = derive(Network(layers=(2, 2, 1)))
    network = nncore.OurNeuralNetwork(seed=1)
    for _ in range(5):
        params = dict(zip(nncore.PARAM_NAMES, rng.normal(size=9)))
        x, y_true = rng.normal(scale=3, size=2), float(rng.integers(0, 2))
        network.set_params(**params)
        expected = network.backprop(x, y_true)
        values = d.evaluate(params, x, y_true)
        for name, value in expected.items():
            ours = values[name] if name.startswith("d_") else values[f"d_L_d_{name}"]
            assert ours == pytest.approx(float(value), rel=1e-12, abs=1e-15), name
        gradient = d.gradient(params, [x], [y_true])
        assert [gradient[p] for p in nncore.PARAM_NAMES] == pytest.approx(
            [float(expected[p]) for p in nncore.PARAM_NAMES], rel=1e-12, abs=1e-15)


def test_the_articles_loss_over_the_four_people():
    d = derive(Network(layers=(2, 2, 1)))
    zeros = dict.fromkeys(nncore.PARAM_NAMES, 0.0)
    # every prediction f(0) = 0.5, so each squared error is 0.25
    assert d.loss_value(zeros, nncore.DATA, nncore.ALL_Y_TRUES) == 0.25
    network = nncore.OurNeuralNetwork(seed=3)
    predictions = network.predict(nncore.DATA)
    assert d.loss_value(network.params, nncore.DATA, nncore.ALL_Y_TRUES) == pytest.approx(
        float(np.mean((np.asarray(nncore.ALL_Y_TRUES) - predictions) ** 2)), rel=1e-12)


# --- the command line --------------------------------------------------------------------------

BAD_OPTIONS = [
    (["--net", "2-0-1"], "bad network '2-0-1': every layer needs at least one neuron"),
    (["--net", "2-x-1"], "'x' is not a layer size"),
    (["--net", "2"], "give at least an input and an output size"),
    (["--activation", "sigmod"], "unknown activation 'sigmod'"),
    (["--output-activation", "softmax"], "unknown activation 'softmax'"),
    (["--loss", "hinge"], "unknown loss 'hinge'"),
    (["--activation", "tanh", "--loss", "bce"], "loss 'bce' needs a sigmoid output layer, not 'tanh'"),
    (["--net", "2-2-2-1", "--activation", "tanh,sigmoid"], "2 activations given for 3 layers"),
    (["--net", "2-2-1", "--activation", "tanh,,sigmoid"], "3 activations given for 2 layers"),
    (["--net", "2-2-1", "--activation", "tanh,gelu"], "unknown activation 'gelu'"),
]


#: every command takes the network options (issue 6); check needs something to check
COMMANDS = [["derive"], ["codegen"], ["train"], ["graph"],
            ["check", str(Path(__file__).parent / "check_inputs" / "article_backprop.py") + ":backprop"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("options, message", BAD_OPTIONS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_cli_reports_a_bad_network_in_one_line(command, options, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*command, *options]) == 2
    assert list(tmp_path.iterdir()) == []
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("nnderive: error: ")
    assert message in err


def test_cli_argparse_mistakes_are_one_line_too(capsys):
    assert main(["graph", "--net"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "--net" in err


@pytest.mark.parametrize("options, message", [BAD_OPTIONS[0], BAD_OPTIONS[6]], ids=["2-0-1", "bce-tanh"])
def test_python_m_derivations_exits_2_with_one_line_and_no_traceback(options, message):
    done = subprocess.run(
        [sys.executable, "-m", "derivations", "graph", *options],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONWARNINGS": CHILD_WARNINGS},
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("nnderive: error: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_accepts_the_issue_example(capsys):
    assert main(["graph", "--net", "2-3-3-1", "--activation", "tanh", "--output-activation", "sigmoid",
                 "--loss", "bce"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("digraph")
    assert "2-3-3-1 network, activations tanh, tanh, sigmoid, bce loss" in out
