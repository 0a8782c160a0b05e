"""Gradient code from the derivation: standalone numpy, pure-Python, C and JavaScript source.

One statement list (:func:`derivations.program.build_program`), already
common-subexpression-eliminated with readable names, is printed to every
target by a SymPy code printer, so every target computes exactly what the
derivation shows.  Each file is standalone (``math``, ``numpy`` or
``<math.h>`` only, or nothing for JavaScript), explains itself in a header, and is the same byte for
byte every time.

>>> source = generate(target="python")
>>> module = load_module(source)
>>> alice = [1, 1, 1, 1, 1, 1, 0, 0, 0]          # every weight 1, every bias 0
>>> module.gradients(alice, [[-2, -1]], [1])[0]   # dL/dw1: the article's 0.0214
0.02146953526581111
>>> module.PARAMS
('w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'b1', 'b2', 'b3')
"""

import types
from functools import lru_cache

from derivations.chain import derive
from derivations.codegen import emit_c, emit_js, emit_numpy, emit_python
from derivations.codegen.base import command_line, network_options
from derivations.codegen.listing import CodegenError, Listing
from derivations.network import require_network

#: target name -> emitter (derivation -> source text)
TARGETS = {
    "python": emit_python.emit,
    "numpy": emit_numpy.emit,
    "c": emit_c.emit,
    "js": emit_js.emit,
}

#: the file suffix each target's source conventionally has
SUFFIXES = {"python": ".py", "numpy": ".py", "c": ".c", "js": ".mjs"}


def generate(network=None, target="python"):
    """The source code of ``target`` for ``network`` (default: the article's), as text.

    >>> print(generate(target="c").splitlines()[1])
     * The chain-rule gradient of the loss of a 2-2-1 network, sigmoid activations, mse loss.
    >>> generate(target="fortran")
    Traceback (most recent call last):
    ...
    derivations.codegen.listing.CodegenError: unknown target 'fortran' (choose from: python, numpy, c, js)
    """
    if target not in TARGETS:
        raise CodegenError(f"unknown target {target!r} (choose from: {', '.join(TARGETS)})")
    return _generate(require_network(network, "generate"), target)


@lru_cache(maxsize=64)
def _generate(network, target):
    return TARGETS[target](derive(network))


def load_module(source, name="nnderive_generated"):
    """Run generated Python or numpy ``source`` as a fresh module and return it.

    The source is our own output (never user text); it is compiled under a
    file name that says where it came from, for readable tracebacks.
    """
    module = types.ModuleType(name)
    module.__file__ = f"<{name}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def load(network=None, target="python"):
    """The generated ``python`` or ``numpy`` module for ``network``, ready to call.

    For the C target see :func:`derivations.cbuild.load`.
    """
    if target not in ("python", "numpy"):
        raise CodegenError(f"load() runs the python and numpy targets; for {target!r} use derivations.cbuild")
    return _load(require_network(network, "load"), target)


@lru_cache(maxsize=64)
def _load(network, target):
    return load_module(generate(network, target), f"nnderive_{target}_{network.spec.replace('-', '_')}")


__all__ = [
    "SUFFIXES",
    "TARGETS",
    "CodegenError",
    "Listing",
    "command_line",
    "generate",
    "load",
    "load_module",
    "network_options",
]
