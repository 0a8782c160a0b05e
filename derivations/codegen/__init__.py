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

from functools import lru_cache

from derivations.chain import derive
from derivations.codegen import emit_c, emit_c_layers, emit_js, emit_numpy, emit_numpy_layers, emit_python
from derivations.codegen.base import command_line, network_options
from derivations.codegen.layered import STYLES, choose_style, resolve_style
from derivations.codegen.listing import CodegenError, Listing
from derivations.network import require_network
from derivations.sourcecache import load_module

#: target name -> emitter (derivation -> source text)
TARGETS = {
    "python": emit_python.emit,
    "numpy": emit_numpy.emit,
    "c": emit_c.emit,
    "js": emit_js.emit,
}

#: target name -> emitter of the layer style (BP1-BP4 over blocks of samples; see derivations.codegen.layered)
LAYER_TARGETS = {
    "numpy": emit_numpy_layers.emit,
    "c": emit_c_layers.emit,
}

#: the file suffix each target's source conventionally has
SUFFIXES = {"python": ".py", "numpy": ".py", "c": ".c", "js": ".mjs"}


def generate(network=None, target="python", style=None):
    """The source code of ``target`` for ``network`` (default: the article's), as text.

    ``style`` is ``"scalar"`` (the article's view: one line per weight, every
    factor of the chain rule named) or ``"layers"`` (the numpy and C targets:
    Nielsen's BP1-BP4 as loops or matrix products per layer); ``None`` chooses
    the scalar style while it is readable and the layer style past that
    (:func:`derivations.codegen.layered.choose_style`).

    >>> print(generate(target="c").splitlines()[1])
     * The chain-rule gradient of the loss of a 2-2-1 network, sigmoid activations, mse loss.
    >>> print(generate(target="numpy", style="layers").splitlines()[0][3:])
    The gradient of the loss of a 2-2-1 network, sigmoid activations, mse loss, layer by
    >>> generate(target="fortran")
    Traceback (most recent call last):
    ...
    derivations.codegen.listing.CodegenError: unknown target 'fortran' (choose from: python, numpy, c, js)
    >>> generate(target="python", style="layers")
    Traceback (most recent call last):
    ...
    derivations.codegen.listing.CodegenError: the layers style exists for the numpy and c targets, not 'python'
    """
    if target not in TARGETS:
        raise CodegenError(f"unknown target {target!r} (choose from: {', '.join(TARGETS)})", argument="target")
    network = require_network(network, "generate")
    return _generate(network, target, resolve_style(network, target, style))


@lru_cache(maxsize=64)
def _generate(network, target, style):
    emitters = LAYER_TARGETS if style == "layers" else TARGETS
    return emitters[target](derive(network))


def load(network=None, target="python", style=None):
    """The generated ``python`` or ``numpy`` module for ``network``, ready to call (``style`` as in :func:`generate`).

    For the C target see :func:`derivations.cbuild.load`.
    """
    if target not in ("python", "numpy"):
        raise CodegenError(f"load() runs the python and numpy targets; for {target!r} use derivations.cbuild",
                           argument="target")
    network = require_network(network, "load")
    return _load(network, target, resolve_style(network, target, style))


@lru_cache(maxsize=64)
def _load(network, target, style):
    name = f"nnderive_{target}_{style}_{network.spec.replace('-', '_')}"
    return load_module(generate(network, target, style), name)


__all__ = [
    "LAYER_TARGETS",
    "STYLES",
    "SUFFIXES",
    "TARGETS",
    "CodegenError",
    "Listing",
    "command_line",
    "choose_style",
    "generate",
    "load",
    "load_module",
    "network_options",
]
