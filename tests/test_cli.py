"""The command line as a whole: entry points, one-line errors, safe output files."""

import os
import subprocess
import sys

import pytest
from conftest import installed_nnderive

import derivations
from derivations.cli import main
from derivations.commands.common import UsageError, parse_number, parse_numbers, write_file


def run(*args):
    return subprocess.run([sys.executable, "-m", "derivations", *args], capture_output=True, text=True)


def test_no_arguments_runs_the_overview():
    result = run()
    assert result.returncode == 0, result.stderr
    assert "∂L/∂w₁" in result.stdout and "agree" in result.stdout


def test_the_installed_nnderive_script_prints_the_version():
    result = subprocess.run([installed_nnderive(), "--version"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"nnderive {derivations.__version__}\n"


def test_python_m_derivations_prints_the_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout == f"nnderive {derivations.__version__}\n"


@pytest.mark.parametrize("args", [["--bogus"], ["frobnicate"], ["derive", "--format", "pdf"], ["derive", "--net"]])
def test_bad_arguments_are_one_line_and_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.startswith("nnderive")


def test_usage_error_becomes_exit_2(capsys, monkeypatch):
    from derivations.commands import overview

    def fails(args):
        raise UsageError("no such thing")

    monkeypatch.setattr(overview, "run", fails)
    assert main(["overview"]) == 2
    assert capsys.readouterr().err == "nnderive: error: no such thing\n"


def test_argparse_errors_return_2(capsys):
    assert main(["--bogus"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_write_file_is_atomic_and_never_overwrites(tmp_path):
    target = tmp_path / "out.txt"
    write_file(str(target), b"first")
    with pytest.raises(UsageError, match="--force"):
        write_file(str(target), b"second")
    assert target.read_bytes() == b"first"
    write_file(str(target), b"second", force=True)
    assert target.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["out.txt"]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not mkstemp's 0600


def test_write_file_into_a_missing_directory(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        write_file(str(tmp_path / "nope" / "out.txt"), b"x")
    with pytest.raises(UsageError, match="directory"):
        write_file(str(tmp_path), b"x")


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e999", "__import__('os')", "1/2", "0x10", "", "1,5", "1_000"])
def test_numbers_are_parsed_strictly(text):
    with pytest.raises(UsageError):
        parse_number(text, "x1")


def test_numbers_that_are_fine():
    assert parse_numbers("1,-2.5, 3e-2,.5,+4", 5, "--weights") == [1.0, -2.5, 0.03, 0.5, 4.0]
