"""A library of mutants of the article's backprop, one known mistake each, through the checker.

Each mutant is tests/check_inputs/article_backprop.py (or the article's own
class, tests/check_inputs/article_network.py) with a line or two changed, as
a student would get it wrong.  For each, the checker must report exactly the
affected partials as wrong, name the wrong factor where the code reports its
factors, and give the right hint (and no other).  The mutant files are
written to a temporary directory and loaded through PATH:NAME, as the
command line does.
"""

from pathlib import Path

import pytest

from derivations.check import check
from derivations.network import Network

INPUTS = Path(__file__).parent / "check_inputs"
ALL = ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"]
O1_FACTORS = ["d_ypred_d_w5", "d_ypred_d_w6", "d_ypred_d_b3", "d_ypred_d_h1", "d_ypred_d_h2"]
LOCAL = ["d_h1_d_w1", "d_h1_d_w2", "d_h1_d_b1", "d_h2_d_w3", "d_h2_d_w4", "d_h2_d_b2"]
LOSS = "d_L_d_ypred = -2 * (y_true - y_pred)"


class Mutant:
    """One mistake: the edits (old, new), what must be wrong, and the hint expected.

    ``hints`` are the kinds expected when the factors are reported;
    ``bare_hints`` those expected from the partials alone (a step, or a
    function returning only partials), where a mistake in a factor and the
    same mistake in the product cannot be told apart.
    """

    def __init__(self, name, edits, params, factors, hints, hint_factors=(), bare_hints=None, text=""):
        self.name = name
        self.edits = edits
        self.params = params
        self.factors = factors
        self.hints = hints
        self.hint_factors = list(hint_factors)
        self.bare_hints = hints if bare_hints is None else bare_hints
        self.text = text

    def __repr__(self):
        return self.name

    def write(self, directory, source):
        for old, new in self.edits:
            assert source.count(old) >= 1, f"{self.name}: {old!r} is not in the source"
            source = source.replace(old, new)
        path = Path(directory) / "mutant.py"
        path.write_text(source)
        return path


MUTANTS = [
    Mutant("sign of dL/dy_pred", [(LOSS, "d_L_d_ypred = 2 * (y_true - y_pred)")], ALL, ["d_L_d_ypred"],
           ["scale of all"], ["d_L_d_ypred"], text="wrong sign"),
    Mutant("lost the 2", [(LOSS, "d_L_d_ypred = -(y_true - y_pred)")], ALL, ["d_L_d_ypred"],
           ["scale of all"], ["d_L_d_ypred"], text="half the exact one"),
    Mutant("mean over the 4 people", [(LOSS, "d_L_d_ypred = -2 * (y_true - y_pred) / 4")], ALL, ["d_L_d_ypred"],
           ["scale of all"], ["d_L_d_ypred"], text="1/4"),
    Mutant("Alice's label hard-coded", [(LOSS, "d_L_d_ypred = -2 * (1 - y_pred)")], ALL, ["d_L_d_ypred"],
           ["label"], ["d_L_d_ypred"], text="y_true = 1"),
    Mutant("sign of a local factor", [("d_h1_d_w1 = x[0] *", "d_h1_d_w1 = -x[0] *")], ["w1"], ["d_h1_d_w1"],
           ["sign"], ["d_h1_d_w1"]),
    Mutant("an edge twice", [("d_ypred_d_h2 = w6 *", "d_ypred_d_h2 = 2 * w6 *")], ["w3", "w4", "b2"],
           ["d_ypred_d_h2"], ["twice"], ["d_ypred_d_h2"]),
    Mutant("a local factor halved", [("d_h2_d_b2 = deriv_sigmoid(sum_h2)", "d_h2_d_b2 = deriv_sigmoid(sum_h2) / 2")],
           ["b2"], ["d_h2_d_b2"], ["half"], ["d_h2_d_b2"]),
    Mutant("f'(h1) for f'(sum_h1)",
           [("d_h1_d_w1 = x[0] * deriv_sigmoid(sum_h1)", "d_h1_d_w1 = x[0] * deriv_sigmoid(h1)")],
           ["w1"], ["d_h1_d_w1"], ["f' at activation"], ["d_h1_d_w1"], text="f'(h1) where f'(sum_h1) belongs"),
    Mutant("f'(y_pred) for f'(sum_o1)", [("deriv_sigmoid(sum_o1)", "deriv_sigmoid(y_pred)")], ALL, O1_FACTORS,
           ["f' at activation"], O1_FACTORS, text="f'(y_pred) where f'(sum_o1) belongs"),
    Mutant("f' at the activation everywhere",
           [("deriv_sigmoid(sum_o1)", "deriv_sigmoid(y_pred)"), ("deriv_sigmoid(sum_h1)", "deriv_sigmoid(h1)"),
            ("deriv_sigmoid(sum_h2)", "deriv_sigmoid(h2)")],
           ALL, O1_FACTORS + LOCAL, ["f' at activation"], O1_FACTORS + LOCAL, text="each neuron's activation"),
    Mutant("x1 and x2 swapped in h1",
           [("d_h1_d_w1 = x[0]", "d_h1_d_w1 = x[1]"), ("d_h1_d_w2 = x[1]", "d_h1_d_w2 = x[0]")],
           ["w1", "w2"], ["d_h1_d_w1", "d_h1_d_w2"], ["input swap"], ["d_h1_d_w1", "d_h1_d_w2"],
           text="x1 and x2 are swapped"),
    Mutant("x1 and x2 swapped in the whole table",
           [("d_h1_d_w1 = x[0]", "d_h1_d_w1 = x[1]"), ("d_h1_d_w2 = x[1]", "d_h1_d_w2 = x[0]"),
            ("d_h2_d_w3 = x[0]", "d_h2_d_w3 = x[1]"), ("d_h2_d_w4 = x[1]", "d_h2_d_w4 = x[0]")],
           ["w1", "w2", "w3", "w4"], ["d_h1_d_w1", "d_h1_d_w2", "d_h2_d_w3", "d_h2_d_w4"], ["input swap"],
           ["d_h1_d_w1", "d_h1_d_w2", "d_h2_d_w3", "d_h2_d_w4"], text="x1 is the weight, x2 the height"),
    Mutant("x2 in dh2/dw3", [("d_h2_d_w3 = x[0]", "d_h2_d_w3 = x[1]")], ["w3"], ["d_h2_d_w3"], ["wrong input"],
           ["d_h2_d_w3"], text="uses x2 where x1 belongs"),
    Mutant("an input on a bias", [("d_h1_d_b1 = deriv_sigmoid(sum_h1)", "d_h1_d_b1 = x[0] * deriv_sigmoid(sum_h1)")],
           ["b1"], ["d_h1_d_b1"], ["input on a bias"], ["d_h1_d_b1"]),
    Mutant("w5 and w6 swapped",
           [("d_ypred_d_h1 = w5", "d_ypred_d_h1 = w6"), ("d_ypred_d_h2 = w6", "d_ypred_d_h2 = w5")],
           ["w1", "w2", "w3", "w4", "b1", "b2"], ["d_ypred_d_h1", "d_ypred_d_h2"], ["weight swap"],
           ["d_ypred_d_h1", "d_ypred_d_h2"], text="w5 and w6 are swapped"),
    Mutant("w6 in dy_pred/dh1", [("d_ypred_d_h1 = w5", "d_ypred_d_h1 = w6")], ["w1", "w2", "b1"], ["d_ypred_d_h1"],
           ["wrong weight"], ["d_ypred_d_h1"]),
    Mutant("the results for w5 and w6 swapped",
           [('"w5": d_L_d_ypred * d_ypred_d_w5', '"w5": d_L_d_ypred * d_ypred_d_w6'),
            ('"w6": d_L_d_ypred * d_ypred_d_w6', '"w6": d_L_d_ypred * d_ypred_d_w5')],
           ["w5", "w6"], [], ["swapped results"], bare_hints=["input swap"]),
    Mutant("f' missing from a local factor", [("d_h1_d_w1 = x[0] * deriv_sigmoid(sum_h1)", "d_h1_d_w1 = x[0]")],
           ["w1"], ["d_h1_d_w1"], ["f' missing"], ["d_h1_d_w1"], text="f'(sum_h1) is missing"),
    Mutant("f' missing from an edge", [("d_ypred_d_h1 = w5 * deriv_sigmoid(sum_o1)", "d_ypred_d_h1 = w5")],
           ["w1", "w2", "b1"], ["d_ypred_d_h1"], ["f' missing"], ["d_ypred_d_h1"]),
    Mutant("f for f'", [("d_h1_d_b1 = deriv_sigmoid(sum_h1)", "d_h1_d_b1 = sigmoid(sum_h1)")], ["b1"], ["d_h1_d_b1"],
           ["f instead of f'"], ["d_h1_d_b1"]),
    Mutant("f' of the wrong neuron",
           [("d_h1_d_w1 = x[0] * deriv_sigmoid(sum_h1)", "d_h1_d_w1 = x[0] * deriv_sigmoid(sum_h2)")],
           ["w1"], ["d_h1_d_w1"], ["f' of the wrong neuron"], ["d_h1_d_w1"], text="neuron h2's"),
    Mutant("dy_pred/dh2 in the chain of w1",
           [('"w1": d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1', '"w1": d_L_d_ypred * d_ypred_d_h2 * d_h1_d_w1')],
           ["w1"], [], ["wrong neuron"], text="∂L/∂w1 uses ∂y_pred/∂h2"),
    Mutant("dh1/dw1 in the chain of w3",
           [('"w3": d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w3', '"w3": d_L_d_ypred * d_ypred_d_h2 * d_h1_d_w1')],
           # from the partial alone, x1·f'(sum_h1) in w3's chain is f'(sum_h1) in ∂h2/∂w3: the same numbers
           ["w3"], [], ["wrong neuron"], text="∂L/∂w3 uses ∂h1/∂w1", bare_hints=["f' of the wrong neuron"]),
    Mutant("the product for b3 doubled", [('"b3": d_L_d_ypred', '"b3": 2 * d_L_d_ypred')], ["b3"], [],
           ["product twice"], bare_hints=["twice"]),
    Mutant("two mistakes at once",
           [("d_h1_d_w1 = x[0] *", "d_h1_d_w1 = -x[0] *"),
            ("d_ypred_d_b3 = deriv_sigmoid(sum_o1)", "d_ypred_d_b3 = 1")],
           ["w1", "b3"], ["d_ypred_d_b3", "d_h1_d_w1"], ["sign", "f' missing"], ["d_h1_d_w1", "d_ypred_d_b3"]),
    Mutant("a mistake no hint knows",
           [("d_h1_d_w2 = x[1] * deriv_sigmoid(sum_h1)", "d_h1_d_w2 = x[1] * deriv_sigmoid(sum_h1) + 0.01")],
           ["w2"], ["d_h1_d_w2"], []),
]


@pytest.fixture(scope="module")
def source():
    return (INPUTS / "article_backprop.py").read_text()


@pytest.mark.parametrize("mutant", MUTANTS, ids=repr)
def test_mutant_with_its_factors(mutant, source, tmp_path):
    path = mutant.write(tmp_path, source)
    report = check(f"{path}:backprop")
    assert report.exit_status == 1
    assert report.wrong_parameters == mutant.params
    assert report.wrong_factors == [f for f in report.factors if f in mutant.factors]
    assert sorted(report.wrong_factors) == sorted(mutant.factors)
    assert [h.kind for h in report.hints] == mutant.hints
    named = [f for h in report.hints for f in h.factors]
    assert sorted(named) == sorted(mutant.hint_factors)
    assert all(mutant.text in h.text for h in report.hints[:1])
    for h in report.hints:  # a hint explains exactly partials that are wrong
        assert set(h.parameters) <= set(mutant.params)
    if mutant.hints:
        assert sorted(p for h in report.hints for p in h.parameters) == sorted(mutant.params)


@pytest.mark.parametrize("mutant", MUTANTS, ids=repr)
@pytest.mark.parametrize("form", ["partials_only", "step"])
def test_mutant_from_its_partials_alone(mutant, form, source, tmp_path):
    path = mutant.write(tmp_path, source)
    report = check(f"{path}:{form}")
    assert report.kind == ("step" if form == "step" else "gradient")
    assert report.wrong_parameters == mutant.params
    assert report.factors == {}
    assert [h.kind for h in report.hints] == mutant.bare_hints


def test_the_summary_names_the_wrong_factor(source, tmp_path):
    mutant = next(m for m in MUTANTS if m.name == "sign of a local factor")
    report = check(f"{mutant.write(tmp_path, source)}:backprop")
    assert report.summary[:2] == [
        "WRONG: 1 of 9 partials disagrees with the exact derivation: w1.",
        "∂h1/∂w1 is wrong; it feeds w1.",
    ]
    assert report.hints[0].text == "∂h1/∂w1 has the wrong sign, so w1 is negated."


def test_the_summary_blames_the_product_when_every_factor_is_right(source, tmp_path):
    mutant = next(m for m in MUTANTS if m.name == "dy_pred/dh2 in the chain of w1")
    report = check(f"{mutant.write(tmp_path, source)}:backprop")
    assert "w1 is wrong though every factor of its chain that you report is right" in report.summary[1]


def test_the_wrong_parameters_point_at_a_factor_when_no_hint_fits(source, tmp_path):
    edits = [("d_ypred_d_h1 = w5 * deriv_sigmoid(sum_o1)", "d_ypred_d_h1 = w5 * deriv_sigmoid(sum_o1) + 0.01")]
    path = Mutant("odd edge", edits, [], [], []).write(tmp_path, source)
    report = check(f"{path}:partials_only")
    assert report.wrong_parameters == ["w1", "w2", "b1"] and report.hints == []
    assert "exactly the ones ∂y_pred/∂h1 feeds" in report.summary[1]


def test_a_mistake_stays_visible_at_a_tiny_learning_rate(source, tmp_path):
    # the rounding allowance of a step grows as eps/learn_rate; a real mistake must still show
    mutant = next(m for m in MUTANTS if m.name == "the product for b3 doubled")
    report = check(f"{mutant.write(tmp_path, source)}:step", learn_rate=1e-9)
    assert report.wrong_parameters == ["b3"]


# --- the article's own class, mutated -------------------------------------------------------

CLASS_MUTANTS = [
    ("an update that adds", [("self.w1 -= learn_rate", "self.w1 += learn_rate")], ["w1"], ["sign"],
     "Or the update of w1 adds"),
    ("f'(h2) in dh2/dw4", [("d_h2_d_w4 = x[1] * deriv_sigmoid(sum_h2)", "d_h2_d_w4 = x[1] * deriv_sigmoid(h2)")],
     ["w4"], ["f' at activation"], "f'(h2) where f'(sum_h2) belongs"),
    ("w6 in dy_pred/dh1", [("d_ypred_d_h1 = self.w5", "d_ypred_d_h1 = self.w6")], ["w1", "w2", "b1"],
     ["wrong weight"], "uses w6 where w5 belongs"),
    ("learning rate 0.5 given as 0.1", [("learn_rate = 0.1", "learn_rate = 0.5")], ALL, ["scale of all"],
     "Every partial is 5 times the exact one"),
]


@pytest.fixture(scope="module")
def article_source():
    return (INPUTS / "article_network.py").read_text()


@pytest.mark.parametrize("name, edits, params, hints, text", CLASS_MUTANTS, ids=[m[0] for m in CLASS_MUTANTS])
def test_class_mutant(name, edits, params, hints, text, article_source, tmp_path):
    path = Mutant(name, edits, params, [], hints).write(tmp_path, article_source)
    # the rate is given, as a student who believes the article's 0.1 would: the code's own is then not read
    report = check(f"{path}:OurNeuralNetwork", points=3, learn_rate=0.1 if "given" in name else None)
    assert report.kind == "class"
    assert report.wrong_parameters == params
    assert [h.kind for h in report.hints] == hints
    assert text in report.hints[0].text


def test_class_with_its_own_learning_rate_passes_when_told(article_source, tmp_path):
    path = Mutant("lr", [("learn_rate = 0.1", "learn_rate = 0.5")], [], [], []).write(tmp_path, article_source)
    assert check(f"{path}:OurNeuralNetwork", points=2, learn_rate=0.5).ok
    read = check(f"{path}:OurNeuralNetwork", points=2)  # not told: read from the code
    assert read.ok and read.learn_rate == 0.5
    assert any("read from your code (learn_rate = 0.5 in OurNeuralNetwork.train())" in str(n) for n in read.notes)


def test_class_that_never_updates_a_parameter(article_source, tmp_path):
    edits = [("        self.b3 -= learn_rate * d_L_d_ypred * d_ypred_d_b3\n", "")]
    path = Mutant("no b3", edits, [], [], []).write(tmp_path, article_source)
    report = check(f"{path}:OurNeuralNetwork", points=1)
    assert report.wrong_parameters == ["b3"]
    assert report.parameters["b3"].problem == "never updated by train()"
    assert "b3: never updated by train()." in report.summary


# --- any layered network ------------------------------------------------------------------

DEEP = Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce")
WIDE = Network((3, 4, 2))
LAYERED = INPUTS / "layered_backprop.py"


def test_layered_sign_of_one_factor():
    report = check(f"{LAYERED}:deep_sign", network=DEEP)
    assert report.wrong_parameters == ["w7"] and report.wrong_factors == ["d_h4_d_w7"]
    assert [(h.kind, h.factors) for h in report.hints] == [("sign", ("d_h4_d_w7",))]
    assert "∂h4/∂w7 is wrong; it feeds w7." in report.summary


def test_layered_fprime_at_the_activation_of_one_neuron():
    report = check(f"{LAYERED}:deep_fprime", network=DEEP)
    local = ["d_h2_d_w3", "d_h2_d_w4", "d_h2_d_b2"]
    # h2 feeds h4..h6, whose edges from h2 carry f' of h4..h6, not of h2: only h2's own factors change
    assert report.wrong_parameters == ["w3", "w4", "b2"] and report.wrong_factors == local
    assert [(h.kind, h.factors) for h in report.hints] == [("f' at activation", tuple(local))]


def test_layered_edge_doubled():
    report = check(f"{LAYERED}:deep_edge_twice", network=DEEP)
    assert report.wrong_parameters == ["w1", "w2", "b1"]
    assert report.wrong_factors == ["d_h4_d_h1", "d_L_d_h1"]  # the upstream sum that uses it is wrong too
    assert report.summary[1:3] == ["∂h4/∂h1 is wrong; it feeds w1, w2 and b1.", "∂L/∂h1 is wrong too, as it sums ∂h4/∂h1."]
    assert [(h.kind, h.factors) for h in report.hints] == [("twice", ("d_h4_d_h1",))]


def test_layered_fprime_missing_in_one_neuron():
    report = check(f"{LAYERED}:deep_no_fprime", network=DEEP)
    own = ["d_h5_d_w10", "d_h5_d_w11", "d_h5_d_w12", "d_h5_d_b5", "d_h5_d_h1", "d_h5_d_h2", "d_h5_d_h3"]
    assert sorted(report.wrong_factors) == sorted(own + ["d_L_d_h1", "d_L_d_h2", "d_L_d_h3"])
    assert [(h.kind, sorted(h.factors)) for h in report.hints] == [("f' missing", sorted(own))]
    assert "f'(sum_h5) is missing from" in report.hints[0].text


def test_layered_mse_without_its_2():
    report = check(f"{LAYERED}:wide_half", network=WIDE)
    assert len(report.wrong_parameters) == WIDE.n_params
    assert report.wrong_factors[:2] == ["d_L_d_o1", "d_L_d_o2"]
    upstream = "∂L/∂h1, ∂L/∂h2, ∂L/∂h3 and ∂L/∂h4 are wrong too, as they sum ∂L/∂o1 and ∂L/∂o2."
    assert upstream in report.summary
    assert [h.kind for h in report.hints] == ["scale of all"]
    assert "half the exact one" in report.hints[0].text
