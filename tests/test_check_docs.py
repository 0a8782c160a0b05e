"""docs/checker.md runs as written: its shell lines and Python blocks, from the repository's root."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHILD_WARNINGS, installed_nnderive

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "checker.md"


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_doc_has_both_kinds_of_blocks():
    assert blocks("sh") and blocks("python")


@pytest.mark.parametrize("line", [line for block in blocks("sh") for line in block.splitlines() if line.strip()])
def test_shell_lines_pass(line):
    words = line.split()
    assert words[0] == "nnderive"
    done = subprocess.run([installed_nnderive(), *words[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: all 9 partials agree" in done.stdout or '"ok": true' in done.stdout


@pytest.mark.parametrize("source", blocks("python"))
def test_python_blocks_run(source):
    done = subprocess.run([sys.executable, "-c", source], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONWARNINGS": CHILD_WARNINGS, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("True")


def test_every_example_the_doc_names_ships():
    for name in re.findall(r"examples/\w+\.py", DOC.read_text()):
        assert (ROOT / name).is_file(), name
