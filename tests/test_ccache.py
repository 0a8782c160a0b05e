"""The C library cache: no one else can plant a library in it, and a damaged entry is built again.

Loading a library runs its code, so these tests plant real libraries whose
constructor leaves a mark if it ever runs.  Another user's files are made
with ``setpriv`` as user ``nobody`` where it is installed and with
``os.chown`` always (tests run as root in CI).  Every case that could crash
the interpreter (a bus error from a truncated library) runs in a child
process.
"""

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import assert_one_line_error, nnderive_process, require_root, require_tool

from derivations import Network, cbuild, ccache
from derivations.codegen import generate

NOBODY = 65534
#: dL/dw1 for Alice with every weight 1 and every bias 0: the article's 0.0214 (by hand in nncore's tests)
ARTICLE_DW1 = 0.02146953526581111

#: loads the C target in a child and prints dL/dw1 at the article's worked example
LOAD = """
import sys
from derivations import cbuild
library = cbuild.load(directory=sys.argv[1])
print(repr(float(library.gradients([1] * 6 + [0] * 3, [[-2, -1]], [1])[0])))
"""


@pytest.fixture(autouse=True)
def fresh_loads():
    """``cbuild.load`` remembers libraries per process; each test starts without them."""
    cbuild._load.cache_clear()
    yield
    cbuild._load.cache_clear()


@pytest.fixture
def shared_tmp():
    """A directory like /tmp (world-writable, sticky), outside pytest's private tmp: another user can work in it."""
    path = Path(tempfile.mkdtemp(prefix="nnderive-test-"))
    os.chmod(path, 0o1777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def article_source():
    return generate(target="c") + cbuild.CONSTANTS


def entry_name():
    return cbuild.library_name(article_source(), cbuild.find_compiler())


def plant(directory, marker, owner):
    """A library for the article's network under the name nnderive looks for, with a record that
    matches it, made by ``owner``; its constructor writes ``marker`` if it is ever loaded."""
    name = entry_name()
    source = article_source() + (
        '\n#include <stdio.h>\n__attribute__((constructor)) static void planted(void)'
        f' {{ FILE *f = fopen("{marker}", "w"); if (f) {{ fputs("ran", f); fclose(f); }} }}\n')
    build = directory.parent.parent / "planted-build"
    build.mkdir()
    (build / "p.c").write_text(source)
    subprocess.run([*cbuild.find_compiler(), *cbuild.FLAGS, "-o", str(build / "p.so"), str(build / "p.c")],
                   check=True)
    record = {"format": ccache.FORMAT, "library": f"{name}.so", "key": cbuild.network_key(Network((2, 2, 1))),
              "sha256": hashlib.sha256((build / "p.so").read_bytes()).hexdigest()}
    (build / "p.json").write_text(json.dumps(record))
    for path in build.iterdir():
        os.chmod(path, 0o755)
    os.chmod(build, 0o755)
    as_owner = owner(directory)
    as_owner(["mkdir", "-p", "-m", "755", str(directory)])
    as_owner(["cp", str(build / "p.so"), str(directory / f"{name}.so")])
    as_owner(["cp", str(build / "p.json"), str(directory / f"{name}.json")])
    for path in (directory, directory / f"{name}.so", directory / f"{name}.json"):
        assert os.stat(path).st_uid == NOBODY and not os.stat(path).st_mode & 0o022  # only the owner is wrong
    return name


def by_setpriv(directory):
    setpriv = require_tool("setpriv")  # util-linux: CI has it

    def run(argv):
        subprocess.run([setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv], check=True)
    return run


def by_chown(directory):
    def run(argv):
        subprocess.run(argv, check=True)
        for path in [directory.parent, *directory.parent.rglob("*")]:  # <tmp>/nnderive-<uid> and all in it
            os.chown(path, NOBODY, NOBODY)
    return run


@pytest.mark.parametrize("owner", [by_chown, by_setpriv], ids=["chown", "setpriv"])
def test_a_library_planted_by_another_user_in_the_fallback_is_never_loaded(shared_tmp, owner):
    # the reported hole: ~/.cache unusable, /tmp/nnderive-<uid>/c made first by someone else
    require_tool("cc")
    require_root("making files of another user")
    marker = shared_tmp / "planted-library-ran"
    plant(shared_tmp / f"nnderive-{os.getuid()}" / "c", marker, owner)
    unusable = shared_tmp / "not-a-directory"
    unusable.write_text("")
    before = sorted(shared_tmp.rglob("*"))
    env = {"TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(unusable / "cache"), "NNDERIVE_CACHE": "", "CC": ""}
    result = nnderive_process("train", "--backend", "c", "--seed", "0", "--epochs", "50", "--every", "0",
                              cwd=shared_tmp, env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert not marker.exists()
    assert b"Emily" in result.stdout
    # built in a fresh private directory, removed at exit: nothing added to the other user's
    assert sorted(shared_tmp.rglob("*")) == before


@pytest.mark.parametrize("problem", ["other user", "group-writable", "world-writable parent"])
def test_an_explicit_cache_that_is_not_safely_ours_is_refused(capsys, tmp_path, monkeypatch, problem):
    require_root("a directory of another user") if problem == "other user" else None
    cache = tmp_path / "cache"
    (cache / "c").mkdir(parents=True, mode=0o700)
    if problem == "other user":
        os.chown(cache / "c", NOBODY, NOBODY)
        expected = "belongs to user 65534"
    elif problem == "group-writable":
        os.chmod(cache / "c", 0o770)
        expected = "is writable by others (mode 0770)"
    else:
        os.chmod(cache, 0o777)  # whoever can write here can swap c for their own
        expected = "is writable by others (mode 0777)"
    monkeypatch.setenv("NNDERIVE_CACHE", str(cache))
    status, _, err = run_train_c(capsys)
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"refusing the C library cache NNDERIVE_CACHE={cache}" in err and expected in err, err


def run_train_c(capsys):
    from conftest import run_cli

    return run_cli(capsys, "train", "--backend", "c", "--epochs", "1", "--seed", "0")


def test_an_explicit_cache_that_cannot_be_made_is_an_error_not_a_fallback(capsys, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("NNDERIVE_CACHE", str(blocker / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a fallback would show up here
    status, _, err = run_train_c(capsys)
    assert status == 2 and err.count("\n") == 1, err
    assert f"cannot use NNDERIVE_CACHE={blocker / 'cache'} as the C library cache: Not a directory" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_an_unsafe_fallback_gives_a_fresh_private_directory(tmp_path, monkeypatch):
    require_root("a directory of another user")
    monkeypatch.delenv("NNDERIVE_CACHE", raising=False)
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file" / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    taken = tmp_path / f"nnderive-{os.getuid()}"
    taken.mkdir()
    os.chown(taken, NOBODY, NOBODY)
    chosen = cbuild.cache_dir()
    assert taken not in chosen.parents and chosen != taken / "c"
    assert chosen.stat().st_uid == os.getuid() and stat.S_IMODE(chosen.stat().st_mode) == 0o700
    assert not (taken / "c").exists()


def test_the_fallback_is_made_private(tmp_path, monkeypatch):
    monkeypatch.delenv("NNDERIVE_CACHE", raising=False)
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file" / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old = os.umask(0)
    try:
        chosen = cbuild.cache_dir()
    finally:
        os.umask(old)
    assert chosen == Path(os.path.realpath(tmp_path)) / f"nnderive-{os.getuid()}" / "c"
    assert [stat.S_IMODE(p.stat().st_mode) for p in (chosen.parent, chosen)] == [0o700, 0o700]


def test_nothing_depends_on_the_umask(tmp_path, monkeypatch):
    require_tool("cc")
    monkeypatch.setenv("NNDERIVE_CACHE", str(tmp_path / "cache"))
    old = os.umask(0)  # made every directory and library 0777 before
    try:
        library = cbuild.load()
    finally:
        os.umask(old)
    directory = library.path.parent
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [tmp_path / "cache", directory, *directory.iterdir()]}
    assert modes == {"cache": 0o700, "c": 0o700, library.path.name: 0o700, library.path.stem + ".json": 0o600}
    assert library.gradients([1] * 6 + [0] * 3, [[-2, -1]], [1])[0] == pytest.approx(ARTICLE_DW1, rel=1e-15)


def test_the_record_names_the_library_and_its_network(tmp_path):
    require_tool("cc")
    library = cbuild.load(directory=tmp_path)
    record = json.loads(library.path.with_suffix(".json").read_text())
    assert record["sha256"] == hashlib.sha256(library.path.read_bytes()).hexdigest()  # an independent digest
    assert record["key"] == "network 2-2-1 (sigmoid, sigmoid) mse"
    assert library.constants() == (9, 2, 1)


# --- damaged entries -------------------------------------------------------------------------------


def damage_truncated(library, record, other):
    data = library.read_bytes()
    library.write_bytes(data[: len(data) // 2])  # was a bus error (exit 135)


def damage_empty(library, record, other):
    library.write_bytes(b"")


def damage_text(library, record, other):
    library.write_text("not a library\n")  # was a 29-line traceback


def damage_directory(library, record, other):
    library.unlink()
    library.mkdir()  # was a traceback
    (library / "inside").write_text("")


def damage_other_library(library, record, other):
    shutil.copyfile(other, library)  # was a segfault (exit 139)


def damage_other_entry(library, record, other):
    shutil.copyfile(other, library)
    shutil.copyfile(other.with_suffix(".json"), record)


def damage_forged_record(library, record, other):
    # the record itself rewritten to match another network's library: only the library's own
    # NN_N_PARAMS, NN_N_INPUTS and NN_N_OUTPUTS can tell
    shutil.copyfile(other, library)
    data = json.loads(record.read_text())
    data["sha256"] = hashlib.sha256(library.read_bytes()).hexdigest()
    record.write_text(json.dumps(data))


def damage_no_record(library, record, other):
    record.unlink()


def damage_broken_record(library, record, other):
    record.write_text("{not json")


@pytest.mark.parametrize("damage", [damage_truncated, damage_empty, damage_text, damage_directory,
                                    damage_other_library, damage_other_entry, damage_forged_record,
                                    damage_no_record, damage_broken_record],
                         ids=lambda f: f.__name__.removeprefix("damage_"))
def test_a_damaged_entry_is_built_again(tmp_path, damage):
    require_tool("cc")
    good = cbuild.load(directory=tmp_path)
    other = cbuild.load(Network((3, 4, 2)), directory=tmp_path).path
    library, record = good.path, good.path.with_suffix(".json")
    # this process has both libraries mapped: truncating a mapped file would be a bus error in *this*
    # process. Put a copy in each one's place first, so the damage reaches the file on disk only
    for path in (library, other):
        copy = path.with_name(path.name + ".copy")
        shutil.copyfile(path, copy)
        os.replace(copy, path)
    damage(library, record, other)
    result = subprocess.run([sys.executable, "-c", LOAD, str(tmp_path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert float(result.stdout) == pytest.approx(ARTICLE_DW1, rel=1e-15)
    assert library.is_file() and json.loads(record.read_text())["sha256"] == hashlib.sha256(
        library.read_bytes()).hexdigest()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no build or record leftovers


def test_another_users_file_in_our_cache_is_replaced_not_loaded(tmp_path):
    require_tool("cc")
    require_root("a file of another user")
    good = cbuild.load(directory=tmp_path)
    for path in (good.path, good.path.with_suffix(".json")):
        os.chown(path, NOBODY, NOBODY)
    cbuild._load.cache_clear()
    result = subprocess.run([sys.executable, "-c", LOAD, str(tmp_path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and float(result.stdout) == pytest.approx(ARTICLE_DW1, rel=1e-15)
    assert good.path.stat().st_uid == os.getuid()


def test_an_unsplittable_cc_is_one_line(tmp_path):
    result = nnderive_process("train", "--backend", "c", "--epochs", "1", cwd=tmp_path,
                              env={"CC": '"unterminated', "NNDERIVE_CACHE": str(tmp_path / "cache")})
    assert_one_line_error(result, "$CC='\"unterminated' is not a command (No closing quotation)")


def test_a_group_writable_parent_is_safe_only_when_the_group_is_ours_alone(tmp_path, monkeypatch):
    # Debian's umask 002 with user private groups leaves ~/.cache 0775
    home = tmp_path / "home"
    home.mkdir()
    os.chmod(home, 0o775)
    monkeypatch.setattr(ccache, "_private_group", lambda gid: True)
    assert ccache.private_dir(home / "cache" / "c") == home / "cache" / "c"
    monkeypatch.setattr(ccache, "_private_group", lambda gid: False)
    with pytest.raises(ccache.CacheError, match=r"home is writable by others \(mode 0775\)"):
        ccache.private_dir(home / "cache" / "c")


def test_a_group_with_other_members_is_not_private():
    import grp
    import pwd

    shared = [g for g in grp.getgrall() if set(g.gr_mem) - {pwd.getpwuid(os.getuid()).pw_name}]
    assert all(not ccache._private_group(g.gr_gid) for g in shared)
    assert not ccache._private_group(os.getgid() + 1)  # not even our primary group
