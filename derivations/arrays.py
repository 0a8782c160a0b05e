"""Numbers from the user as arrays, checked once: no SymPy here, so training's start-up stays light.

>>> finite_array([[1, 2], [3, 4]], "X", ValueError).shape
(2, 2)
>>> finite_array([1, float("nan")], "y", ValueError)
Traceback (most recent call last):
...
ValueError: y holds NaN or infinity
"""

import numpy as np


def finite_array(value, name, error):
    """``value`` as a float array of finite numbers, or ``error`` saying what is wrong with ``name``."""
    if value is None:  # numpy would make it a NaN
        raise error(f"{name} is missing (None)")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise error(f"{name} must hold numbers only") from None
    # a finite sum means finite entries (NaN and infinity carry through a sum); one pass, no mask
    # array.  Only a sum that overflows, or a bad entry, needs the entry-by-entry look.
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(np.add.reduce(array, axis=None))
    if not finite and not np.all(np.isfinite(array)):
        raise error(f"{name} holds NaN or infinity")
    return array
