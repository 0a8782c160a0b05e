"""``nnderive check`` on the command line: reports, exit statuses 0/1/2, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import installed_nnderive, run_cli

from derivations.cli import main

INPUTS = Path(__file__).parent / "check_inputs"
BACKPROP = INPUTS / "article_backprop.py"
BROKEN = INPUTS / "broken.py"
DEEP = ["--net", "2-3-3-1", "--activation", "tanh", "--output-activation", "sigmoid", "--loss", "bce"]


def nnderive(capsys, *args):
    return run_cli(capsys, "check", *args)


def test_article_demo_passes(capsys):
    status, out, err = nnderive(capsys, "--article")
    assert status == 0 and err == ""
    assert out.startswith("nnderive check: derivations.check.article.article_backprop\n")
    assert "OK: all 9 partials agree with the exact derivation at all 6 points, and so do the 12 factors" in out


@pytest.mark.parametrize("kind", ["gradient", "step", "class"])
def test_article_demo_in_each_form(capsys, kind):
    status, out, _ = nnderive(capsys, "--article", "--kind", kind, "--points", "1")
    assert status == 0 and f"\n  {'class' if kind == 'class' else kind + ' function'} " in out


def test_a_correct_file_exits_0(capsys):
    status, out, _ = nnderive(capsys, f"{BACKPROP}:backprop", "--points", "2", "--seed", "4")
    assert status == 0 and "  and at 2 random points (seed 4; --format json lists them), rtol 1e-06\n" in out


def test_a_wrong_backprop_exits_1_with_the_report(capsys, tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(BACKPROP.read_text().replace("d_h1_d_w1 = x[0] * deriv_sigmoid(sum_h1)",
                                                 "d_h1_d_w1 = x[0] * deriv_sigmoid(h1)"))
    status, out, err = nnderive(capsys, f"{path}:backprop")
    assert status == 1 and err == ""
    lines = out.splitlines()
    assert lines[6:9] == [
        "WRONG: 1 of 9 partials disagrees with the exact derivation: w1.",
        "  ∂h1/∂w1 is wrong; it feeds w1.",
        "  A hint below fits your numbers exactly.",
    ]
    assert any(line.startswith("dL/dw1   WRONG") for line in lines)
    assert any(line.startswith("d_h1_d_w1     WRONG") for line in lines)
    hints = lines.index("Hints (each is a known mistake that reproduces your numbers at every point; "
                        "a hint, not a proof):")
    assert lines[hints + 1].startswith("  - f' is taken at the activation instead of the pre-activation: f'(h1) where")


def test_json_format(capsys):
    status, out, _ = nnderive(capsys, f"{BROKEN}:missing_keys", "--format", "json", "--points", "1")
    data = json.loads(out)
    assert status == 1 and data["ok"] is False and data["exit_status"] == 1
    assert data["parameters"]["w3"] == {**data["parameters"]["w3"], "ok": False, "got": None, "problem": "missing"}
    assert data["hints"] == [] and data["factors"] == {}


def test_the_users_exception_exits_1_with_their_line(capsys):
    status, out, err = nnderive(capsys, f"{BROKEN}:raises")
    assert status == 1 and err == ""
    assert "  broken.py, line 19, in raises\n    d_h1_d_w1 = x[2] * sum_h1" in out


def test_code_for_another_network(capsys):
    status, out, _ = nnderive(capsys, f"{BACKPROP}:backprop", "--net", "2-2", "--points", "0")
    assert status == 1 and "KeyError: 'w5'" in out
    assert "params has no w5 in a 2-2 network: is the network right (--net)?" in out


def test_network_options(capsys):
    status, out, _ = nnderive(capsys, f"{INPUTS / 'layered_backprop.py'}:deep_sign", *DEEP, "--points", "2")
    assert status == 1 and "∂h4/∂w7 is wrong; it feeds w7." in out
    assert "network: 2-3-3-1 network" in out


def test_learn_rate_and_rtol(capsys, tmp_path):
    path = tmp_path / "net.py"
    path.write_text((INPUTS / "article_network.py").read_text().replace("learn_rate = 0.1", "learn_rate = 0.3"))
    status, out, _ = nnderive(capsys, f"{path}:OurNeuralNetwork", "--points", "1")
    flowing = " ".join(out.split())  # sentences are wrapped
    assert status == 0 and "learn_rate = 0.3, read from your code (learn_rate = 0.3 in OurNeuralNetwork.train())" \
        in flowing
    assert "Epoch" not in out
    # a rate given on the command line wins; the hint does not ask about the rate again
    status, out, _ = nnderive(capsys, f"{path}:OurNeuralNetwork", "--points", "1", "--learn-rate", "0.1")
    flowing = " ".join(out.split())
    assert status == 1 and "Every partial is 3 times the exact one." in flowing
    assert "learning rate 0.3" not in flowing and "your code states learn_rate = 0.3" in flowing
    # a tiny rtol still passes: a step's own rounding is allowed for, nothing else is loosened
    status, _, _ = nnderive(capsys, f"{path}:OurNeuralNetwork", "--points", "1", "--rtol", "1e-12")
    assert status == 0


@pytest.mark.parametrize("args, message", [
    ([], "what should be checked? give PATH.py:NAME (or --article for a demo)"),
    (["--article", f"{BACKPROP}:backprop"], "give either PATH.py:NAME or --article, not both"),
    (["--article", "--net", "2-3-1"], "--article checks the article's own 2-2-1 network"),
    (["nowhere.py:f"], "nowhere.py: no such file"),
    ([f"{BACKPROP}:backprp"], "has no 'backprp'; did you mean 'backprop'?"),
    ([f"{BACKPROP}:sigmoid"], "sigmoid(x) has the wrong signature"),
    ([f"{INPUTS / 'bad_syntax.py'}:f"], "line 1: expected ':' (a syntax error: the file cannot run)"),
    ([f"{BACKPROP}:backprop", "--kind", "class"], "--kind class needs a class"),
    ([f"{BACKPROP}:backprop", "--net", "2-x"], "bad network '2-x'"),
    ([f"{BACKPROP}:backprop", "--points", "1.5"], "not a whole number"),
    ([f"{BACKPROP}:backprop", "--points", "many"], "--points: 'many' is not a number"),
    ([f"{BACKPROP}:backprop", "--learn-rate", "-1"], "not a positive number"),
    ([f"{BACKPROP}:backprop", "--rtol", "1/2"], "--rtol: '1/2' is not a number"),
    (["--article", "--kind", "hessian"], "invalid choice"),
    ([f"{BROKEN}:NoParams"], "NoParams has none of the attributes"),
])
def test_what_cannot_run_exits_2_with_one_line(capsys, args, message):
    status, out, err = nnderive(capsys, *args)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err


def test_help_says_loading_runs_the_file(capsys):
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Loading PATH runs it, as python and pytest do" in out
    assert "Nothing else you type is evaluated" in out
    assert "Exit status: 0 everything agrees, 1 something disagrees" in out
    assert "--net SIZES" in out and "--learn-rate RATE" in out


def test_a_terminal_without_unicode_gets_ascii(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(BACKPROP.read_text().replace("d_h1_d_w1 = x[0] *", "d_h1_d_w1 = -x[0] *"))
    result = subprocess.run(
        [sys.executable, "-m", "derivations", "check", f"{path}:backprop", "--points", "1"],
        capture_output=True, env={"PYTHONIOENCODING": "ascii", "PATH": ""}, cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    out = result.stdout.decode("ascii")
    assert "  dh1/dw1 is wrong; it feeds w1.\n" in out
    assert "  - dh1/dw1 has the wrong sign, so w1 is negated.\n" in out


def test_the_installed_nnderive_script_reports_user_code_that_raises(tmp_path):
    result = subprocess.run([installed_nnderive(), "check", f"{BROKEN}:raises", "--points", "0"], capture_output=True,
                            text=True)
    assert result.returncode == 1 and result.stderr == ""
    assert "IndexError: index 2 is out of bounds" in result.stdout


def test_errors_and_hints_name_the_commands_options(capsys, tmp_path):
    # the library says kind='gradient' and learn_rate=0.2; the command line says --kind and --learn-rate
    status, _, err = nnderive(capsys, f"{BROKEN}:many_args")
    assert status == 2 and "pass --kind gradient or --kind step" in err and "kind=" not in err
    path = tmp_path / "step.py"
    path.write_text(
        "from article_backprop import backprop\n"
        "def step(params, x, y_true, learn_rate):\n"
        "    grads = backprop(params, x, y_true)\n"
        "    return {k: v - 0.2 * grads[k] for k, v in params.items()}\n"
    )
    import sys
    sys.path.insert(0, str(INPUTS))
    try:
        status, out, _ = nnderive(capsys, f"{path}:step", "--format", "json")
    finally:
        sys.path.remove(str(INPUTS))
    report = json.loads(out)
    assert status == 1 and any("check again with --learn-rate 0.2" in h for h in report["hints"]), report["hints"]
