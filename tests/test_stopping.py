"""Stopping cleanly: Ctrl-C, SIGTERM and SIGHUP leave nothing behind, and nothing the user has is replaced.

The signals are real, sent to a child ``nnderive`` at a moment the test
chooses: a hook in the child sends it when the temporary file is written, a
fake compiler says when it has started its own child (as cc starts cc1).
"""

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import assert_usage_error, run_cli

import derivations.commands.common as common
from derivations.codegen import generate

#: runs `nnderive ARGS` in a child, sending itself SIGNAL once the output's temporary file is written
SIGNAL_WHILE_WRITING = """
import os, signal, sys, time
import derivations.commands.common as common

written = common.write_all
def write_then_signal(fd, data):
    written(fd, data)
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))
    time.sleep(30)  # the signal arrives here, with the temporary file on disk
common.write_all = write_then_signal

from derivations.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("name, status", [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130)])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path, name, status):
    out = tmp_path / "nn.py"
    result = subprocess.run([sys.executable, "-c", SIGNAL_WHILE_WRITING, name, "codegen", "-o", str(out)],
                            capture_output=True, timeout=60)
    assert result.returncode == status, result.stderr
    assert result.stderr == b""
    assert list(tmp_path.iterdir()) == []  # neither .nnderive-*.tmp nor a half-published nn.py


FAKE_CC = """#!/bin/sh
# a compiler that, like cc, works in a child (cc1) and never finishes on its own
sleep 600 &
echo $! > "{pids}/cc1"
echo $$ > "{pids}/cc"
wait
"""


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has stopped; only its parent's wait is missing


@pytest.mark.parametrize("name, status", [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_during_the_compile_stops_the_compiler_and_cleans_up(tmp_path, name, status):
    pids = tmp_path / "pids"
    pids.mkdir()
    cc = tmp_path / "fake-cc"
    cc.write_text(FAKE_CC.format(pids=pids))
    cc.chmod(0o755)
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update(CC=str(cc), NNDERIVE_CACHE=str(cache))
    child = subprocess.Popen([sys.executable, "-m", "derivations", "train", "--backend", "c", "--epochs", "1"],
                             env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (pids / "cc").exists() and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert (pids / "cc").exists(), child.communicate()
        assert list((cache / "c").glob(".build-*"))  # the build directory exists while cc runs
        child.send_signal(getattr(signal, name))
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == status and b"Traceback" not in err, err
    compiler = [int((pids / n).read_text()) for n in ("cc", "cc1")]
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in compiler) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in compiler)  # cc1 used to be orphaned and keep running
    assert list((cache / "c").iterdir()) == []  # the .build-* directory is gone


@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_ctrl_c_while_importing_exits_130_quietly(tmp_path, how):
    # a SymPy whose import is interrupted, as Ctrl-C during the first second of `nnderive` does
    fake = tmp_path / "fake"
    (fake / "sympy").mkdir(parents=True)
    (fake / "sympy" / "__init__.py").write_text("raise KeyboardInterrupt\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake), *sys.path])}
    console_script = "import sys\nfrom derivations.cli import main\nsys.exit(main())\n"  # what pip writes
    argv = [sys.executable, "-c", console_script] if how == "console script" else [sys.executable, "-m", "derivations"]
    result = subprocess.run(argv + ["derive"], env=env, cwd=tmp_path, capture_output=True, timeout=60)
    assert result.returncode == 130
    assert result.stderr == b"" and result.stdout == b""


def test_the_package_still_offers_its_names():
    # the lazy imports that make the above possible keep `from derivations import ...` working
    code = textwrap.dedent("""
        import derivations.check.loading            # the subpackage named like the function
        import derivations
        from derivations import check, derive, Network
        assert callable(check) and derivations.check is check, derivations.check
        print(sorted(n for n in derivations.__all__ if not hasattr(derivations, n)))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "[]\n", result.stderr


# --- nothing the user has is replaced -------------------------------------------------------------


def user_creates(target):
    """A write_all that, once the temporary file is written, creates ``target`` as the user would."""
    written = common.write_all

    def write_and_race(fd, data):
        written(fd, data)
        target.write_text("mine")
    return write_and_race


def test_a_file_made_while_we_work_is_never_replaced(capsys, tmp_path, monkeypatch):
    target = tmp_path / "nn.py"
    monkeypatch.setattr(common, "write_all", user_creates(target))
    assert_usage_error(capsys, "codegen", "-o", target, match="exists (it appeared while nnderive worked)")
    assert target.read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["nn.py"]


def test_with_force_it_is_replaced(capsys, tmp_path, monkeypatch):
    target = tmp_path / "nn.py"
    monkeypatch.setattr(common, "write_all", user_creates(target))
    status, _, err = run_cli(capsys, "codegen", "-o", target, "--force")
    assert status == 0, err
    assert target.read_text() == generate(target="python")


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV])
def test_without_hard_links_a_new_file_is_still_made_exclusively(capsys, tmp_path, monkeypatch, code):
    def no_links(*args):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(common.os, "link", no_links)
    status, _, err = run_cli(capsys, "codegen", "-o", tmp_path / "nn.py")
    assert status == 0, err
    assert (tmp_path / "nn.py").read_text() == generate(target="python")
    assert [p.name for p in tmp_path.iterdir()] == ["nn.py"]
    (tmp_path / "nn.py").unlink()
    monkeypatch.setattr(common, "write_all", user_creates(tmp_path / "nn.py"))
    assert_usage_error(capsys, "codegen", "-o", tmp_path / "nn.py", match="appeared while nnderive worked")
    assert (tmp_path / "nn.py").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["nn.py"]
