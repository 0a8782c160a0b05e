"""The learning rate a user's code states: a default of its ``learn_rate`` argument, or a constant it assigns.

A step's gradient is read off as ``(old - new) / learn_rate``, so the rate
must be the one the code uses.  The source is read with :mod:`ast`, never run.

>>> def step(params, x, y_true, learn_rate=0.2): ...
>>> stated_rate(step)
StatedRate(value=0.2, where='the default of learn_rate in step()')
>>> class Net:
...     def train(self, data, all_y_trues):
...         learn_rate = -0.1
...         epochs = 1000
>>> stated_rate(Net)
StatedRate(value=-0.1, where='learn_rate = -0.1 in Net.train()')
"""

import ast
import inspect
import textwrap
from dataclasses import dataclass

#: names a learning rate goes by
LEARN_RATE_NAMES = ("learn_rate", "learning_rate", "lr", "eta", "alpha", "step_size", "rate")


@dataclass(frozen=True)
class StatedRate:
    """A learning rate found in the code, and where (for the note that says so)."""

    value: float
    where: str


def stated_rate(obj):
    """The rate ``obj`` (a step function, or a class with ``train``) states, or None."""
    if inspect.isclass(obj) or (not callable(obj) and hasattr(obj, "train")):
        cls = obj if inspect.isclass(obj) else type(obj)
        train = getattr(cls, "train", None)
        if train is None:
            return None
        return (_default(train, f"{cls.__name__}.train()", skip=3) or _assigned(train, f"{cls.__name__}.train()")
                or _assigned(getattr(cls, "__init__", None), f"{cls.__name__}.__init__()", attribute_only=True)
                or _default(getattr(cls, "__init__", None), f"{cls.__name__}()", skip=1))
    return _default(obj, f"{getattr(obj, '__name__', 'your function')}()", skip=3)


def _default(fn, label, skip):
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    for p in parameters[skip:]:
        if p.name.lower() in LEARN_RATE_NAMES and _is_number(p.default):
            return StatedRate(float(p.default), f"the default of {p.name} in {label}")
    return None


def _assigned(fn, label, attribute_only=False):
    """The first ``learn_rate = <number>`` (or ``self.learn_rate = ...``) in ``fn``'s source."""
    try:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(fn)))
        tree = ast.parse(source)
    except (TypeError, OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = _number(node.value)
        if value is None:
            continue
        for target in targets:
            name = target.id if isinstance(target, ast.Name) and not attribute_only else (
                target.attr if isinstance(target, ast.Attribute) else None)
            if name is not None and name.lower() in LEARN_RATE_NAMES:
                shown = ast.unparse(target)
                return StatedRate(value, f"{shown} = {value:g} in {label}")
    return None


def _number(node):
    if node is None:
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and _is_number(node.value):
        return float(node.value)
    return None


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and value != 0 \
        and abs(value) != float("inf")
