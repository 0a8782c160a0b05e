"""Commands that need no new derivation do not import SymPy; the generated-source cache they read is private.

Each command runs in a fresh interpreter (a child process, started elsewhere,
with a cache of its own), which reports at its end which of SymPy and numpy
were imported.
"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHILD_WARNINGS, installed_nnderive, require_root, require_tool, run_cli

from derivations import Network, derive, sourcecache
from derivations.codegen import generate
from derivations.commands import COMMANDS

ROOT = Path(__file__).resolve().parent.parent

#: ``nnderive ARGV`` in a fresh interpreter: its exit status, its output, and which heavy modules it loaded
CLI = """
import contextlib, io, json, sys
from derivations.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    status = main(sys.argv[1:])
print(json.dumps({"status": status, "out": out.getvalue(), "sympy": "sympy" in sys.modules,
                  "numpy": "numpy" in sys.modules}))
"""

#: ``derivations.training.train`` in a fresh interpreter: the trained numbers, exactly (JSON keeps a float's repr)
TRAIN = """
import json, sys
from derivations.network import Network
from derivations.training import train
backend, spec, style = sys.argv[1:]
result = train(Network.parse(spec), backend=backend, seed=3, epochs=25, style=None if style == "auto" else style)
print(json.dumps({"params": result.params, "history": result.history, "sympy": "sympy" in sys.modules}))
"""


def child(cache, code, *argv):
    """Run ``code`` with ``argv`` in a fresh Python, away from the checkout, with ``cache``; its JSON report."""
    env = {**os.environ, "NNDERIVE_CACHE": str(cache), "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": CHILD_WARNINGS}
    cwd = Path(cache).parent
    result = subprocess.run([sys.executable, "-c", code, *map(str, argv)], capture_output=True, text=True, env=env,
                            cwd=cwd, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- help ---------------------------------------------------------------------------------------


def test_help_loads_neither_sympy_nor_numpy(tmp_path):
    report = child(tmp_path / "cache", CLI, "--help")
    assert report["status"] == 0 and "train" in report["out"]
    assert not report["sympy"] and not report["numpy"]


@pytest.mark.parametrize("command", [module.NAME for module in COMMANDS])
def test_every_commands_help_loads_no_sympy(tmp_path, command):
    report = child(tmp_path / "cache", CLI, command, "--help")
    assert report["status"] == 0 and f"usage: nnderive {command}" in report["out"]
    assert not report["sympy"]


def test_the_probe_sees_sympy_when_it_is_loaded(tmp_path):
    # else every test above would pass for the wrong reason
    report = child(tmp_path / "cache", CLI, "derive", "w1")
    assert report["status"] == 0 and report["sympy"]


# --- training from cached code --------------------------------------------------------------------


@pytest.mark.parametrize("backend, net", [("numpy", "2-2-1"), ("numpy", "2-8-1"), ("c", "2-2-1"), ("c", "2-8-1")])
def test_a_second_training_reads_its_code_from_the_cache_without_sympy(tmp_path, backend, net):
    if backend == "c":
        require_tool("cc")
    cache = tmp_path / "cache"
    argv = ["train", "--backend", backend, "--net", net, "--seed", "1", "--epochs", "30"]
    first = child(cache, CLI, *argv)
    assert first["status"] == 0 and first["sympy"]  # derived and generated the first time
    second = child(cache, CLI, *argv)
    assert second["status"] == 0 and not second["sympy"]
    assert second["out"] == first["out"]  # every loss and prediction printed the same
    other = child(cache, CLI, *argv[:4], "2-3-1", *argv[5:])
    assert other["status"] == 0 and other["sympy"]  # another network: derived anew


@pytest.mark.parametrize("backend", ["python", "numpy", "c"])
def test_a_cached_training_gives_exactly_the_numbers_of_an_uncached_one(tmp_path, backend):
    if backend == "c":
        require_tool("cc")
    for net, style in (("2-2-1", "auto"), ("2-3-1", "scalar")) + ((("2-8-1", "layers"),) if backend != "python" else ()):
        fresh = child(tmp_path / f"cache-{net}", TRAIN, backend, net, style)
        cached = child(tmp_path / f"cache-{net}", TRAIN, backend, net, style)
        assert fresh["sympy"] and not cached["sympy"]
        assert cached["params"] == fresh["params"] and cached["history"] == fresh["history"]


def test_the_cli_starts_without_sympy_elsewhere_and_installed(tmp_path):
    # the console script, from another directory: what a user types, twice
    script = installed_nnderive()
    env = {**os.environ, "NNDERIVE_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT),
           "PYTHONWARNINGS": CHILD_WARNINGS, "PYTHONVERBOSE": "1"}
    for expected in (True, False):
        result = subprocess.run([str(script), "train", "--backend", "numpy", "--epochs", "1", "--seed", "0"],
                                capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        assert ("import 'sympy'" in result.stderr) == expected


# --- the cache is private, checked, and follows nnderive ------------------------------------------

NET = Network((2, 3, 1), "tanh")


def never(network, target, style):
    raise AssertionError("generated again")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NNDERIVE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "sources"


def kept(cache):
    """``(source path, record path)`` of the one entry in the cache."""
    (source,) = cache.glob("*.src")
    return source, source.with_suffix(".json")


def test_a_source_is_kept_privately_and_read_back(cache):
    text = sourcecache.source(NET, "numpy", None, generate)
    assert text == generate(NET, "numpy")
    source, record = kept(cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(source.stat().st_mode) == stat.S_IMODE(record.stat().st_mode) == 0o600
    assert "network 2-3-1 (tanh, tanh) mse" in json.loads(record.read_text())["key"]
    assert sourcecache.source(NET, "numpy", None, never) == text
    # another network, target or style is another entry
    for network, target, style in ((Network((2, 3, 1)), "numpy", None), (NET, "c", None), (NET, "numpy", "layers")):
        assert sourcecache.source(network, target, style, generate) == generate(network, target, style)
    assert len(list(cache.glob("*.src"))) == 4


def damage_text(source, record):
    source.write_text(source.read_text().replace("def gradients", "def _gone"))


def damage_both(source, record):
    # a consistent entry for another network: its checksum right, its key wrong
    other = json.loads(record.read_text())
    other["key"] = other["key"].replace("tanh, tanh", "sigmoid, sigmoid")
    record.write_text(json.dumps(other))


def group_writable(source, record):
    os.chmod(source, 0o660)


def a_link(source, record):
    planted = source.with_name("planted")
    planted.write_text(source.read_text())
    source.unlink()
    source.symlink_to(planted)


def truncated(source, record):
    source.write_bytes(source.read_bytes()[:100])


def a_directory(source, record):
    source.unlink()
    source.mkdir()


@pytest.mark.parametrize("damage", [damage_text, damage_both, group_writable, a_link, truncated, a_directory])
def test_a_damaged_entry_is_not_used_but_made_again(cache, damage):
    right = sourcecache.source(NET, "numpy", None, generate)
    source, record = kept(cache)
    damage(source, record)
    made = []

    def again(*args):
        made.append(args)
        return generate(*args)

    assert sourcecache.source(NET, "numpy", None, again) == right and len(made) == 1
    assert sourcecache.source(NET, "numpy", None, never) == right  # whole again


def test_an_entry_of_another_user_is_not_used(cache):
    require_root("giving a cache entry to another user")
    sourcecache.source(NET, "numpy", None, generate)  # an entry, which another user then owns
    source, record = kept(cache)
    os.chown(source, 12345, 12345)
    assert sourcecache.source(NET, "numpy", None, lambda *args: "made afresh") == "made afresh"


def test_a_cache_others_can_write_to_is_not_used(cache):
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)
    made = []
    for _ in range(2):
        assert sourcecache.source(NET, "c", None, lambda *args: made.append(args) or "int c;") == "int c;"
    assert len(made) == 2 and list(cache.iterdir()) == []


def test_another_nnderive_makes_the_sources_again_and_its_entries_go(cache, monkeypatch):
    sourcecache.source(NET, "numpy", None, generate)
    monkeypatch.setattr(sourcecache, "fingerprint", lambda: "an edited nnderive")
    assert sourcecache.source(NET, "numpy", None, lambda *args: "new") == "new"
    (source, record) = kept(cache)
    assert source.read_text() == "new" and record.exists()


def test_the_fingerprint_follows_an_edit_of_any_module(tmp_path, monkeypatch):
    before = sourcecache.fingerprint()
    sourcecache.fingerprint.cache_clear()
    module = Path(sourcecache.__file__)
    stamp = module.stat()
    try:
        os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
        assert sourcecache.fingerprint() != before
    finally:
        os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        sourcecache.fingerprint.cache_clear()
    assert sourcecache.fingerprint() == before


# --- what the commands know without SymPy is what the library says ---------------------------------


def test_the_names_of_the_rules_are_the_records():
    from derivations.rules import ACTIVATION_NAMES, ACTIVATIONS, BOUNDS, LOSS_NAMES, LOSS_OUTPUTS, LOSSES

    assert ACTIVATION_NAMES == tuple(ACTIVATIONS) and LOSS_NAMES == tuple(LOSSES)
    assert BOUNDS == {name: a.bounds for name, a in ACTIVATIONS.items()}
    assert LOSS_OUTPUTS == {name: loss.output_activation for name, loss in LOSSES.items()}


def test_the_commands_copies_of_the_librarys_choices_are_the_librarys():
    from derivations import codegen, dot, printing
    from derivations.check import compare, guard, kinds
    from derivations.commands import check as check_command
    from derivations.commands import codegen as codegen_command
    from derivations.commands import derive as derive_command
    from derivations.commands import graph as graph_command
    from derivations.commands import train as train_command
    from derivations.printing import options

    assert check_command.KINDS == kinds.KINDS
    assert (check_command.DEFAULT_RTOL, check_command.DEFAULT_TIMEOUT) == (compare.DEFAULT_RTOL, guard.DEFAULT_TIMEOUT)
    assert codegen_command.TARGETS == tuple(codegen.TARGETS)
    assert codegen_command.STYLES == train_command.STYLES == codegen.STYLES
    assert (derive_command.VIEWS, derive_command.DEFAULT_DIGITS) == (options.VIEWS, options.DEFAULT_DIGITS)
    assert all(callable(getattr(printing, f"to_{form}")) for form in derive_command.PRINTERS)
    assert graph_command.FORMATS == tuple(dot.FORMATS) and graph_command.LABELS == dot.LABELS


@pytest.mark.parametrize("network", [Network(), Network((3, 4, 2, 2)), Network((1, 1)), Network((2, 8, 8, 3))],
                         ids=lambda n: n.spec)
def test_the_names_known_without_a_derivation_are_the_derivations(network):
    d = derive(network)
    assert list(network.param_names) == [p.name for p in d.params]
    assert list(network.sample_names) == [s.name for s in d.inputs + d.targets]


# --- nnderive train --style ----------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_train_style_gives_the_same_training_in_either_style(capsys, monkeypatch, tmp_path, backend):
    if backend == "c":
        require_tool("cc")
    monkeypatch.setenv("NNDERIVE_CACHE", str(tmp_path / "cache"))
    from derivations import training

    results, runners = {}, {}
    real_train, real_backend = training.train, training.get_backend

    def spy_train(*args, **kwargs):
        result = real_train(*args, **kwargs)
        results[kwargs["style"]] = result
        return result

    def spy_backend(name, network=None, style=None):
        runners[style] = real_backend(name, network, style)
        return runners[style]

    monkeypatch.setattr(training, "train", spy_train)
    monkeypatch.setattr(training, "get_backend", spy_backend)
    outs = {}
    for style in ("scalar", "layers"):
        status, outs[style], err = run_cli(capsys, "train", "--backend", backend, "--net", "2-8-1", "--style", style,
                                           "--seed", "4", "--epochs", "60", "--every", "0")
        assert status == 0, err
        assert f"({style} style)" in outs[style]
    # each style's own code ran: the layer style has BP1-BP4, the scalar style the article's named factors
    if backend == "c":
        source = {style: runner.source for style, runner in runners.items()}
    else:  # the generated modules, as the cache kept them for the command
        source = {style: sourcecache.source(Network((2, 8, 1)), "numpy", style, never) for style in runners}
        assert {style: runner.__file__ for style, runner in runners.items()} == {
            style: f"<nnderive_numpy_{style}_2_8_1>" for style in runners}
    assert "BP1" in source["layers"] and "d_h1_d_w1" in source["scalar"] and "BP1" not in source["scalar"]
    scalar, layers = results["scalar"], results["layers"]
    assert scalar.initial == layers.initial
    assert layers.params == pytest.approx(scalar.params, rel=1e-12, abs=1e-12)
    assert layers.history == pytest.approx(scalar.history, rel=1e-12, abs=1e-12)
    assert scalar.params != scalar.initial  # it trained


@pytest.mark.parametrize("args, match", [
    (["--backend", "handwritten", "--style", "scalar"], "--backend handwritten is the article's own code"),
    (["--backend", "python", "--style", "layers"], "--style layers exists for the numpy and c backends"),
    (["--style", "matrix"], "invalid choice: 'matrix'"),
])
def test_a_style_that_cannot_be_had_is_one_line(capsys, args, match):
    status, out, err = run_cli(capsys, "train", *args)
    assert status == 2 and err.count("\n") == 1 and match in err, err
