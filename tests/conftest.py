"""Shared fixtures: seeded randomness, the article's numbers, external tools."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import configuration

# hypothesis keeps an example database and a cache of constants in ./.hypothesis: keep the checkout clean
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "nnderive-hypothesis")

#: Alice with every weight 1 and every bias 0: the article's worked example
ALICE_PARAMS = dict(w1=1.0, w2=1.0, w3=1.0, w4=1.0, w5=1.0, w6=1.0, b1=0.0, b2=0.0, b3=0.0)
ALICE_X = [-2.0, -1.0]
ALICE_Y = 1.0


@pytest.fixture
def rng():
    """A fresh, seeded generator: every test run draws the same numbers."""
    return np.random.default_rng(20190303)


#: PYTHONWARNINGS for a child Python: every warning an error, as pytest's filterwarnings has it,
#: except deprecations, which -W cannot tell ours from a library's (mpmath 1.4 warns about its own
#: names when SymPy 1.12 imports it); in this process the suite still fails on ours.
CHILD_WARNINGS = "error,ignore::DeprecationWarning,ignore::PendingDeprecationWarning"


def installed_nnderive():
    """The ``nnderive`` console script pip installed next to this interpreter (whatever PATH says)."""
    script = Path(sys.executable).parent / ("nnderive.exe" if os.name == "nt" else "nnderive")
    if not script.exists():
        pytest.fail(f"no nnderive script beside {sys.executable}: install the package (pip install -e '.[test]')")
    return str(script)


def run_cli(capsys, *argv):
    """``nnderive ARGV`` in this process: (exit status, stdout, stderr)."""
    from derivations.cli import main

    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_usage_error(capsys, *argv, match):
    """``nnderive ARGV`` fails as a user's mistake should: exit 2, one line naming it, no traceback."""
    status, out, err = run_cli(capsys, *argv)
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith("nnderive") and match in err, err
    assert "Traceback" not in err
    return err


def require_tool(name):
    """The path of an external program; skip without it, except in CI, where it must be there.

    ``.ci/run`` installs the tools and sets NNDERIVE_REQUIRE_TOOLS=1, so a
    missing tool fails there instead of silently skipping.
    """
    path = shutil.which(name)
    if path is None:
        if os.environ.get("NNDERIVE_REQUIRE_TOOLS"):
            pytest.fail(f"{name} is required in CI (NNDERIVE_REQUIRE_TOOLS is set) but is not installed")
        pytest.skip(f"{name} is not installed (CI installs it: see .ci/run)")
    return path


def nnderive_process(*args, cwd, env=None, stdout=subprocess.PIPE, **kwargs):
    """``python -m derivations ARGS`` in a child process, as a user runs it (buffered output)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "derivations", *map(str, args)], cwd=cwd, env=environment,
                          stdout=stdout, stderr=subprocess.PIPE, timeout=120, **kwargs)


def assert_one_line_error(result, match, status=2):
    """A child ``nnderive`` failed as it should: ``status``, one line on stderr naming ``match``."""
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == status, err
    assert err.count("\n") == 1 and err.startswith("nnderive"), err
    assert "Traceback" not in err and match in err, err
    return err


def require_root(why):
    """Skip unless root (who can give files to another user), except in CI, where tests run as root."""
    if os.getuid() != 0:
        if os.environ.get("NNDERIVE_REQUIRE_TOOLS"):
            pytest.fail(f"CI runs the tests as root, which {why} needs")
        pytest.skip(f"{why} needs root")


def require_module(name):
    """Import a Python package some tests drive (playwright, nbclient); skip without it, except in CI.

    The test extra (``pip install -e '.[test]'``) installs them, so in CI a
    missing one fails its tests instead of silently skipping them.
    """
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("NNDERIVE_REQUIRE_TOOLS"):
            pytest.fail(f"the Python package {name} is required in CI (NNDERIVE_REQUIRE_TOOLS is set): "
                        "pip install -e '.[test]'")
        pytest.skip(f"{name} is not installed (pip install -e '.[test]' installs it)")
