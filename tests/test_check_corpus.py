"""A corpus of student programs, each with the verdict, the wrong parameters and the hint it must get.

The programs (tests/check_inputs/students/) are ours, written the way
students write the article's network: classes trained as they are, batch
gradient functions, numpy matrix code.  Each row says what a correct
checker concludes; the numbers behind every verdict are the derivation's,
checked against nncore and finite differences elsewhere.
"""

from pathlib import Path

import pytest
from conftest import run_cli

from derivations import Network
from derivations.check import CheckError, check

STUDENTS = Path(__file__).parent / "check_inputs" / "students"
ALL = ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"]
RENAMES = dict(w1="w_x1_h1", w2="w_x2_h1", w3="w_x1_h2", w4="w_x2_h2", w5="w_h1_o1", w6="w_h2_o1",
               b1="bias_h1", b2="bias_h2", b3="bias_o1")

#: file:NAME, options, wrong parameters, hint kinds, a fragment of the first hint (or of the summary)
CORPUS = [
    ("overwrite_later.py:Network", {}, ["b2"], [], "Only b2 is wrong"),
    ("deeper.py:DeepNetwork", dict(network=Network((2, 2, 2, 1))), [], [], "OK: all 15 partials agree"),
    ("no_mean.py:gradient", {}, ALL, ["not divided by n"], "not divided by the number of samples"),
    ("no_mean.py:gradient", dict(reduction="sum"), [], [], "OK"),
    ("wrong_axis.py:backward", {}, ["b1", "b2"], [], "a mean over the wrong axis"),
    ("column_w2.py:grads", {}, [], [], "OK"),
    ("transposed_dw1.py:backprop", {}, ["w2", "w3"], ["transposed"], "The gradient of W1 is transposed"),
    ("half_mse.py:backprop", {}, ALL, ["scale of all"], "may be a convention, not a bug"),
    ("half_mse.py:backprop", dict(network=Network((2, 2, 1), loss="half-mse")), [], [], "OK"),
    ("rate_02.py:NeuralNetwork", {}, [], [], "OK"),
    ("negative_rate.py:NeuralNetwork", {}, ALL, ["negative rate"], "your learning rate is negative"),
    ("stale_w5.py:NeuralNetwork", {}, ["w1", "w2", "w3", "w4", "b1", "b2"], ["stale weight"],
     "use w5 and w6 after w5 and w6 were updated"),
    ("fprime_after_update.py:NeuralNetwork", {}, ["w1", "w2", "w3", "w4", "b1", "b2"], ["f' after update"],
     "is taken at sum_o1 recomputed after o1's parameters were updated"),
    ("lost_two_no_biases.py:NeuralNetwork", {}, ALL, ["scale of all"], "lost the 2"),
    ("batch_class.py:BatchNetwork", {}, [], [], "OK"),
    ("batch_class_sum.py:BatchNetwork", {}, ALL, ["not divided by n"], "not divided by the number of samples"),
    ("renamed.py:NeuralNetwork", dict(names=RENAMES), [], [], "OK"),
    ("matrix_class.py:MatrixNetwork", {}, ["b1", "b2"], ["not divided by n"],
     "The gradient of b1 (b1 and b2) is n times the mean over the batch"),
]


@pytest.mark.parametrize("target, options, wrong, hints, said", CORPUS, ids=[f"{c[0]}{c[1] and '+'}" for c in CORPUS])
def test_student_program(target, options, wrong, hints, said):
    report = check(f"{STUDENTS / target}", points=3, **options)
    assert report.problem is None
    assert report.wrong_parameters == wrong
    assert report.ok == (not wrong)
    assert [h.kind for h in report.hints] == hints
    text = " ".join(report.to_text().split())
    assert said in text


def test_one_cause_one_hint_and_never_updated_biases_said_as_such():
    report = check(f"{STUDENTS / 'lost_two_no_biases.py'}:NeuralNetwork", points=3)
    assert len(report.hints) == 1
    assert {report.parameters[b].problem for b in ("b1", "b2", "b3")} == {"never updated by train()"}
    assert "b1, b2 and b3: never updated by train()." in report.summary


def test_the_stated_rate_is_used_and_said():
    report = check(f"{STUDENTS / 'rate_02.py'}:NeuralNetwork", points=2)
    assert report.ok and report.learn_rate == 0.2
    assert any("learn_rate = 0.2 in NeuralNetwork.train()" in str(note) for note in report.notes)
    wrong = check(f"{STUDENTS / 'rate_02.py'}:NeuralNetwork", points=2, learn_rate=0.1)  # the given rate wins
    assert wrong.wrong_parameters == ALL and "learning rate" not in " ".join(h.text for h in wrong.hints)


def test_the_negative_rate_has_its_own_message():
    report = check(f"{STUDENTS / 'negative_rate.py'}:NeuralNetwork", points=2)
    assert any("Your code's learning rate is -0.1" in str(note) for note in report.notes)


def test_matrix_entries_are_named_both_ways():
    report = check(f"{STUDENTS / 'transposed_dw1.py'}:backprop", points=2)
    assert report.entries["w2"] == "W1[0,1]" and report.entries["w3"] == "W1[1,0]"
    assert "w2 (W1[0,1]) and w3 (W1[1,0])" in report.summary[0]
    assert report.as_dict()["parameters"]["w2"]["entry"] == "W1[0,1]"


def test_a_deeper_class_is_refused_with_the_networks_to_pass():
    with pytest.raises(CheckError) as caught:
        check(f"{STUDENTS / 'deeper.py'}:DeepNetwork", points=1)
    message = str(caught.value)
    assert "DeepNetwork has w7..w10 and b4..b5, which a 2-2-1 network does not have" in message
    assert "network=Network.parse('2-2-2-1') or network=Network.parse('2-3-1-1')" in message


def test_cli_deeper_class_names_the_net_option(capsys):
    status, out, err = run_cli(capsys, "check", f"{STUDENTS / 'deeper.py'}:DeepNetwork", "--points", "1")
    assert status == 2 and out == ""
    assert err.strip().endswith("pass --net 2-2-2-1 or --net 2-3-1-1")
    status, out, _ = run_cli(capsys, "check", f"{STUDENTS / 'deeper.py'}:DeepNetwork", "--points", "1",
                             "--net", "2-2-2-1")
    assert status == 0 and "OK: all 15 partials agree" in out


def test_cli_map_as_pairs_and_as_a_file(capsys, tmp_path):
    pairs = ",".join(f"{a}={b}" for a, b in RENAMES.items())
    status, out, _ = run_cli(capsys, "check", f"{STUDENTS / 'renamed.py'}:NeuralNetwork", "--points", "1",
                             "--map", pairs)
    assert status == 0, out
    mapping = tmp_path / "names.txt"
    mapping.write_text("# article = mine\n" + "\n".join(f"{a} = {b}" for a, b in RENAMES.items()) + "\n")
    status, out, _ = run_cli(capsys, "check", f"{STUDENTS / 'renamed.py'}:NeuralNetwork", "--points", "1",
                             "--map", str(mapping))
    assert status == 0, out
    status, _, err = run_cli(capsys, "check", f"{STUDENTS / 'renamed.py'}:NeuralNetwork", "--points", "1")
    assert status == 2 and "map yours with --map" in err


def test_cli_half_mse_convention_names_the_option(capsys):
    status, out, _ = run_cli(capsys, "check", f"{STUDENTS / 'half_mse.py'}:backprop", "--points", "1")
    assert status == 1 and "check again with --loss half-mse" in " ".join(out.split())
    status, out, _ = run_cli(capsys, "check", f"{STUDENTS / 'half_mse.py'}:backprop", "--points", "1",
                             "--loss", "half-mse")
    assert status == 0, out


def test_cli_reduction_and_weights_as(capsys):
    status, out, _ = run_cli(capsys, "check", f"{STUDENTS / 'no_mean.py'}:gradient", "--points", "1",
                             "--reduction", "sum")
    assert status == 0, out
    # forcing the wrong orientation makes column_w2's W1 read transposed
    status, out, _ = run_cli(capsys, "check", f"{STUDENTS / 'column_w2.py'}:grads", "--points", "1",
                             "--weights-as", "columns")
    assert status == 1


def test_a_class_whose_parameters_fit_one_network_is_checked_as_it(tmp_path):
    # a 2-3-1 class (w1..w9, b1..b4) trained with nncore's per-sample SGD: inferred, not refused
    import numpy as np

    from derivations.codegen import load as load_generated

    generated = load_generated(Network((2, 3, 1)), "python")

    class Wider:
        def __init__(self):
            for name in generated.PARAMS:
                setattr(self, name, 0.5)

        def train(self, data, all_y_trues):
            for epoch in range(10):
                for x, y in zip(data, all_y_trues):
                    values = [getattr(self, n) for n in generated.PARAMS]
                    grads = generated.backprop(values, [float(v) for v in x], float(y))
                    for name, value, g in zip(generated.PARAMS, values, grads):
                        setattr(self, name, value - 0.1 * g)

    report = check(Wider, points=2)
    assert report.ok and report.derivation.network.spec == "2-3-1"
    assert "the only layered network with that many" in report.notes[0]
    assert np.isfinite([v.expected for v in report.parameters.values()]).all()


def test_names_rename_the_keys_of_a_gradient_function():
    from derivations.check import article_backprop

    def renamed(params, x, y_true):
        article = {a: params[b] for a, b in RENAMES.items()}
        grads = article_backprop(article, x, y_true)
        return {RENAMES[a]: grads[a] for a in RENAMES}

    assert check(renamed, names=RENAMES, points=2).ok
    unmapped = check(renamed, points=1)
    assert unmapped.problem is not None and "KeyError" in unmapped.problem.message
