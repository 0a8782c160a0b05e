"""Immutable values: objects whose attributes are set once, mappings no caller can change.

The network, its graph and its derivation are shared (``derive`` caches
them), so a caller who could change one would change every later result.

>>> class Point(Frozen):
...     def __init__(self, x):
...         self.x = x
...         self.freeze()
>>> p = Point(1)
>>> p.x = 2
Traceback (most recent call last):
...
AttributeError: Point is immutable: cannot set x
>>> table = readonly({"w1": 1})
>>> table["w1"] = 2
Traceback (most recent call last):
...
TypeError: 'mappingproxy' object does not support item assignment
"""

from types import MappingProxyType


class Frozen:
    """Attributes are set in ``__init__``, which ends with :meth:`freeze`; after that, none changes.

    ``functools.cached_property`` still works: it fills the instance's
    ``__dict__`` directly, once.
    """

    _frozen = False

    def freeze(self):
        object.__setattr__(self, "_frozen", True)

    def __setattr__(self, name, value):
        if self._frozen:
            raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if self._frozen:
            raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name}")
        object.__delattr__(self, name)


def readonly(mapping):
    """A read-only view of ``mapping`` (a dict the caller no longer changes)."""
    return MappingProxyType(mapping)
