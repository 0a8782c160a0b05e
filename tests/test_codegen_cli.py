"""``nnderive codegen``: to stdout or a file, never over a file without --force, one-line errors."""

import subprocess
import sys

import pytest
from conftest import run_cli

from derivations import Network
from derivations.codegen import generate, load_module


def run(capsys, *args):
    return run_cli(capsys, "codegen", *args)


@pytest.mark.parametrize("target", ["python", "numpy", "c", "js"])
def test_prints_the_target_to_stdout(capsys, target):
    status, out, err = run(capsys, "--target", target)
    assert status == 0 and err == ""
    assert out == generate(target=target)


def test_python_is_the_default_target(capsys):
    assert run(capsys)[1] == generate(target="python")


def test_network_options_choose_the_network(capsys):
    status, out, _ = run(capsys, "--target", "numpy", "--net", "2-3-3-1", "--activation", "tanh",
                         "--output-activation", "sigmoid", "--loss", "bce")
    assert status == 0
    assert out == generate(Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"), "numpy")
    module = load_module(out)
    assert len(module.PARAMS) == 25


def test_writes_a_file_and_never_overwrites_without_force(capsys, tmp_path):
    target = tmp_path / "nn.c"
    status, out, _ = run(capsys, "--target", "c", "-o", str(target))
    assert status == 0 and out == "" and target.read_text() == generate(target="c")
    target.write_text("my own work")
    status, _, err = run(capsys, "--target", "c", "-o", str(target))
    assert status == 2 and "--force" in err and err.count("\n") == 1
    assert target.read_text() == "my own work"
    status, _, _ = run(capsys, "--target", "c", "-o", str(target), "--force")
    assert status == 0 and target.read_text() == generate(target="c")
    assert [p.name for p in tmp_path.iterdir()] == ["nn.c"]


@pytest.mark.parametrize("args, match", [
    (["--target", "fortran"], "--target"),
    (["--net", "2-0-1"], "bad network"),
    (["--net", "two"], "bad network"),
    (["--activation", "swish"], "unknown activation"),
    (["--loss", "bce", "--output-activation", "tanh"], "sigmoid"),
    (["-o", "missing-dir/nn.py"], "does not exist"),
    (["-o", "."], "directory"),
])
def test_bad_input_is_one_line_exit_2_and_leaves_nothing(capsys, tmp_path, monkeypatch, args, match):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, *args)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and match in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_installed_command_writes_the_same_bytes(tmp_path):
    result = subprocess.run([sys.executable, "-m", "derivations", "codegen", "--target", "numpy"],
                            capture_output=True, check=True)
    assert result.stdout.decode() == generate(target="numpy")
