"""Bad output destinations: a full device, a full disk, a closed standard output, a file name with a newline.

Each is one line on stderr, a non-zero exit and no traceback; a write that
falls short is an error, never exit 0 with a truncated file.  "A full disk"
is a real one for the kernel: the child's file size limit (RLIMIT_FSIZE)
makes its writes fall short and then fail, as on a disk that fills up.
"""

import os
import resource
import subprocess
import sys

import pytest
from conftest import assert_one_line_error, assert_usage_error, nnderive_process

#: a limit far below what each command writes
LIMIT = 300


def full_disk():
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))  # Python ignores SIGXFSZ: writes fail with EFBIG


@pytest.mark.parametrize("args", [
    ["codegen", "--target", "c"],
    ["train", "--epochs", "20", "--seed", "0"],
    ["graph"],
    [],
], ids=lambda a: " ".join(a) or "overview")
def test_standard_output_to_a_full_device(tmp_path, args):
    with open("/dev/full", "wb") as full:
        result = nnderive_process(*args, cwd=tmp_path, stdout=full)
    assert_one_line_error(result, "cannot write standard output: No space left on device")


@pytest.mark.parametrize("args", [["codegen", "--target", "c"], ["train", "--epochs", "200", "--seed", "0"],
                                  ["graph"]], ids=" ".join)
def test_standard_output_to_a_full_disk(tmp_path, args):
    with open(tmp_path / "out.txt", "wb") as out:
        result = nnderive_process(*args, cwd=tmp_path, stdout=out, preexec_fn=full_disk)
    assert_one_line_error(result, "cannot write standard output: File too large")
    assert (tmp_path / "out.txt").stat().st_size <= LIMIT


@pytest.mark.parametrize("args", [["codegen", "--target", "c", "-o"], ["graph", "-o"], ["derive", "-o"],
                                  ["train", "--epochs", "5", "--seed", "0", "--plot"]], ids=" ".join)
def test_an_output_file_on_a_full_disk_is_not_left_truncated(tmp_path, args):
    out = tmp_path / ("out.png" if "--plot" in args else "out.txt")
    result = nnderive_process(*args, out, cwd=tmp_path, preexec_fn=full_disk)
    assert_one_line_error(result, f"cannot write {out}")
    assert "File too large" in result.stderr.decode()
    assert list(tmp_path.iterdir()) == []  # neither a truncated out.txt nor a temporary file


def test_a_device_that_is_full_as_output_file(capsys):
    assert_usage_error(capsys, "codegen", "-o", "/dev/full", match="cannot write /dev/full: No space left on device")


@pytest.mark.parametrize("args", [[], ["--help"], ["codegen"]], ids=lambda a: " ".join(a) or "overview")
def test_a_closed_standard_output(tmp_path, args):
    # `nnderive >&-`: Python starts with sys.stdout = None
    result = subprocess.run([sys.executable, "-m", "derivations", *args], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1), timeout=60)
    assert_one_line_error(result, "standard output is closed")


# --- destinations are checked before the work -----------------------------------------------------


def test_an_unwritable_plot_directory_is_found_before_training(capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("trained before checking --plot")

    monkeypatch.setattr("derivations.training.train", never)  # the command imports it when it runs
    # /proc exists and is a directory, but no file can be made in it (used to be found after training)
    assert_usage_error(capsys, "train", "--epochs", "200000", "--plot", "/proc/loss.png", match="cannot write /proc/loss.png")


def test_an_unwritable_output_directory_is_found_before_the_work(capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("generated before checking -o")

    monkeypatch.setattr("derivations.codegen.generate", never)  # the command imports it when it runs
    assert_usage_error(capsys, "codegen", "-o", "/proc/nn.py", match="cannot write /proc/nn.py")


# --- file names with a newline ------------------------------------------------------------------


@pytest.mark.parametrize("args, match", [
    (["train", "--data", "my\nsamples.csv"], "my\\nsamples.csv: no such file"),
    (["codegen", "-o", "new\ndir/nn.py"], "cannot write new\\ndir/nn.py: directory"),
    (["train", "--plot", "no\ndir/loss.png"], "cannot write no\\ndir/loss.png: directory"),
], ids=["--data", "-o", "--plot"])
def test_a_file_name_with_a_newline_is_one_line(capsys, tmp_path, monkeypatch, args, match):
    monkeypatch.chdir(tmp_path)
    assert_usage_error(capsys, *args, match=match)


def test_a_file_name_with_a_newline_is_written_and_named_on_one_line(capsys, tmp_path, monkeypatch):
    from conftest import run_cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my\nsamples.csv").write_text("-2,-1,1\n25,6,0\n")
    status, out, err = run_cli(capsys, "train", "--data", "my\nsamples.csv", "--epochs", "2", "--seed", "0")
    assert status == 0, err
    assert "2 samples from my\\nsamples.csv" in out.splitlines()[0]
