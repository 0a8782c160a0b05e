"""Where compiled C libraries (and generated sources) are kept, so that no one else can plant one.

Loading a shared library runs its code, so a library is loaded only from a
directory that belongs to the user and that no one else can write to (nor
replace: every parent is the user's or root's, and not writable by others
unless sticky, as ``/tmp`` is).  Beside each library ``nn_<hash>.so`` lies its
record ``nn_<hash>.json``, written after the library and atomically: the
library's SHA-256 and the key of what it was built from.  :func:`lookup`
checks both before the library may be loaded; a damaged or foreign entry is
removed, so the caller builds it again.  Generated sources
(:mod:`derivations.sourcecache`) are kept the same way, beside the libraries
in a directory of their own (:data:`KINDS`).

Where: ``$NNDERIVE_CACHE/c`` if set (unusable is an error, never silently
elsewhere), else ``$XDG_CACHE_HOME/nnderive/c`` or ``~/.cache/nnderive/c``;
if that cannot be created, ``<tmp>/nnderive-<uid>/c``; and if that is not
safely ours (another user made it first), a fresh private temporary
directory, removed at exit.  Directories are created 0700 and files 0600
(libraries 0700) whatever the umask.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     where = private_dir(pathlib.Path(tmp, "cache", "c"))
...     oct(where.stat().st_mode & 0o777)
'0o700'
"""

import atexit
import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

#: the record's format; a record of another format is treated as damaged
FORMAT = 1
#: what is kept: the directory under the cache root -> what messages call that cache
KINDS = {"c": "C library", "sources": "generated-source"}


class CacheError(RuntimeError):
    """The cache directory cannot be used safely; the message says which and why, in one line."""


def cache_dir(kind="c"):
    """The directory entries of ``kind`` (:data:`KINDS`) go to: ours alone, created on demand."""
    explicit = os.environ.get("NNDERIVE_CACHE")
    if explicit:  # the user chose it: use it or say why not, never silently elsewhere
        return private_dir(Path(explicit) / kind, f"NNDERIVE_CACHE={explicit}", kind)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    default = Path(xdg) / "nnderive" / kind
    try:
        return private_dir(default, kind=kind)
    except CacheError as error:
        if not isinstance(error.__cause__, OSError):
            raise  # it exists but is not safely ours: say so rather than hide it
    # a read-only home, say: the temporary directory, if no one took our name there first
    try:
        return private_dir(Path(tempfile.gettempdir()) / f"nnderive-{_uid()}" / kind, kind=kind)
    except CacheError:
        return _fresh_private_dir(kind)


def private_dir(path, what=None, kind="c"):
    """``path`` as a directory only the current user can write to, created (0700) if missing.

    Raises :class:`CacheError` naming ``what`` (default: the path) and the
    cache of ``kind`` if it cannot be created, or if it or a parent is another
    user's or writable by others.
    """
    what = what or str(path)
    cache = KINDS[kind]
    path = Path(os.path.abspath(path))
    existing = path
    while not os.path.lexists(existing):
        existing = existing.parent
    problem = _unsafe_ancestors(Path(os.path.realpath(existing)), itself=True)
    if problem:  # nothing is made inside a directory someone else controls
        raise CacheError(f"refusing the {cache} cache {what}: {problem}")
    try:
        _make_dirs(path)
    except OSError as error:
        raise CacheError(f"cannot use {what} as the {cache} cache: {error.strerror or error}") from error
    problem = unsafe(path)
    if problem:
        raise CacheError(f"refusing the {cache} cache {what}: {problem}")
    return path


def unsafe(directory):
    """Why ``directory`` is not safely ours (a short phrase), or ``''``."""
    real = Path(os.path.realpath(directory))
    try:
        st = os.stat(real)
    except OSError as error:
        return f"{real}: {error.strerror}"
    if not stat.S_ISDIR(st.st_mode):
        return f"{real} is not a directory"
    if st.st_uid != _uid():
        return f"{real} belongs to user {st.st_uid}, not to you ({_uid()})"
    if st.st_mode & 0o022:
        return f"{real} is writable by others (mode {stat.S_IMODE(st.st_mode):04o}); chmod 700 it"
    return _unsafe_ancestors(real, itself=False)


def _unsafe_ancestors(real, itself):
    """Why someone else could replace ``real`` (and, if ``itself``, write in it), or ``''``."""
    for parent in [real, *real.parents] if itself else real.parents:
        # whoever can write in a parent can swap what is below it for their own
        st = os.stat(parent)
        if st.st_uid not in (0, _uid()):
            return f"{parent} belongs to user {st.st_uid}, not to you ({_uid()}) or root"
        others = st.st_mode & 0o002 or (st.st_mode & 0o020 and not _private_group(st.st_gid))
        if others and not st.st_mode & stat.S_ISVTX:
            return f"{parent} is writable by others (mode {stat.S_IMODE(st.st_mode):04o})"
    return ""


def _private_group(gid):
    """Whether group ``gid`` is the current user's own (a user private group: Debian's umask 002
    leaves ~/.cache group-writable, which is safe when no one else is in the group)."""
    try:
        import grp
        import pwd
    except ImportError:  # not a Unix
        return False
    if gid != os.getgid():
        return False
    try:
        me = pwd.getpwuid(_uid()).pw_name
        members = set(grp.getgrgid(gid).gr_mem) - {me}
        others = [p.pw_name for p in pwd.getpwall() if p.pw_gid == gid and p.pw_uid != _uid()]
    except KeyError:  # a gid or uid without a name: nothing shows it is ours alone
        return False
    return not members and not others


def _make_dirs(path):
    missing = []
    while not os.path.lexists(path):
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, 0o700)
        except FileExistsError:
            continue  # made by a process running at the same time: unsafe() judges it
        os.chmod(directory, 0o700)  # mkdir's mode is masked by the umask, which may be anything


def _fresh_private_dir(kind="c"):
    path = Path(tempfile.mkdtemp(prefix=f"nnderive-{kind}-"))  # 0700, ours: mkdtemp makes a new name
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _uid():
    return os.getuid() if hasattr(os, "getuid") else 0


# --- the entries: a file (a library, a source) and its record -------------------------------------


def network_key(network):
    """What a cached entry must have been built for: the network, spelled out.

    >>> from derivations import Network
    >>> network_key(Network.parse("2-3-1", "tanh"))
    'network 2-3-1 (tanh, tanh) mse'
    """
    return f"network {network.spec} ({', '.join(network.activations)}) {network.loss}"


def entry(directory, name, suffix=".so"):
    """``(file path, record path)`` of the entry ``name`` in ``directory``."""
    return Path(directory) / f"{name}{suffix}", Path(directory) / f"{name}.json"


def lookup(directory, name, key, suffix=".so"):
    """The library (or other file) ``name`` if it is whole, ours, and built from ``key``; else ``None``.

    Anything else under that name (a truncated or empty file, text, a
    directory, a library for another network, a file of another user) is
    removed, so the caller builds the library again.
    """
    return None if read(directory, name, key, suffix) is None else entry(directory, name, suffix)[0]


def read(directory, name, key, suffix=".so"):
    """The bytes of the entry ``name`` if it is whole, ours, and built from ``key``; else ``None``.

    The bytes returned are the ones whose checksum was verified; a damaged or
    foreign entry is removed, as by :func:`lookup`.
    """
    path, record = entry(directory, name, suffix)
    if not (os.path.lexists(path) or os.path.lexists(record)):
        return None
    data = _verified(path, record, key)
    if data is None:
        discard(directory, name, suffix)
    return data


def _verified(path, record, key):
    try:
        expected = json.loads(_read_own(record, limit=1 << 16))
        data = _read_own(path)
    except (OSError, ValueError):
        return None
    whole = (isinstance(expected, dict) and expected.get("format") == FORMAT and expected.get("key") == key
             and expected.get("sha256") == hashlib.sha256(data).hexdigest())
    return data if whole else None


def _read_own(path, limit=None):
    """The bytes of ``path``: a regular file of ours that no one else can write, or OSError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)  # of the file opened, not of whatever the name points to a moment later
        if not stat.S_ISREG(st.st_mode) or st.st_uid != _uid() or st.st_mode & 0o022:
            raise OSError(errno.EPERM, "not a private regular file", str(path))
        if limit is not None and st.st_size > limit:
            raise OSError(errno.EFBIG, "too large", str(path))
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    finally:
        os.close(fd)


def store(directory, name, built, key):
    """Move the library ``built`` into the cache as ``name``, then write its record; the library's path.

    The record comes last, so a record always describes a whole library.
    """
    library, record = entry(directory, name)
    os.chmod(built, 0o700)  # the compiler's mode follows the umask
    digest = hashlib.sha256(Path(built).read_bytes()).hexdigest()
    _clear(library)
    os.replace(built, library)
    _write_record(record, library, digest, key)
    return library


def store_data(directory, name, data, key, suffix):
    """Keep the bytes ``data`` (a 0600 file) as the entry ``name``, then its record; the file's path."""
    path, record = entry(directory, name, suffix)
    _clear(path)
    write_private(path, data)
    _write_record(record, path, hashlib.sha256(data).hexdigest(), key)
    return path


def _clear(path):
    """Make room for an entry's file: a directory under its name goes (the cache is ours, so we may)."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)


def _write_record(record, path, digest, key):
    # written last, so a record always describes a whole file
    text = json.dumps({"format": FORMAT, "library": path.name, "sha256": digest, "key": key}, indent=1)
    write_private(record, text.encode())


def write_private(path, data):
    """Write ``data`` to ``path`` atomically, as a 0600 file, whatever the umask."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".record-")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def prune(directory, stale, suffix=".so"):
    """Remove every entry whose record's key ``stale(key)`` calls stale, or whose record cannot be read."""
    for record in Path(directory).glob("*.json"):
        try:
            what = json.loads(_read_own(record, limit=1 << 16)).get("key")
        except (OSError, ValueError, AttributeError):
            what = None
        if not isinstance(what, str) or stale(what):
            discard(directory, record.stem, suffix)


def discard(directory, name, suffix=".so"):
    """Remove the entry ``name``, whatever is there (the directory is ours, so we may)."""
    for path in entry(directory, name, suffix):
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            elif os.path.lexists(path):
                os.unlink(path)
        except FileNotFoundError:
            pass
