"""Running the user's code safely: loading ``PATH.py:NAME``, capturing, locating errors.

Loading a file runs it, as ``python`` and pytest do: its module-level code
executes (the article's script trains its network when loaded).  Nothing else
the user typed is evaluated: ``NAME`` is parsed as a dotted Python name and
looked up attribute by attribute.

Everything the user's code prints or warns while loading or being checked is
captured (:func:`captured`), so it never mixes with the report, and its
exceptions are turned into :class:`UserProblem` with the line of *their*
code that raised.

>>> parse_target("my_backprop.py:backprop")
('my_backprop.py', 'backprop')
>>> parse_target("net.py:OurNeuralNetwork.train")
('net.py', 'OurNeuralNetwork.train')
>>> parse_target("net.py:print(1)")
Traceback (most recent call last):
...
derivations.check.loading.CheckError: 'print(1)' is not a Python name (give PATH.py:NAME, e.g. my_backprop.py:backprop)
"""

import contextlib
import difflib
import importlib.util
import inspect
import io
import itertools
import os
import re
import stat
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from importlib.machinery import SourceFileLoader

from derivations.errors import NnderiveError

_HERE = os.path.dirname(os.path.abspath(__file__))
_counter = itertools.count(1)


class CheckError(NnderiveError):
    """The check could not run: no such file or name, a syntax error, a wrong signature.

    The command line prints it as one line and exits with status 2.
    """


@dataclass(frozen=True)
class Location:
    """Where in the user's code something happened: file, line, function, source text."""

    filename: str
    lineno: int
    function: str = ""
    line: str = ""

    def __str__(self):
        where = f"{os.path.basename(self.filename)}, line {self.lineno}"
        return f"{where}, in {self.function}" if self.function and self.function != "<module>" else where

    def as_dict(self):
        return {"file": self.filename, "line": self.lineno, "function": self.function, "source": self.line}


@dataclass(frozen=True)
class UserProblem:
    """The user's code failed: it raised, or returned something that is not a dict of numbers.

    ``message`` says what happened ("IndexError: index 2 is out of bounds ...");
    ``location`` is the line of the user's code it points at; ``point`` the
    evaluation point it happened at.
    """

    message: str
    location: "Location | None" = None
    point: str = ""
    raised: bool = True  # False: it returned something unusable (location is then the definition)

    def as_dict(self):
        return {
            "message": self.message,
            "raised": self.raised,
            "point": self.point or None,
            "location": self.location.as_dict() if self.location else None,
        }


class _Counter(io.TextIOBase):
    """A stream that counts the lines written to it and keeps none (megabytes of prints cost nothing).

    Closing it does nothing: user code that closes ``sys.stdout`` must not break the checker.
    """

    def __init__(self):
        super().__init__()
        self.lines = 0
        self._open_line = False

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if text:
            self.lines += text.count("\n")
            self._open_line = not text.endswith("\n")
        return len(text)

    def close(self):
        pass

    @property
    def closed(self):
        return False


@dataclass
class Capture:
    """What the user's code printed (counted) and warned while captured."""

    output: _Counter = field(default_factory=_Counter)
    warnings: list = field(default_factory=list)

    @property
    def printed_lines(self):
        return self.output.lines + self.output._open_line


@contextlib.contextmanager
def captured(capture=None):
    """Run user code with its prints and warnings captured (into ``capture``).

    Warnings are recorded, never raised: a numpy overflow in the user's code is
    theirs to see in the report, not an exception of ours (and pytest's
    ``-W error`` does not turn it into one).

    >>> with captured() as c:
    ...     print("Epoch 0 loss: 0.25")
    >>> c.printed_lines
    1
    """
    capture = capture if capture is not None else Capture()
    with contextlib.redirect_stdout(capture.output), contextlib.redirect_stderr(capture.output):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield capture
            finally:
                capture.warnings.extend(caught)


def parse_target(spec):
    """Split ``PATH.py:NAME`` into the path and the (dotted) name, checking the name strictly."""
    path, sep, name = spec.rpartition(":")
    usage = "give PATH.py:NAME, e.g. my_backprop.py:backprop"
    if not sep or not path:
        raise CheckError(f"{spec!r}: {usage}")
    if not name or not all(part.isidentifier() for part in name.split(".")):
        raise CheckError(f"{name!r} is not a Python name ({usage})")
    return path, name


@dataclass
class Loaded:
    """An object loaded from the user's file, and what loading it printed."""

    obj: object
    path: str
    name: str
    capture: Capture

    @property
    def label(self):
        return f"{self.path}:{self.name}"


def load_target(spec):
    """Run the file of ``PATH.py:NAME`` as a module and return its ``NAME`` (a :class:`Loaded`).

    The file's directory is put first on ``sys.path`` while it runs, so it can
    import its neighbours as ``python file.py`` would; no bytecode is written
    next to it.
    """
    path, name = parse_target(spec)
    if not os.path.exists(path):
        raise CheckError(f"{path}: no such file")
    if os.path.isdir(path):
        raise CheckError(f"{path} is a directory; give a Python file, e.g. {os.path.join(path, 'backprop.py')}:NAME")
    if not stat.S_ISREG(os.stat(path).st_mode):
        # a FIFO or a device would block the read, or never end
        raise CheckError(f"{path} is not a regular file (a pipe or a device?); give a Python file")
    if not path.lower().endswith(".py"):
        # running a data file or a binary as Python only ever ends in a confusing syntax error
        raise CheckError(f"{path} is not a Python file (give PATH.py:NAME, e.g. my_backprop.py:backprop)")
    module = _run_file(path)
    obj = module
    for i, part in enumerate(name.split(".")):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            known = [n for n in dir(obj) if not n.startswith("_")]
            close = difflib.get_close_matches(part, known, n=1)
            owner = path if i == 0 else ".".join(name.split(".")[:i])
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise CheckError(f"{owner} has no {part!r}{hint}") from None
        except Exception as error:  # a property of the user's raised
            raise CheckError(f"looking up {name} in {path} raised {_describe(error)}") from None
    return Loaded(obj, path, name, module.__nnderive_capture__)


def _run_file(path):
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0]) or "module"
    module_name = f"nnderive_user_{stem}_{next(_counter)}"
    absolute = os.path.abspath(path)
    loader = SourceFileLoader(module_name, absolute)
    spec = importlib.util.spec_from_loader(module_name, loader)
    module = importlib.util.module_from_spec(spec)
    capture = Capture()
    directory = os.path.dirname(absolute)
    sys.modules[module_name] = module  # dataclasses and pickle look modules up by name
    sys.path.insert(0, directory)
    bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        with captured(capture):
            loader.exec_module(module)
    except SyntaxError as error:
        del sys.modules[module_name]
        where = f"{path}, line {error.lineno}" if error.lineno else path
        raise CheckError(f"{where}: {error.msg} (a syntax error: the file cannot run)") from None
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit too: a script's sys.exit() is the user's
        del sys.modules[module_name]
        location = user_location(error, absolute)
        where = f" at {location}" if location else ""
        raise CheckError(f"loading {path} raised {_describe(error)}{where}") from None
    finally:
        sys.dont_write_bytecode = bytecode
        with contextlib.suppress(ValueError):
            sys.path.remove(directory)
    module.__nnderive_capture__ = capture
    return module


def _describe(error):
    if isinstance(error, SystemExit):
        return (f"SystemExit({error.code!r}): the file calls sys.exit(); put a script's own work under "
                "if __name__ == '__main__':")
    return describe_exception(error)


def describe_exception(error):
    """``"IndexError: index 2 is out of bounds"``: the last line of a traceback.

    >>> describe_exception(KeyError("w1")), describe_exception(SystemExit(1))
    ("KeyError: 'w1'", 'SystemExit(1): your code called sys.exit()')
    """
    if isinstance(error, SystemExit):
        return f"SystemExit({error.code!r}): your code called sys.exit()"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def user_location(error, filename=None):
    """The frame of the user's code that raised ``error``: the deepest one in ``filename``.

    Without ``filename`` (or when no frame is in it), the deepest frame outside
    nnderive's checker and the Python library.
    """
    frames = traceback.extract_tb(error.__traceback__)
    if filename is not None:
        target = os.path.normcase(os.path.abspath(filename))
        mine = [f for f in frames if os.path.normcase(os.path.abspath(f.filename)) == target]
        if mine:
            return _location(mine[-1])
    library = os.path.dirname(os.__file__)
    theirs = [
        f for f in frames
        if not os.path.abspath(f.filename).startswith((_HERE, library)) and not f.filename.startswith("<frozen")
    ]
    return _location(theirs[-1]) if theirs else None


def _location(frame):
    return Location(frame.filename, frame.lineno or 0, frame.name, (frame.line or "").strip())


def definition_location(obj):
    """Where ``obj`` (a function or class) is defined, or None."""
    try:
        target = inspect.unwrap(obj)
        filename = inspect.getsourcefile(target)
        lines, lineno = inspect.getsourcelines(target)
    except (TypeError, OSError):
        return None
    line = next((text.strip() for text in lines if text.strip()), "")
    return Location(filename, lineno, getattr(target, "__name__", ""), line)


def source_file(obj):
    """The file ``obj`` was defined in, if Python knows it."""
    for candidate in (obj, type(obj)):
        try:
            return inspect.getsourcefile(inspect.unwrap(candidate))
        except (TypeError, OSError):
            continue
    return None
