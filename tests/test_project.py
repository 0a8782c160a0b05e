"""The promises the README makes about installing and testing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands():
    """The README's install block: its first code block, which .ci/run runs on a clean clone."""
    readme = (ROOT / "README.md").read_text()
    first = re.search(r"```([^\n]*)\n(.*?)```", readme, re.S)
    assert first.group(1) == "sh install"
    return [line.split("#")[0].strip() for line in first.group(2).strip().splitlines()]


def test_readme_starts_with_a_virtual_environment_and_the_two_commands():
    make_venv, install_and_run, install_and_test = readme_commands()
    assert make_venv == "python3 -m venv .venv && . .venv/bin/activate"
    assert install_and_run == "pip install -e . && nnderive"
    assert install_and_test == "pip install -e '.[test]' && pytest"


def test_ci_runs_the_readmes_install_commands():
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert ci[-1] == readme_commands()[2]
    assert any(line.startswith("python3 -m venv ") for line in ci)
