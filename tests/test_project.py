"""The promises the README makes about installing and testing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


def test_readme_starts_with_the_two_commands():
    install_and_run, install_and_test = readme_commands()
    assert install_and_run == "pip install -e . && nnderive"
    assert install_and_test == "pip install -e '.[test]' && pytest"


def test_ci_runs_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert ci[-1].strip() == readme_commands()[1]
