"""The one seam between the core and what is built on it.

The core (network, graph, derivation, statement list) imports no printer,
no numeric front end and no verifier; yet users like ``d.to_text()``,
``d.gradient(...)`` and ``d.verify()``.  Those methods look their
implementation up here, by name; :mod:`derivations.views` provides them when
the package is imported (which it always is first: ``derivations/__init__``
runs before any of its modules).

>>> sorted(PROVIDED)
['latex', 'markdown', 'numeric', 'text', 'verify']
"""

#: name -> the function that implements it
PROVIDED = {}


def provide(**functions):
    """Register implementations by name (``text=...``, ``numeric=...``)."""
    PROVIDED.update(functions)


def use(name):
    """The implementation registered as ``name``."""
    try:
        return PROVIDED[name]
    except KeyError:
        raise RuntimeError(f"nothing provides {name!r}: import the derivations package") from None
