"""derivations: the article's backpropagation, derived symbolically with SymPy.

>>> from derivations import derive
>>> d = derive()                      # the article's 2-2-1 sigmoid network, MSE
>>> d.partials["w1"]
<Partial d_L_d_w1 = d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1>
"""

__version__ = "0.1.0"

import importlib
import sys
import types

#: the public names and the modules they live in, imported on first use: the ``nnderive``
#: command imports this package before it can catch a Ctrl-C, so it must import nothing heavy
_PUBLIC = {
    "Derivation": "derivations.chain",
    "Factor": "derivations.chain",
    "Partial": "derivations.chain",
    "derive": "derivations.chain",
    "check": "derivations.check",
    "Network": "derivations.network",
    "NetworkError": "derivations.network",
    "article_network": "derivations.network",
    "VerificationError": "derivations.verify",
}


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'derivations' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))


class _Package(types.ModuleType):
    """This package, whose ``check`` stays the function when the subpackage of that name is imported.

    (Importing ``derivations.check`` sets this package's attribute ``check``
    to the subpackage; an eager ``from derivations.check import check`` used
    to rebind it, which a lazy import cannot do.)
    """

    @property
    def check(self):
        return importlib.import_module("derivations.check").check

    @check.setter
    def check(self, value):
        pass  # the import system's `derivations.check = <subpackage>`: the function stays


sys.modules[__name__].__class__ = _Package


__all__ = [
    "check",
    "Derivation",
    "Factor",
    "Network",
    "NetworkError",
    "Partial",
    "VerificationError",
    "article_network",
    "derive",
]
