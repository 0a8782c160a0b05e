"""The one seam between the core and what is built on it.

The core (network, graph, derivation, statement list, layer view) imports no
printer, no numeric front end and no verifier; yet users like
``d.to_text()``, ``d.gradient(...)`` and ``d.verify()``.  Those methods look
their implementation up here, by name.  :mod:`derivations.views` provides
them; it is loaded the first time one is asked for, by its name (a plugin, as
entry points are), so the core never imports it and importing the package
stays light (the ``nnderive`` command starts without SymPy).

>>> use("text").__name__
'to_text'
>>> sorted(PROVIDED)
['latex', 'markdown', 'notebook', 'numeric', 'text', 'verify']
"""

import importlib

#: name -> the function that implements it
PROVIDED = {}
#: the module that provides the implementations, loaded on first use
PROVIDER = "derivations.views"


def provide(**functions):
    """Register implementations by name (``text=...``, ``numeric=...``)."""
    PROVIDED.update(functions)


def use(name):
    """The implementation registered as ``name``."""
    if name not in PROVIDED:
        importlib.import_module(PROVIDER)
    try:
        return PROVIDED[name]
    except KeyError:
        raise RuntimeError(f"{PROVIDER} provides no {name!r}") from None
