"""Generated sources kept between runs, so that a command that needs no new derivation never loads SymPy.

``nnderive train --backend numpy`` (or ``c``) needs the generated code of its
network, not the derivation: from the second run on, the source comes from
here and SymPy is never imported.  An entry is keyed by the network, the
target, the style asked for and nnderive itself: its version and a
fingerprint of its modules (their sizes and modification times), so an
edited nnderive never runs code an older one generated.

Running cached code means trusting the cache, so it is kept exactly as the
compiled C libraries are (:mod:`derivations.ccache`): in ``sources/`` beside
``c/`` under the same root, a directory of the user's alone (0700), each
source a 0600 file with a record of its SHA-256 and key, both written
atomically, and checked (owner, mode, checksum, key) before use.  A damaged
or foreign entry is removed and the source generated again; a cache that
cannot be used safely is not used (the source is generated every time).
Entries an older nnderive made are removed when a new one is kept, so the
cache holds one version's sources.

>>> import os, tempfile
>>> from derivations import Network
>>> from derivations.codegen import generate
>>> def fail(network, target, style):
...     raise AssertionError("generated again")
>>> with tempfile.TemporaryDirectory() as tmp:
...     os.environ["NNDERIVE_CACHE"] = tmp
...     first = source(Network((2, 3, 1)), "numpy", None, generate)    # derived, generated, kept
...     again = source(Network((2, 3, 1)), "numpy", None, fail)        # read back, not generated
...     mode = oct(os.stat(os.path.join(tmp, "sources")).st_mode & 0o777)
...     del os.environ["NNDERIVE_CACHE"]
>>> first == again, mode
(True, '0o700')
"""

import hashlib
import types
from functools import lru_cache
from pathlib import Path

from derivations import __version__, ccache

#: the suffix of a kept source (whatever its language: the file is read back, never run by name)
SUFFIX = ".src"


@lru_cache(maxsize=1)
def fingerprint():
    """nnderive's version and the size and modification time of each of its modules.

    Generated code depends on all of them (the derivation, the emitters, the
    rules): a developer's edit makes every entry stale, so it is generated again.
    """
    root = Path(__file__).resolve().parent
    parts = [__version__]
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        parts.append(f"{path.relative_to(root).as_posix()} {st.st_size} {st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def key(network, target, style):
    """What an entry was generated from, in words: the target, the style asked for, the network, nnderive.

    >>> from derivations import Network
    >>> key(Network((2, 3, 1)), "c", None).split(", nnderive")[0]
    'c source, style auto, network 2-3-1 (sigmoid, sigmoid) mse'
    """
    return f"{target} source, style {style or 'auto'}, {ccache.network_key(network)}, {_nnderive()}"


def _nnderive():
    """How a key ends: this nnderive."""
    return f"nnderive {__version__} {fingerprint()}"


def source(network, target, style, generate):
    """The ``target`` source for ``network`` in ``style``: kept, else ``generate(network, target, style)``.

    ``generate`` is :func:`derivations.codegen.generate`, passed in by the
    caller: generating derives the network (SymPy); reading a kept source
    does not.  What ``generate`` raises (an unknown style, say) is raised.
    """
    what = key(network, target, style)
    name = f"{target}_{hashlib.sha256(what.encode()).hexdigest()[:24]}"
    try:
        directory = ccache.cache_dir("sources")
    except ccache.CacheError:  # not safely ours: work without it, as before there was a cache
        directory = None
    if directory is not None:
        data = ccache.read(directory, name, what, SUFFIX)
        if data is not None:
            return data.decode("utf-8")  # our own checksummed UTF-8
    text = generate(network, target, style)
    if directory is not None:
        try:
            ccache.store_data(directory, name, text.encode("utf-8"), what, SUFFIX)
            ccache.prune(directory, lambda kept: not kept.endswith(_nnderive()), SUFFIX)  # an older nnderive's
        except OSError:  # a full disk or a read-only cache: the source is right, only not kept
            pass
    return text


def load_module(source, name="nnderive_generated"):
    """Run generated Python or numpy ``source`` as a fresh module and return it.

    The source is our own output (never user text); it is compiled under a
    file name that says where it came from, for readable tracebacks.
    """
    module = types.ModuleType(name)
    module.__file__ = f"<{name}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module
