"""Messages and errors that name what to change, in the caller's own language.

The library speaks Python: a message says ``pass kind='gradient'``.  The
command line speaks flags: the same message says ``pass --kind gradient``.
So a :class:`Message` keeps its text as parts, some of which are
:class:`Argument` references; ``str()`` spells them as Python, and
:func:`derivations.commands.common.flag` spells them as options.  Errors a
caller can fix are :class:`NnderiveError`, whose ``argument`` names the
argument at fault.

>>> error = NnderiveError("pass ", Argument("kind", "gradient"), " or ", Argument("kind", "step"), argument="kind")
>>> str(error)
"pass kind='gradient' or kind='step'"
>>> error.spelled(lambda a: f"--{a.name} {a.value}")
'pass --kind gradient or --kind step'
>>> error.argument
'kind'
>>> str(Message("the JSON report (", Argument("format", "json", python="to_json()"), ") lists them"))
'the JSON report (to_json()) lists them'
"""


class Argument:
    """A reference, inside a message, to one argument of the library (and a value for it).

    ``python`` overrides how Python callers read it, where the library offers
    something other than an argument (``to_json()`` for ``--format json``).
    """

    __slots__ = ("name", "value", "python_text")

    def __init__(self, name, value=None, python=None):
        self.name = name
        self.value = value
        self.python_text = python

    def python(self):
        """``kind='gradient'``, or the bare name without a value."""
        if self.python_text is not None:
            return self.python_text
        return self.name if self.value is None else f"{self.name}={self.value!r}"

    def __repr__(self):
        return f"Argument({self.name!r}, {self.value!r})"


class Message:
    """Text made of strings and :class:`Argument` references; ``str()`` is the Python spelling."""

    def __init__(self, *parts):
        self.parts = parts

    def spelled(self, spell=Argument.python):
        """The text with every :class:`Argument` (here or in a message inside) written by ``spell(argument)``."""
        return "".join(spelled(p, spell) for p in self.parts)

    def __str__(self):
        return self.spelled()

    def __repr__(self):
        return f"Message({str(self)!r})"


def spelled(text, spell=Argument.python):
    """``text`` (a string, an :class:`Argument` or a :class:`Message`) as a string, arguments spelled by ``spell``."""
    if isinstance(text, Argument):
        return spell(text)
    return text.spelled(spell) if isinstance(text, Message) else str(text)


class NnderiveError(ValueError):
    """A mistake in what the caller passed; ``argument`` names the argument, the message says why.

    ``parts`` are strings and :class:`Argument` references; see the module docstring.
    """

    def __init__(self, *parts, argument=None):
        self.argument = argument
        self.message = Message(*parts)
        super().__init__(str(self.message))

    def spelled(self, spell):
        """The message with every :class:`Argument` written by ``spell(argument)``."""
        return self.message.spelled(spell)

    def __str__(self):
        return str(self.message)
