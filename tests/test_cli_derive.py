"""``nnderive derive`` end to end: formats, parameters, worked examples, files, and every error path."""

import os
import subprocess
import sys

import pytest
from conftest import run_cli



def run(capsys, *argv):
    return run_cli(capsys, "derive", *argv)


NAMES = ["w₁", "w₂", "w₃", "w₄", "w₅", "w₆", "b₁", "b₂", "b₃"]


def test_default_is_every_partial_of_the_article_compact(capsys):
    status, out, err = run(capsys)
    assert status == 0 and err == ""
    for name in NAMES:  # one chain per parameter, no section each
        assert out.count(f"\n  ∂L/∂{name} = ∂L/∂y_pred · ") == 1
        assert f"The partial ∂L/∂{name}\n" not in out
    # each factor once (the full form repeats ∂L/∂y_pred's formula in all nine sections)
    assert out.count("∂L/∂y_pred  = -2(y_true - y_pred)") == 1
    assert out.count("∂h₁/∂w₁     = x₁ · f'(w₁ x₁ + w₂ x₂ + b₁)") == 1
    # and one partial written out, the first
    assert "One partial written out: ∂L/∂w₁" in out and out.count("∂L/∂w₁ = -2(y_true - f(") == 1
    assert "Worked example" not in out
    assert len(out.splitlines()) < 70


def test_full_gives_each_parameter_its_section(capsys):
    status, out, err = run(capsys, "--full")
    assert status == 0 and err == ""
    for name in NAMES:
        assert f"The partial ∂L/∂{name}\n" in out
    assert out.count("∂L/∂y_pred  = -2(y_true - y_pred)") == 9
    assert len(out.splitlines()) > 150


def test_one_parameter_is_full_by_default_and_compact_on_request(capsys):
    status, one, _ = run(capsys, "w1")
    assert status == 0 and "The partial ∂L/∂w₁\n" in one and "∂L/∂w₂" not in one
    assert run(capsys, "--param", "w1")[1] == one
    status, compact, _ = run(capsys, "w1", "--compact")
    assert status == 0 and "The partial ∂L/∂w₁\n" not in compact and "One partial written out: ∂L/∂w₁" in compact


def test_parameters_as_arguments_or_options(capsys):
    status, out, _ = run(capsys, "w1", "b3", "--format", "latex")
    assert status == 0
    assert run(capsys, "--param", "w1", "--param", "b3", "--format", "latex")[1] == out
    assert run(capsys, "w1", "--param", "b3", "--format", "latex")[1] == out


def test_params_and_formats(capsys):
    status, out, _ = run(capsys, "--param", "w1", "--param", "b3", "--format", "latex", "--full")
    assert status == 0
    assert out.count(r"\subsection*{The partial") == 2 and r"\begin{align*}" in out
    status, out, _ = run(capsys, "--param", "w5", "--format", "markdown")
    assert status == 0 and out.startswith("## The chain rule") and "$$\n\\begin{aligned}" in out


def test_worked_example_at_alice(capsys):
    status, out, _ = run(capsys, "--param", "w1", "--at", "alice")
    assert status == 0
    assert "= -0.952 · 0.249 · -0.0904 = 0.0214" in out
    assert "∂L/∂w₁ = 0.02146953526581111   (rounds to 0.0215, not 0.0214)" in out


def test_worked_example_at_numbers_with_parameters(capsys):
    # negative numbers may follow the option directly
    status, out, _ = run(capsys, "--param", "w1", "--at", "-2,-1,1", "--weights", "-1,1,1,1,1,1",
                         "--biases", "0,-0.5,0", "--digits", "4")
    assert status == 0
    assert "h₁     = f(w₁ x₁ + w₂ x₂ + b₁) = f(-1 · -2 + -1 + 0) = f(1) = 0.7311" in out
    assert "Alice" not in out


def test_other_networks(capsys):
    status, out, _ = run(capsys, "--net", "2-3-3-1", "--activation", "tanh", "--output-activation", "sigmoid",
                         "--loss", "bce", "--param", "w1", "--at", "0.5,-1,1", "--format", "markdown")
    assert status == 0 and r"\tanh'" in out and r"\sigma(" in out
    status, out, _ = run(capsys, "--net", "3-2-2", "--activation", "relu,identity", "--at", "1,2,3,0,1")
    assert status == 0 and "y_true₂ = 1" in out


def test_output_file_is_written_and_never_overwritten(capsys, tmp_path):
    target = tmp_path / "chain.tex"
    status, out, _ = run(capsys, "--document", "-o", str(target))
    assert status == 0 and out == "" and target.read_text().startswith("\\documentclass")
    target.write_text("my notes")
    status, _, err = run(capsys, "--format", "latex", "-o", str(target))
    assert status == 2 and "exists; use --force" in err
    assert target.read_text() == "my notes"
    status, _, _ = run(capsys, "--format", "latex", "--param", "w1", "-o", str(target), "--force")
    assert status == 0 and target.read_text().startswith("\\section*{The chain rule")
    assert sorted(os.listdir(tmp_path)) == ["chain.tex"]


@pytest.mark.parametrize("argv, message", [
    (["--param", "w7"], "unknown parameter 'w7' (this network has w1, w2, w3, w4, w5, w6, b1, b2, b3)"),
    (["w7"], "unknown parameter 'w7'"),
    (["--at", "-2,-1"], "--at: expected 3 numbers (x1, x2, y_true) separated by commas"),
    (["--at", "1,2,3,4"], "--at: expected 3 numbers"),
    (["--at", "1,two,3"], "--at: 'two' is not a number"),
    (["--at", "1,nan,3"], "--at: 'nan' is not a number"),
    (["--at", "1,inf,3"], "--at: 'inf' is not a number"),
    (["--at", "1,1e999,3"], "--at: '1e999' is too large"),
    (["--at", "zoe"], "--at: no person named 'zoe'"),
    (["--at", "alice", "--net", "3-2-1"], "--at: people such as 'alice' fit networks with 2 inputs and 1 output"),
    (["--at", "alice", "--weights", "1,1"], "--weights: expected 6 numbers separated by commas, got 2"),
    (["--at", "alice", "--biases", "0,0,x"], "--biases: 'x' is not a number"),
    (["--at", "alice", "--digits", "0"], "--digits: give a whole number of significant digits from 1 to 17"),
    (["--at", "alice", "--digits", "x"], "argument --digits: invalid int value: 'x'"),
    (["--weights", "1,1,1,1,1,1"], "--weights sets the worked example: give --at too"),
    (["--document", "--format", "markdown"], "--document writes LaTeX"),
    (["--format", "html"], "argument --format: invalid choice: 'html'"),
    (["--net", "2-x-1"], "bad network '2-x-1'"),
    (["--loss", "hinge"], "unknown loss 'hinge'"),
    (["--at", "1e308,1e308,1", "--weights", "1e308,1e308,1,1,1,1"], "--at: the numbers are too large"),
    (["--at", "alice", "--weights", "1,1,1,1,1,nan"], "--weights: 'nan' is not a number"),
    (["--at", "alice", "--biases", "0,0"], "--biases: expected 3 numbers"),
    (["--at", "alice", "--digits", "18"], "--digits: give a whole number of significant digits from 1 to 17"),
    (["--at", "1,2,3", "--net", "2-2-2"], "--at: expected 4 numbers (x1, x2, y_true1, y_true2)"),
    (["--param", "W1"], "unknown parameter 'W1'; did you mean 'w1'?"),
])
def test_errors_are_one_line_exit_2_and_leave_no_file(capsys, tmp_path, argv, message):
    target = tmp_path / "out.txt"
    status, out, err = run(capsys, *argv, "-o", str(target))
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err, err
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("where, message", [("missing/out.tex", "does not exist"), (".", "is a directory")])
def test_an_output_path_that_cannot_be_written_is_one_line(capsys, tmp_path, monkeypatch, where, message):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "--document", "-o", where)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_the_installed_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "derivations", "derive", "--param", "w1", "--at", "-2,-1,1"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert done.returncode == 0 and "0.02146953526581111" in done.stdout
    done = subprocess.run([sys.executable, "-m", "derivations", "derive", "--at", "-2,-1"],
                          capture_output=True, text=True, encoding="utf-8", check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and done.stderr.startswith("nnderive: error: --at")


@pytest.mark.parametrize("argv", [["derive", "--param", "w1"], []])
def test_a_terminal_without_unicode_gets_one_line(argv):
    done = subprocess.run([sys.executable, "-m", "derivations", *argv], capture_output=True, text=True,
                          encoding="ascii", errors="replace", env={**os.environ, "PYTHONIOENCODING": "ascii"},
                          check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "set PYTHONIOENCODING=utf-8" in done.stderr
