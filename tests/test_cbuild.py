"""Compiling the C target for Python: the compiler search, the cache, the clear errors."""

import os
from pathlib import Path

import numpy as np
import pytest

from conftest import ALICE_PARAMS, ALICE_X, ALICE_Y, require_tool
from derivations import Network, cbuild
from derivations.codegen import generate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def no_compiler(monkeypatch, tmp_path):
    """A PATH with no C compiler on it, and no $CC."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.delenv("CC", raising=False)


def test_no_compiler_is_one_clear_error(no_compiler):
    with pytest.raises(cbuild.CompilerNotFound) as error:
        cbuild.find_compiler()
    message = str(error.value)
    assert "no C compiler found" in message and "\n" not in message


def test_a_missing_cc_is_named(monkeypatch):
    monkeypatch.setenv("CC", "no-such-compiler-here")
    with pytest.raises(cbuild.CompilerNotFound, match="no-such-compiler-here"):
        cbuild.find_compiler()


def test_compiles_into_the_cache_outside_the_source_tree(tmp_path, monkeypatch):
    require_tool("cc")
    monkeypatch.setenv("NNDERIVE_CACHE", str(tmp_path / "cache"))
    library = cbuild.compile_source(generate(target="c"))
    assert library.exists() and tmp_path in library.parents
    assert ROOT not in library.parents
    leftovers = [p.name for p in library.parent.iterdir() if p != library]
    assert leftovers == [library.stem + ".json"]  # its record; the source and the build directory are gone


def test_default_cache_is_not_in_the_source_tree(monkeypatch, tmp_path):
    monkeypatch.delenv("NNDERIVE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cbuild.cache_dir() == Path(os.path.realpath(tmp_path)) / "xdg" / "nnderive" / "c"
    assert ROOT not in cbuild.cache_dir().parents


def test_a_compiled_library_is_reused(tmp_path, monkeypatch):
    require_tool("cc")
    first = cbuild.compile_source(generate(target="c"), tmp_path)

    def must_not_compile(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(cbuild.subprocess, "Popen", must_not_compile)
    assert cbuild.compile_source(generate(target="c"), tmp_path) == first


def test_a_compiler_failure_is_reported(tmp_path):
    require_tool("cc")
    with pytest.raises(cbuild.CompileError, match="failed on the generated C"):
        cbuild.compile_source("this is not C;\n", tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_loaded_library_gives_the_articles_numbers(tmp_path):
    require_tool("cc")
    library = cbuild.load(directory=tmp_path)
    grad = library.gradients(list(ALICE_PARAMS.values()), [ALICE_X], [ALICE_Y])
    assert grad[0] == pytest.approx(0.02146953526581111, rel=1e-15)  # the article's 0.0214
    assert library.params == ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")
    with pytest.raises(ValueError, match="X must have"):
        library.gradients(list(ALICE_PARAMS.values()), [[1.0, 2.0, 3.0]], [1.0])
    with pytest.raises(ValueError, match="params must hold 9"):
        library.loss([1.0, 2.0], [ALICE_X], [ALICE_Y])
    with pytest.raises(ValueError, match="y must have"):
        library.loss(list(ALICE_PARAMS.values()), [ALICE_X], [1.0, 0.0])


def test_library_keeps_the_callers_params(tmp_path):
    require_tool("cc")
    library = cbuild.load(Network((2, 3, 1)), directory=tmp_path)
    params = np.linspace(-1, 1, library.n_params)
    before = params.copy()
    trained, history = library.train(params, [[1.0, 2.0], [-1.0, 0.5]], [1.0, 0.0], epochs=5)
    assert np.array_equal(params, before) and not np.array_equal(trained, before) and len(history) == 5


def test_training_backend_c_without_a_compiler_is_a_clear_error(no_compiler, tmp_path, monkeypatch):
    from derivations.training import TrainingError, get_backend

    monkeypatch.setenv("NNDERIVE_CACHE", str(tmp_path))
    cbuild._load.cache_clear()
    try:
        with pytest.raises(TrainingError, match="c backend is not available: no C compiler"):
            get_backend("c", Network((2, 4, 1)))
    finally:
        cbuild._load.cache_clear()
    assert os.listdir(tmp_path) == [] or all(not files for _, _, files in os.walk(tmp_path))
