"""derivations.check: correct backprops pass, in every form, against independent references.

References: the article's numbers (docs/article.md), nncore's hand-written
backprop, the article's own class pasted from the page, a hand-written
numpy backprop for layered networks (tests/check_inputs/layered_backprop.py),
and central finite differences.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
from conftest import ALICE_PARAMS, ALICE_X, ALICE_Y
from derivations import derive
from derivations.check import CheckError, article_backprop, article_step, check
from derivations.check.kinds import detect_kind, make_form
from derivations.check.loading import load_target
from derivations.check.model import ChainModel
from derivations.check.points import make_points
from derivations.network import Network

INPUTS = Path(__file__).parent / "check_inputs"
ARTICLE_FILE = INPUTS / "article_network.py"
LAYERED = INPUTS / "layered_backprop.py"

#: docs/article.md: the nine partials at Alice, all weights 1, all biases 0
ARTICLE_PARTIALS = dict(
    w1=0.02146953526581111, w2=0.010734767632905555, w3=0.02146953526581111, w4=0.010734767632905555,
    w5=-0.011269220242958155, w6=-0.011269220242958155, b1=-0.010734767632905555, b2=-0.010734767632905555,
    b3=-0.23761755952842809,
)


@pytest.fixture(scope="module")
def article_class():
    """The article's class, loaded once: loading the page's script trains for 1000 epochs."""
    return load_target(f"{ARTICLE_FILE}:OurNeuralNetwork")


# --- what passes ------------------------------------------------------------------------


def test_nncore_backprop_passes_with_every_factor():
    report = check(article_backprop)
    assert report.ok and report.exit_status == 0 and report.kind == "gradient"
    assert list(report.parameters) == list(nncore.PARAM_NAMES)
    assert len(report.factors) == 12 and all(v.ok for v in report.factors.values())
    assert report.hints == [] and report.summary == [
        "OK: all 9 partials agree with the exact derivation at all 6 points, and so do the 12 factors you report."
    ]


def test_nncore_class_passes():
    report = check(nncore.OurNeuralNetwork)
    assert report.ok and report.kind == "class"


def test_nncore_step_passes():
    report = check(article_step, learn_rate=0.05)
    assert report.ok and report.kind == "step" and report.learn_rate == 0.05


def test_the_article_class_pasted_from_the_page_passes(article_class, capsys):
    assert article_class.capture.printed_lines == 102  # 100 epochs printed, then Emily and Frank
    report = check(article_class.obj)
    assert report.ok and report.kind == "class"
    assert capsys.readouterr() == ("", "")  # its prints stay out of the report
    assert "Epoch" not in report.to_text()


def test_loading_the_article_file_runs_it_and_says_so(capsys):
    report = check(f"{ARTICLE_FILE}:OurNeuralNetwork", points=1)
    assert report.ok and report.target.endswith("article_network.py:OurNeuralNetwork")
    assert any("ran its module-level code, which printed 102 lines" in n for n in report.notes)
    assert capsys.readouterr() == ("", "")


def test_an_instance_is_checked_on_a_copy(article_class):
    module_network = load_target(f"{ARTICLE_FILE}:network").obj  # the article's trained instance
    before = dict(vars(module_network))
    report = check(module_network, points=2)
    assert report.ok and report.kind == "class"
    assert vars(module_network) == before


def test_expected_values_at_alice_are_the_articles(article_class):
    report = check(article_class.obj, points=0)
    for name, value in ARTICLE_PARTIALS.items():
        verdict = report.parameters[name]
        assert verdict.point == "Alice"
        assert verdict.expected == pytest.approx(value, rel=1e-12)
        # read off the article's own update, w - 0.1 * dL/dw: float64 rounding only
        assert verdict.got == pytest.approx(value, rel=1e-9, abs=1e-15)
        assert verdict.finite_difference == pytest.approx(value, rel=1e-6)
        assert verdict.fd_agrees


def test_finite_differences_agree_at_every_point():
    report = check(article_backprop, points=10, seed=3)
    assert all(v.fd_agrees for v in report.parameters.values())


@pytest.mark.parametrize("name, network", [
    ("deep_bce", Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce")),
    ("wide_mse", Network((3, 4, 2))),
    ("deep_step", Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce")),
])
def test_a_hand_written_layered_backprop_passes(name, network):
    report = check(f"{LAYERED}:{name}", network=network)
    assert report.ok, report.to_text()
    if name != "deep_step":
        # every factor the core names is checked: local, edge, loss and upstream ones
        kinds = {derive(network).factors[f].kind for f in report.factors}
        assert kinds == {"local", "edge", "loss", "upstream"}


@pytest.fixture(scope="module")
def make_backprop():
    """The layered file's factory: builds a hand-written backprop for any sizes and activations."""
    return load_target(f"{LAYERED}:make_backprop").obj


def test_relu_network_passes(make_backprop):
    network = Network((2, 3, 1), activation="relu", output_activation="identity")
    report = check(make_backprop((2, 3, 1), ("relu", "identity")), network=network, points=8)
    assert report.ok, report.to_text()


def test_the_step_rounding_allowance_is_needed_and_enough():
    # at learn_rate 1e-9, (old - new) / learn_rate loses about eps/1e-9 ~ 2e-7 absolutely
    report = check(article_step, learn_rate=1e-9)
    assert report.ok
    assert max(v.rel_error for v in report.parameters.values()) > report.rtol


def _scaled(partial, factor, step=False):
    """nncore's backprop (or step) with one partial off by the relative amount ``factor - 1``."""
    def backprop(params, x, y_true):
        result = dict(article_backprop(params, x, y_true))
        result[partial] *= factor
        return result

    def sgd_step(params, x, y_true, learn_rate):
        grads = backprop(params, x, y_true)
        return {name: value - learn_rate * grads[name] for name, value in params.items()}

    return sgd_step if step else backprop


@pytest.mark.parametrize("step", [False, True], ids=["gradient", "step"])
def test_a_small_mistake_is_not_hidden_by_the_tolerance(step):
    # rtol 1e-6: one part in 10^4 is a mistake, in either form; a few ulps are not
    assert check(_scaled("w2", 1 + 1e-4, step), points=2).wrong_parameters == ["w2"]
    assert check(_scaled("w2", 1 + 1e-12, step), points=2).ok


def test_the_step_allowance_is_only_the_rounding_of_a_step():
    # (old - new) / learn_rate loses about eps·|param|/learn_rate: ~1e-6 at learn_rate 1e-9, not more
    report = check(article_step, learn_rate=1e-9)
    assert max(v.tolerance for v in report.parameters.values()) < 1e-5
    assert check(_scaled("b1", 1 + 1e-3, step=True), learn_rate=1e-9).wrong_parameters == ["b1"]


def test_the_top_level_export():
    import derivations

    assert derivations.check is check  # the derivations.check(obj, ...)
    assert derivations.check(article_backprop, points=0).ok


# --- the pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize("network", [
    None,
    Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce"),
    Network((3, 4, 2), activation=("relu", "softplus")),
    Network((2, 1, 1, 1), activation="tanh", output_activation="identity"),
    Network((2, 3, 1), activation="leaky_relu", output_activation="sigmoid"),
])
def test_the_chain_model_reproduces_evaluate(network):
    d = derive(network)
    model = ChainModel(d)
    for point in make_points(d, 3, seed=1):
        factors, partials = model.run(point.environment)
        for name in d.factors:
            assert factors[name] == pytest.approx(point.values[name], rel=1e-12, abs=1e-15)
        for name in d.partials:
            assert partials[name] == pytest.approx(point.values[f"d_L_d_{name}"], rel=1e-12, abs=1e-15)
        for name, link in model.links.items():  # each base factor, recomputed from its parts
            assert model.value(link, point.environment) == pytest.approx(point.values[name], rel=1e-12, abs=1e-15)


def test_points_are_seeded_and_keep_coincidences_away():
    d = derive()
    first, again = make_points(d, 5, seed=7), make_points(d, 5, seed=7)
    assert [p.params for p in first] == [p.params for p in again]
    assert first[0].name == "Alice" and first[0].params == ALICE_PARAMS
    assert list(first[0].x) == ALICE_X and first[0].y_true == ALICE_Y
    for p in first[1:]:
        x1, x2 = p.x
        assert abs(x1) >= 0.25 and abs(x2) >= 0.25 and abs(x1 - x2) >= 0.25
        assert abs(p.params["w5"] - p.params["w6"]) >= 0.1
        assert 0 <= p.y_true <= 1
    assert [p.params for p in make_points(d, 2, seed=8)] != [p.params for p in first[:3]]


@pytest.mark.parametrize("obj, kind", [
    (lambda params, x, y_true: {}, "gradient"),
    (lambda params, x, y_true, learn_rate: {}, "step"),
    (lambda params, x, y_true, lr=0.1: {}, "step"),
    (lambda params, x, y_true, verbose=False: {}, "gradient"),
    (nncore.OurNeuralNetwork, "class"),
    (nncore.OurNeuralNetwork(), "class"),
])
def test_detect_kind(obj, kind):
    assert detect_kind(obj) == kind


def test_forced_kinds_that_do_not_fit():
    d = derive()
    with pytest.raises(CheckError, match="cannot be called as a step function"):
        make_form(lambda params, x, y_true: {}, d, "step", 0.1)
    with pytest.raises(CheckError, match="needs a function"):
        make_form(nncore.OurNeuralNetwork, d, "gradient", 0.1)
    with pytest.raises(CheckError, match="needs a class"):
        make_form(article_backprop, d, "class", 0.1)
    with pytest.raises(CheckError, match="unknown kind"):
        make_form(article_backprop, d, "hessian", 0.1)


def test_forcing_the_kind_of_a_function_that_hides_its_signature():
    def wrapped(*args):
        return article_backprop(*args)

    with pytest.raises(CheckError, match="pass kind='gradient' or kind='step'"):
        check(wrapped)
    assert check(wrapped, kind="gradient").ok
    with pytest.raises(CheckError, match="cannot be called as a gradient function"):
        check(article_step, kind="gradient")


def test_a_class_without_the_networks_parameters_says_which_it_lacks():
    report = check(nncore.OurNeuralNetwork, network=Network((2, 3, 1)), points=1)
    assert not report.ok
    assert report.parameters["w7"].problem == "OurNeuralNetwork has no attribute w7"


def test_training_stops_after_the_first_update():
    swallowing = load_target(f"{INPUTS / 'broken.py'}:Swallowing")
    report = check(swallowing.obj, points=3)
    assert report.ok
    # one sample at each of the 4 points, stopped inside it, although train() catches Exception
    assert sys.modules[swallowing.obj.__module__].calls == {"train": 4}


@pytest.mark.parametrize("kwargs, message", [
    (dict(points=-1), "points must be"),
    (dict(points=2.5), "points must be"),
    (dict(points=True), "points must be"),
    (dict(seed=-3), "seed must be"),
    (dict(learn_rate=0), "learn_rate must be a positive number"),
    (dict(learn_rate=math.inf), "learn_rate must be"),
    (dict(rtol=2), "rtol must be a number between 0 and 1"),
    (dict(kind="guess"), "unknown kind"),
    (dict(network="2-2-1"), "network must be a derivations.Network"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(CheckError, match=message):
        check(article_backprop, **kwargs)


# --- the report ---------------------------------------------------------------------------


def test_json_report_is_complete_and_valid(tmp_path):
    path = tmp_path / "flipped.py"
    path.write_text(
        "from derivations.check import article_backprop\n"
        "def backprop(params, x, y_true):\n"
        "    result = article_backprop(params, x, y_true)\n"
        "    result['d_h1_d_w1'] = -result['d_h1_d_w1']\n"
        "    result['w1'] = -result['w1']\n"
        "    return result\n"
    )
    report = check(f"{path}:backprop", points=2)
    data = json.loads(report.to_json())
    assert data["ok"] is False and data["exit_status"] == 1 and data["kind"] == "gradient"
    assert set(data["parameters"]) == set(nncore.PARAM_NAMES)
    w1 = data["parameters"]["w1"]
    assert w1["ok"] is False and w1["got"] == pytest.approx(-w1["expected"])
    assert w1["abs_error"] == pytest.approx(2 * abs(w1["expected"])) and w1["rel_error"] == pytest.approx(2)
    assert data["parameters"]["w2"]["ok"] is True
    assert data["factors"]["d_h1_d_w1"] == {**data["factors"]["d_h1_d_w1"], "ok": False, "feeds": ["w1"]}
    assert data["hints"] == ["∂h1/∂w1 has the wrong sign, so w1 is negated."]
    assert data["hint_details"][0]["factors"] == ["d_h1_d_w1"]
    assert data["summary"][1] == "∂h1/∂w1 is wrong; it feeds w1."
    assert [p["name"] for p in data["points"]] == ["Alice", "random 1", "random 2"]


def test_text_report_reads_summary_first_then_tables_then_hints(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        "from derivations.check import article_backprop\n"
        "def backprop(params, x, y_true):\n"
        "    r = article_backprop(params, x, y_true)\n"
        "    return {k: v / 2 if k in ('w1','w2','w3','w4','w5','w6','b1','b2','b3','d_L_d_ypred') else v\n"
        "            for k, v in r.items()}\n"
    )
    text = check(f"{path}:backprop").to_text()
    lines = text.splitlines()
    assert lines[0] == f"nnderive check: {path}:backprop"
    verdict = lines.index("WRONG: 9 of 9 partials disagree with the exact derivation: all of them.")
    assert verdict == 6 and lines[verdict - 1] == ""  # the header, then the verdict first
    assert lines[verdict + 1] == "  ∂L/∂y_pred is wrong; it feeds every partial."
    assert text.index("partial  verdict") < text.index("factor ") < text.index("Hints (")
    assert "  - Every partial is half the exact one. This may be a convention, not a bug:" in text
    assert "loss='half-mse'. Otherwise ∂L/∂y_pred = -2(y_true - y_pred) seems to have lost the 2." in text
    ascii_text = check(f"{path}:backprop").to_text(unicode=False)
    assert ascii_text.isascii() and "dL/dy_pred = -2(y_true - y_pred)" in ascii_text


def test_json_never_holds_nan():
    report = check(f"{INPUTS / 'broken.py'}:nan_sometimes", points=3)
    data = json.loads(report.to_json(), parse_constant=lambda word: pytest.fail(f"{word} in the JSON"))
    assert data["parameters"]["w5"]["ok"] is False and "NaN" in data["parameters"]["w5"]["problem"]


def test_long_tables_show_the_wrong_rows_only(make_backprop):
    network = Network((4, 6, 6, 1))
    report = check(make_backprop((4, 6, 6, 1), "sigmoid", mistakes=("sign d_h7_d_w25",)), network=network,
                   points=2)
    assert report.wrong_parameters == ["w25"]
    lines = report.to_text().splitlines()
    table = lines[lines.index(next(line for line in lines if line.startswith("partial  verdict"))):]
    assert table[1].startswith("dL/dw25  WRONG")
    assert table[2] == "(78 more rows, all ok; to_json() lists every one)"  # the CLI says --format json


def test_numbers_from_numpy_are_accepted():
    def backprop(params, x, y_true):
        return {k: np.float32(v) if k == "b3" else np.array(v) for k, v in article_backprop(params, x, y_true).items()}

    report = check(backprop, rtol=1e-5)  # float32 carries 7 digits
    assert report.ok
