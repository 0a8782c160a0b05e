"""The promises the README makes about installing and testing."""

import importlib.metadata
import re
import tomllib
import warnings
from pathlib import Path

import pytest

import derivations

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


# --- packaging: what pyproject.toml declares is what is shipped and tested --------------------


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirement(spec):
    """'numpy>=1.24' -> ('numpy', '>=', '1.24'); 'nnderive[plot]' -> ('nnderive[plot]', '', '')."""
    name, op, version = re.fullmatch(r"([A-Za-z0-9_.\[\]-]+)\s*(?:(>=|==)\s*([0-9.]+))?", spec).groups()
    return name, op or "", version or ""


def test_ci_tests_the_oldest_versions_pyproject_allows():
    project = pyproject()["project"]
    declared = project["dependencies"] + [s for extra in project["optional-dependencies"].values() for s in extra]
    minimums = {name: version for name, op, version in map(requirement, declared) if op == ">="}
    pins = {}
    for line in (ROOT / ".ci" / "minimum.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, op, version = requirement(line.strip())
            assert op == "==", line
            pins[name] = version
    assert set(pins) == set(minimums) and {"sympy", "numpy"} <= set(pins)
    for name, pinned in pins.items():
        # the pin is the oldest release the bound allows: 1.24 allows 1.24.0 first
        assert pinned.split(".")[: len(minimums[name].split("."))] == minimums[name].split("."), name
        assert all(part == "0" for part in pinned.split(".")[len(minimums[name].split(".")):]), name
    ci = (ROOT / ".ci" / "run").read_text()
    assert "-c .ci/minimum.txt -e '.[test]'" in ci and "-m pytest" in ci


def test_the_test_extra_takes_the_plot_extra_instead_of_repeating_it():
    extras = pyproject()["project"]["optional-dependencies"]
    assert "nnderive[plot]" in extras["test"]
    plot_names = {requirement(spec)[0] for spec in extras["plot"]}
    assert not plot_names & {requirement(spec)[0] for spec in extras["test"]}


def test_the_version_has_one_source():
    project = pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert pyproject()["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "derivations.__version__"}
    assert importlib.metadata.version("nnderive") == derivations.__version__


def test_the_license_file_matches_the_metadata():
    project = pyproject()["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in text


def test_a_third_party_deprecation_is_not_an_error_but_ours_is():
    # the warning filters pyproject.toml gives pytest are active in this test
    warnings.warn_explicit("old name", DeprecationWarning, "lib.py", 1, module="somelibrary.sub")
    warnings.warn_explicit("old name", PendingDeprecationWarning, "lib.py", 1, module="mpmath.ctx_mp")
    for ours in ("derivations.chain", "nncore.network", "test_project"):
        with pytest.raises(DeprecationWarning):
            warnings.warn_explicit("old name", DeprecationWarning, "ours.py", 1, module=ours)
    with pytest.raises(RuntimeWarning):
        warnings.warn_explicit("overflow", RuntimeWarning, "lib.py", 1, module="somelibrary.sub")


def test_tests_cite_only_documents_in_the_repository():
    cited = set()
    for path in (ROOT / "tests").rglob("*.py"):
        cited |= {(path.name, name) for name in re.findall(r"\b[\w/.-]+\.md\b", path.read_text())}
    assert ("test_nncore.py", "docs/article.md") in cited
    missing = [(test, name) for test, name in cited
               if not any((ROOT / where / name).exists() for where in ("", "docs", "tests", "bench"))]
    assert missing == []
