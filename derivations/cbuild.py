"""The C target as a fast backend: compile it with the system's compiler, call it with ctypes.

The shared library goes to a private cache directory outside the source
tree (``$NNDERIVE_CACHE``, else ``$XDG_CACHE_HOME/nnderive``, else
``~/.cache/nnderive``; see :mod:`derivations.ccache` for why no one else can
plant a library there), named after a hash of the source and the compiler
command, so each network is compiled once.  A cached library is loaded only
after its checksum and network are verified, and its own ``NN_N_PARAMS``,
``NN_N_INPUTS`` and ``NN_N_OUTPUTS`` are checked after loading; a damaged
one is built again.  Without a C compiler, :class:`CompilerNotFound` says so
in one line.

For the article's network (a C compiler needed)::

    lib = load()
    lib.gradients([1] * 6 + [0] * 3, [[-2, -1]], [1])[0]    # 0.02146953526581111

(tests/test_cbuild.py runs this for real, with a compiler CI installs.)
"""

import ctypes
import hashlib
import os
import platform
import shlex
import shutil
import signal
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.ctypeslib import ndpointer

from derivations import ccache, sourcecache
from derivations.ccache import CacheError  # noqa: F401  (re-exported: callers catch cbuild.CacheError)
from derivations.ccache import network_key  # noqa: F401  (re-exported: what a library is built for)

#: how the library is built; -ffp-contract=off keeps a*b + c two roundings, as in Python.  -O3
#: changes no result (without -ffast-math nothing is reassociated) and takes ~9% off the article's
#: training, whose time is a chain of dependent exp() calls
FLAGS = ("-O3", "-Wall", "-shared", "-fPIC", "-ffp-contract=off")
LIBS = ("-lm",)
#: compilers tried, in order, when $CC is not set
COMPILERS = ("cc", "gcc", "clang")


class CompilerNotFound(RuntimeError):
    """No C compiler on this machine; the message says what to do."""


class CompileError(RuntimeError):
    """The compiler failed on the generated source; the message quotes it."""


def find_compiler():
    """The compiler command as a list: ``$CC`` if set, else the first of cc, gcc, clang found."""
    if os.environ.get("CC"):
        try:
            command = shlex.split(os.environ["CC"])
        except ValueError as error:  # an unclosed quote
            raise CompilerNotFound(f"$CC={os.environ['CC']!r} is not a command ({error}); "
                                   "fix the quoting or unset CC") from None
        if command and shutil.which(command[0]):
            return [shutil.which(command[0])] + command[1:]
        raise CompilerNotFound(f"the C compiler $CC={os.environ['CC']!r} was not found")
    for name in COMPILERS:
        path = shutil.which(name)
        if path:
            return [path]
    raise CompilerNotFound(
        "no C compiler found (looked for cc, gcc and clang, or set $CC): install one "
        "(e.g. apt-get install gcc) or use the python or numpy backend"
    )


def cache_dir():
    """Where compiled libraries are kept: outside any source tree, private, created on demand.

    See :mod:`derivations.ccache`: ``$NNDERIVE_CACHE`` that cannot be used is a :class:`CacheError`.
    """
    return ccache.cache_dir()


def library_name(source, command):
    """The cache name of the library built from ``source`` by ``command``."""
    key = "\0".join([source, *command, *FLAGS, *LIBS, platform.machine(), platform.system()])
    return "nn_" + hashlib.sha256(key.encode()).hexdigest()[:20]


def compile_source(source, directory=None, compiler=None, key=None):
    """Compile C ``source`` into a shared library; return its path (reused when cached).

    A cached library is reused only if its record says it is whole and was
    built for ``key`` (default: the source itself); anything else under its
    name is removed and built again.
    """
    command = list(compiler) if compiler else find_compiler()
    directory = ccache.private_dir(directory) if directory is not None else cache_dir()
    name = library_name(source, command)
    key = key if key is not None else "source " + hashlib.sha256(source.encode()).hexdigest()
    library = ccache.lookup(directory, name, key)
    if library is not None:
        return library
    try:
        return _build(source, command, directory, name, key)
    except OSError as error:  # a full disk, a read-only cache: say where, in one line
        raise CompileError(f"cannot build the C library in {directory}: {error.strerror or error}") from None


def _build(source, command, directory, name, key):
    build = tempfile.mkdtemp(dir=directory, prefix=".build-")  # 0700: private while it is written
    try:
        c_file = Path(build) / f"{name}.c"
        with os.fdopen(os.open(c_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(source)
        out = Path(build) / f"{name}.so"
        returncode, stderr = _run_compiler([*command, *FLAGS, "-o", str(out), str(c_file), *LIBS])
        if returncode != 0 or not out.exists():
            message = " ".join(stderr.strip().splitlines()[:3]) or f"exit status {returncode}"
            raise CompileError(f"{command[0]} failed on the generated C: {message}")
        return ccache.store(directory, name, out, key)
    finally:
        # also on Ctrl-C or SIGTERM (which the command line turns into an exception)
        shutil.rmtree(build, ignore_errors=True)


def _run_compiler(argv):
    """``(exit status, stderr)`` of the compiler, which is stopped, with its children, if we are."""
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, errors="replace", start_new_session=True)
    try:
        _, stderr = process.communicate()
    except BaseException:
        # cc runs cc1, as and ld as children: stop the whole group, or they outlive us
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (OSError, AttributeError):  # already gone, or no process groups (Windows)
            process.kill()
        process.wait()
        raise
    return process.returncode, stderr


_DOUBLES = ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")


class CLibrary:
    """The compiled C target, with the same functions as the generated Python modules.

    ``loss``, ``gradients``, ``sgd_step``, ``train`` and ``predict`` take and
    return numpy arrays (params in ``params`` order); each is one call into C.
    """

    def __init__(self, path, params, n_inputs, n_outputs, source=None):
        self.path = Path(path)
        self.source = source
        self.params = tuple(params)
        self.n_params, self.n_inputs, self.n_outputs = len(self.params), n_inputs, n_outputs
        lib = self._lib = ctypes.CDLL(str(self.path))
        c_long, c_double = ctypes.c_long, ctypes.c_double
        signatures = {
            "nn_loss": (c_double, [_DOUBLES, _DOUBLES, _DOUBLES, c_long]),
            "nn_gradients": (None, [_DOUBLES, _DOUBLES, _DOUBLES, c_long, _DOUBLES]),
            "nn_sgd_step": (None, [_DOUBLES, _DOUBLES, _DOUBLES, c_double]),
            "nn_train_history": (None, [_DOUBLES, _DOUBLES, _DOUBLES, c_long, c_long, c_double, _DOUBLES]),
            "nn_predict": (None, [_DOUBLES, _DOUBLES, c_long, _DOUBLES]),
        }
        for name, (restype, argtypes) in signatures.items():
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes

    def constants(self):
        """``(NN_N_PARAMS, NN_N_INPUTS, NN_N_OUTPUTS)`` as the library itself says (None if it does not)."""
        try:
            return tuple(ctypes.c_long.in_dll(self._lib, f"nn_n_{what}").value
                         for what in ("params", "inputs", "outputs"))
        except ValueError:  # no such symbol
            return None

    def close(self):
        """Unload the library (so that a library built again under its name is loaded afresh)."""
        import _ctypes

        handle, self._lib = self._lib._handle, None
        _ctypes.dlclose(handle)

    def __repr__(self):
        return f"<CLibrary {self.path.name}: {self.n_params} params>"

    # --- arguments -----------------------------------------------------------------

    def _params(self, params):
        array = np.array(params, dtype=np.float64)  # a copy: C may write to it
        if array.shape != (self.n_params,):
            raise ValueError(f"params must hold {self.n_params} numbers, got shape {array.shape}")
        return array

    def _X(self, X):
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_inputs or len(X) == 0:
            raise ValueError(f"X must have one row of {self.n_inputs} inputs per sample, got shape {X.shape}")
        return X

    def _y(self, y, n):
        y = np.ascontiguousarray(y, dtype=np.float64)
        if self.n_outputs == 1 and y.ndim == 2 and y.shape[1] == 1:
            y = np.ascontiguousarray(y[:, 0])
        expected = (n,) if self.n_outputs == 1 else (n, self.n_outputs)
        if y.shape != expected:
            raise ValueError(f"y must have shape {expected} to match X, got {y.shape}")
        return y

    # --- the functions -------------------------------------------------------------

    def loss(self, params, X, y):
        """The mean loss over the samples."""
        X = self._X(X)
        return float(self._lib.nn_loss(self._params(params), X, self._y(y, len(X)), len(X)))

    def gradients(self, params, X, y):
        """The gradient of the mean loss, an array in parameter order."""
        X = self._X(X)
        grad = np.empty(self.n_params)
        self._lib.nn_gradients(self._params(params), X, self._y(y, len(X)), len(X), grad)
        return grad

    def sgd_step(self, params, x, y_true, learn_rate):
        """One step of the article's SGD on one sample: the new params."""
        params = self._params(params)
        x = self._X([x])[0]
        y = self._y([y_true], 1).reshape(-1)  # this sample's targets, one per output
        self._lib.nn_sgd_step(params, x, y, float(learn_rate))
        return params

    def train(self, params, X, y, epochs=1000, learn_rate=0.1):
        """The article's training loop in C: ``(trained params, loss after each epoch)``."""
        params = self._params(params)
        X = self._X(X)
        epochs = int(epochs)
        if epochs < 0:
            raise ValueError("epochs must be 0 or more")
        history = np.empty(max(epochs, 1))
        self._lib.nn_train_history(params, X, self._y(y, len(X)), len(X), epochs, float(learn_rate), history)
        return params, history[:epochs].tolist()

    def predict(self, params, X):
        """The network's outputs for every row of X."""
        X = self._X(X)
        out = np.empty((len(X), self.n_outputs))
        self._lib.nn_predict(self._params(params), X, len(X), out)
        return out[:, 0] if self.n_outputs == 1 else out


def load(network=None, directory=None, style=None):
    """The C target for ``network`` (default: the article's), compiled and loaded.

    ``style`` is as in :func:`derivations.codegen.generate` (None: chosen by size).
    Raises :class:`CompilerNotFound` without a C compiler,
    :class:`CompileError` if compilation fails, and :class:`CacheError` if
    the cache directory cannot be used safely (``$NNDERIVE_CACHE`` that
    cannot be made, or that another user owns or can write to).

    The generated C is kept too (:mod:`derivations.sourcecache`): when it
    and the library are cached, nothing is derived and SymPy is not loaded.
    """
    from derivations.network import require_network

    network = require_network(network, "load")
    return _load(network, None if directory is None else str(directory), style)


#: appended to the generated C: the network the library was built for, readable after loading
CONSTANTS = """
/* For nnderive's loader: the network this library was built for, checked after loading. */
const long nn_n_params = NN_N_PARAMS;
const long nn_n_inputs = NN_N_INPUTS;
const long nn_n_outputs = NN_N_OUTPUTS;
"""


@lru_cache(maxsize=32)
def _load(network, directory, style):
    compiler = find_compiler()  # no compiler: say so before deriving anything
    source = sourcecache.source(network, "c", style, _generate) + CONSTANTS
    expected = (network.n_params, network.n_inputs, network.n_outputs)
    for attempt in range(2):
        path = compile_source(source, directory, compiler, key=network_key(network))
        try:
            library = CLibrary(path, network.param_names, expected[1], expected[2], source)
        except (OSError, AttributeError):  # not a library, or not one of ours
            library = None
        if library is not None and library.constants() == expected:
            return library
        # its record matched, yet it is not this network's library: unload, remove, build again
        if library is not None:
            library.close()
        ccache.discard(path.parent, path.stem)
    raise CompileError(f"the C library {path} is not the {network.spec} network's even when rebuilt")


def _generate(network, target, style):
    """The generated source (what derives the network and loads SymPy: only when it is not kept)."""
    from derivations.codegen import generate

    return generate(network, target, style)
