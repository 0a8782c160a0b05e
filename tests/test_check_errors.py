"""The user's code going wrong: reported as their problem, with their line; never a crash of ours.

The inputs are in tests/check_inputs/broken.py and its neighbours.  What
prevents the check from running at all (no such file or name, a syntax
error, a wrong signature) is a CheckError (exit status 2 on the command
line); what their code does wrong while being checked (an exception, wrong
keys, wrong types, NaN) is in the report (exit status 1).
"""

from pathlib import Path

import pytest

from derivations.check import CheckError, check

INPUTS = Path(__file__).parent / "check_inputs"
BROKEN = INPUTS / "broken.py"


def broken(name, **kwargs):
    return check(f"{BROKEN}:{name}", points=2, **kwargs)


def test_an_exception_names_the_users_line():
    report = broken("raises")
    assert report.exit_status == 1 and not report.ok
    problem = report.problem
    assert problem.message == "IndexError: index 2 is out of bounds for axis 0 with size 2"
    assert problem.point == "Alice" and problem.raised
    assert Path(problem.location.filename).name == "broken.py" and problem.location.lineno == 19
    assert problem.location.line == "d_h1_d_w1 = x[2] * sum_h1  # there is no x[2]"
    assert report.parameters == {} and report.hints == []
    text = report.to_text()
    assert "PROBLEM: your code raised an exception at Alice, so nothing could be compared." in text
    assert "  broken.py, line 19, in raises\n    d_h1_d_w1 = x[2] * sum_h1  # there is no x[2]\n" in text


def test_an_exception_inside_train():
    report = broken("RaisesInTrain")
    assert report.problem.message == "KeyError: 'd_L_d_w1'" and report.problem.location.function == "train"


def test_sys_exit_inside_the_function_is_theirs():
    report = broken("exits")
    assert report.exit_status == 1
    assert report.problem.message == "SystemExit('giving up'): your code called sys.exit()"


@pytest.mark.parametrize("name, what", [("returns_list", "a list"), ("returns_none", "a NoneType")])
def test_a_result_that_is_not_a_dict(name, what):
    report = broken(name)
    assert not report.problem.raised
    assert report.problem.message == f"{name} returned {what}, not a dict of partials by parameter name"
    assert report.problem.location.line.startswith(f"def {name}(")


def test_a_mapping_that_fails_when_read():
    report = broken("grumpy_mapping")
    assert report.problem.message == "reading what grumpy_mapping returned raised RuntimeError: not today"
    assert report.problem.location.function == "__getitem__"


def test_missing_keys_are_wrong_parameters():
    report = broken("missing_keys")
    assert report.wrong_parameters == ["w3", "b2"]
    assert report.parameters["w3"].problem == "missing" and report.parameters["w3"].got is None
    assert "w3 and b2 are missing from your result." in report.summary


def test_nan_at_some_points():
    report = broken("nan_sometimes", seed=0)
    assert report.wrong_parameters == ["w5"] and report.wrong_factors == ["d_h1_d_w1"]
    assert report.parameters["w5"].problem == "NaN at random 1"
    assert "w5 and d_h1_d_w1: NaN at random 1." in report.summary


def test_values_of_the_wrong_type():
    report = broken("wrong_types")
    assert report.wrong_parameters == ["w1", "w2", "b1"]
    assert report.parameters["w1"].problem == "a str ('0.021469535…), not a number"
    assert report.parameters["w2"].problem == "an array of 2 numbers, not one"
    assert report.parameters["b1"].problem == "None, not a number"


def test_one_element_arrays_are_numbers():
    assert broken("arrays").ok


def test_unknown_keys_are_ignored_with_a_suggestion():
    report = broken("typo_keys")
    assert report.ok
    assert "Ignored keys the checker does not know: d_h1_dw1 (did you mean d_h1_d_w1?), notes." in report.notes


def test_prints_and_warnings_are_captured(capsys):
    report = broken("chatty")
    assert report.ok
    assert capsys.readouterr() == ("", "")
    assert "Your code printed 6 lines while being checked (not shown)." in report.notes
    assert "Your code warned: UserWarning: this backprop talks a lot." in report.notes
    assert "Your code warned: RuntimeWarning: overflow encountered in exp." in report.notes


def test_a_class_that_never_updates():
    report = broken("Lazy")
    assert report.wrong_parameters == ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"]
    assert {v.problem for v in report.parameters.values()} == {"never updated by train()"}


@pytest.mark.parametrize("target, message", [
    ("nowhere.py:backprop", "nowhere.py: no such file"),
    (f"{INPUTS}:backprop", "is a directory"),
    (f"{BROKEN}", "give PATH.py:NAME"),
    (f"{BROKEN}:", "'' is not a Python name"),
    (f"{BROKEN}:os.system('true')", "is not a Python name"),
    (f"{BROKEN}:raise", "has no 'raise'; did you mean 'raises'?"),
    (f"{BROKEN}:raises.missing", "raises has no 'missing'"),
    (f"{INPUTS / 'bad_syntax.py'}:backprop", "bad_syntax.py, line 1: expected ':' (a syntax error"),
    (f"{INPUTS / 'exits_on_load.py'}:f", "raised SystemExit(3): the file calls sys.exit()"),
    (f"{INPUTS / 'raises_on_load.py'}:weights", "raised ValueError: matmul"),
    (f"{BROKEN}:two_args", "two_args(params, x) has the wrong signature"),
    (f"{BROKEN}:many_args", "many_args(*args) could be a gradient or a step function; pass kind='gradient'"),
    (f"{BROKEN}:calls", "a dict is neither a function nor a class with train()"),
    (f"{BROKEN}:NoParams", "NoParams has none of the attributes w1"),
    (f"{BROKEN}:NeedsArguments", "NeedsArguments() needs arguments"),
    (f"{BROKEN}:NoTrain", "NoTrain has no train(data, all_y_trues) method"),
])
def test_what_stops_the_check(target, message):
    with pytest.raises(CheckError) as caught:
        check(target, points=1)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_load_error_names_the_line():
    with pytest.raises(CheckError, match=r"raises_on_load.py, line 3$"):
        check(f"{INPUTS / 'raises_on_load.py'}:weights")


def test_loading_leaves_no_bytecode_behind():
    check(f"{BROKEN}:arrays", points=0)  # broken.py imports article_backprop.py, its neighbour
    cache = INPUTS / "__pycache__"  # pytest may put its own conftest there
    left = [p.name for p in cache.glob("*")] if cache.exists() else []
    assert not [name for name in left if name.startswith(("broken", "article_backprop"))]
