"""Numbers as nnderive reads them: plain ASCII decimals, the same rule for every option and file.

Python's ``float`` and ``int`` take other scripts' digits (``float('١')`` is
1.0) and ``str.isdigit`` says yes to ``'²'``; nnderive does not, and says
which character it refused.

>>> bool(NUMBER.fullmatch("-2.5e1")), bool(NUMBER.fullmatch("١"))
(True, False)
>>> print(non_ascii("1,١"))
'١' (ARABIC-INDIC DIGIT ONE)
"""

import re
import unicodedata

#: a decimal number: ASCII digits, an optional sign, point and exponent (no NaN, no infinity)
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def non_ascii(text):
    """The first character of ``text`` that is not ASCII, quoted with its Unicode name; else ``None``."""
    for character in text:
        if not character.isascii():
            name = unicodedata.name(character, f"U+{ord(character):04X}")
            return f"{character!r} ({name})"
    return None


def why_not_a_number(text):
    """A short reason ``text`` is not a number nnderive reads ('' if it is one).

    >>> why_not_a_number("−2")
    "'−' (MINUS SIGN) is not ASCII; write numbers with 0-9, '.', '-' and 'e'"
    """
    if NUMBER.fullmatch(text.strip()):
        return ""
    character = non_ascii(text)
    if character:
        return f"{character} is not ASCII; write numbers with 0-9, '.', '-' and 'e'"
    return "not a number"
