"""Writing blocks (:mod:`derivations.printing.blocks`) as text, LaTeX or Markdown.

One renderer class per format, dispatching on the block type
(``render_Heading``, ``render_Paragraph``, ``render_Display``); the maths in
each block is written by that format's printer.
"""

import re
import textwrap

from derivations.printing.blocks import Formula
from derivations.printing.notation import latex_number
from derivations.printing.printers import LatexPrinter, TextPrinter

#: text paragraphs are wrapped to this width
TEXT_WIDTH = 100
#: a document's display taller than this (in points) may break across pages: the page is 731 pt
#: (A4, 2 cm margins), less room for a heading; a line is about 17 pt high, one with a fraction 30
PAGE_HEIGHT = 640
#: the widest line of a display, in characters as typeset (see visible_width): the page is 17 cm at 11 pt
LINE_WIDTH = 80
#: what takes no width of its own in typeset LaTeX
_INVISIBLE = re.compile(r"\\(?:left|right|text|mathrm|operatorname|quad|qquad|,)\b|[{}_^&\\]")
#: a number in prose, written in maths so its minus sign is a minus, not a hyphen
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")


def visible_width(latex):
    """About how many characters wide ``latex`` is when typeset (a command such as \\sigma is one).

    >>> visible_width(r"\\sigma(w_{16} h_4 + b_7)"), visible_width(r"\\frac{\\partial L}{\\partial w_1}")
    (14, 4)
    """
    text = re.sub(r"\\frac\{((?:[^{}]|\{[^{}]*\})*)\}\{((?:[^{}]|\{[^{}]*\})*)\}",
                  lambda m: max(m[1], m[2], key=lambda s: visible_width(s)), latex)
    text = re.sub(r"\\[a-zA-Z]+", lambda m: "" if _INVISIBLE.fullmatch(m[0]) else "x", text)
    return len(_INVISIBLE.sub("", text))


class Renderer:
    """Shared by the formats: dispatch, and a printer per piece of maths."""

    PRINTER = None

    def __init__(self, notation, digits, document=False):
        self.notation = notation
        self.digits = digits
        self.document = document

    def render(self, blocks):
        return "\n\n".join(self.block(b) for b in blocks) + "\n"

    def block(self, block):
        return getattr(self, "render_" + type(block).__name__)(block)

    def printer(self, math, **settings):
        digits = None if math.exact else self.digits
        return self.PRINTER({"notation": self.notation, "digits": digits, "values": math.values, **settings})

    def math(self, math, **settings):
        if isinstance(math, Formula):
            return self.formula(math)
        return self.printer(math, **settings).doprint(math.expr)


class TextRenderer(Renderer):
    """Unicode text for the terminal: underlined headings, wrapped prose, aligned equations."""

    PRINTER = TextPrinter

    def formula(self, formula):
        return formula.text

    def inline(self, parts):
        # maths is kept on one line when prose is wrapped: its spaces are protected
        return "".join(p if isinstance(p, str) else self.math(p).replace(" ", "\x00") for p in parts)

    def render_Heading(self, heading):
        title = self.inline(heading.parts).replace("\x00", " ")
        underline = {1: "=", 2: "-"}.get(heading.level)
        return f"{title}\n{underline * len(title)}" if underline else title

    def render_Paragraph(self, paragraph):
        wrapped = textwrap.fill(self.inline(paragraph.parts), TEXT_WIDTH, break_long_words=False,
                                break_on_hyphens=False)
        return wrapped.replace("\x00", " ")

    def render_Display(self, display):
        lhs = [self.math(r.sides[0]) for r in display.rows]
        width = max(len(s) for s in lhs)
        return "\n".join(self._row(r, left.ljust(width)) for r, left in zip(display.rows, lhs))

    def _row(self, row, left):
        indent = "  "
        sides = [self.math(s) for s in row.sides[1:-1]]
        last = row.sides[-1]
        pieces = self.printer(last).pieces(last.expr) if row.breaks else [("", self.math(last))]
        line = indent + " = ".join([left] + sides + [pieces[0][1]])
        lines = [line]
        hang = " " * (len(indent) + len(left) + 1)
        lines += [f"{hang}{op} {text}" for op, text in pieces[1:]]
        if row.note:
            lines[-1] += "   " + self.inline(row.note).replace("\x00", " ")
        return "\n".join(lines)


_LATEX_SPECIALS = {c: "\\" + c for c in "&%$#_{}"}
_LATEX_SPECIALS.update({"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"})


def latex_escape(prose):
    """Prose made safe for LaTeX.

    >>> latex_escape("50% of y_true & more")
    '50\\\\% of y\\\\_true \\\\& more'
    """
    return "".join(_LATEX_SPECIALS.get(c, c) for c in prose)


class LatexRenderer(Renderer):
    """LaTeX fragments (amsmath ``align*``); in a document, numbered sections."""

    PRINTER = LatexPrinter
    HEADINGS = {1: r"\section*", 2: r"\subsection*", 3: r"\subsubsection*"}
    DOCUMENT_HEADINGS = {2: r"\section", 3: r"\subsection"}
    DISPLAY = (r"\begin{align*}", r"\end{align*}")

    def printer(self, math, **settings):
        return super().printer(math, mode="plain", **settings)

    def formula(self, formula):
        return formula.latex

    def prose(self, text):
        # a number's minus sign is a minus, not a hyphen: "give the numbers $-7$, $-3$, 0"
        return re.sub(r"(?<![\w-])-(\d+(?:\.\d+)?)", r"$-\1$", latex_escape(text))

    def inline(self, parts, **settings):
        return "".join(self.prose(p) if isinstance(p, str) else f"${self.math(p, **settings)}$" for p in parts)

    def render_Heading(self, heading):
        command = (self.DOCUMENT_HEADINGS if self.document else self.HEADINGS)[heading.level]
        return f"{command}{{{self.inline(heading.parts, fractions='inline')}}}"

    def render_Paragraph(self, paragraph):
        # fractions in running text would squeeze the line: write them ∂L/∂w1
        return self.inline(paragraph.parts, fractions="inline")

    def render_Display(self, display):
        begin, end = self.DISPLAY
        rows = " \\\\\n".join(self._row(r) for r in display.rows)
        shown = f"{begin}\n{rows}\n{end}"
        height = sum(30 if r"\frac" in line else 17 for line in rows.split("\\\\\n"))
        if self.document and height > PAGE_HEIGHT:
            # only a display longer than a page may break, and only between its lines
            return "{\\allowdisplaybreaks\n" + shown + "\n}"
        return shown

    def note_text(self, prose):
        """Prose inside maths (a note after an equation): words in \\text, numbers as maths.

        >>> LatexRenderer(None, 3).note_text("(rounds to -0.0215, not 0.0214)")
        '\\\\text{(rounds to }-0.0215\\\\text{, not }0.0214\\\\text{)}'
        """
        pieces, at = [], 0
        for match in _NUMBER.finditer(prose):
            if match.start() > at:
                pieces.append(rf"\text{{{self.prose(prose[at:match.start()])}}}")
            pieces.append(latex_number(match[0]))
            at = match.end()
        if at < len(prose):
            pieces.append(rf"\text{{{self.prose(prose[at:])}}}")
        return "".join(pieces)

    def _row(self, row):
        sides = [self.math(s) for s in row.sides[:-1]]
        last = row.sides[-1]
        pieces = self.printer(last).pieces(last.expr) if row.breaks else [("", self.math(last))]
        note = ""
        if row.note:
            # right after its own row, not in a column of its own: a column would start after the
            # widest row of the display and push a short row's note off the page
            note = r" \qquad " + "".join(self.note_text(p) if isinstance(p, str) else self.math(p) for p in row.note)
        # a chain of equalities wider than the page goes on, one '= ...' per line
        lines, current = [], "  " + sides[0] + " &= "
        for i, side in enumerate(sides[1:] + [pieces[0][1]]):
            if i and visible_width(current + " = " + side) > LINE_WIDTH:
                lines.append(current)
                current = "  &= " + side
            else:
                current += (" = " if i else "") + side
        lines.append(current)
        # {} makes a leading operator binary, so LaTeX and MathJax space it alike
        lines += [f"  &\\quad {{}}{op} {text}" for op, text in pieces[1:]]
        if note and visible_width(lines[-1] + note) > LINE_WIDTH:
            lines.append("  &" + note)
        else:
            lines[-1] += note
        return " \\\\\n".join(lines)


class MarkdownRenderer(LatexRenderer):
    """Markdown with ``$...$`` and ``$$...$$`` maths (GitHub, Jupyter, MathJax, KaTeX)."""

    DISPLAY = ("$$\n\\begin{aligned}", "\\end{aligned}\n$$")

    def prose(self, text):
        # only what Markdown would take for formatting
        return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)

    def render_Heading(self, heading):
        return "#" * (heading.level + 1) + " " + self.inline(heading.parts, fractions="inline")


class NotebookRenderer(MarkdownRenderer):
    """Markdown for a Jupyter cell: headings become bold captions.

    A ``#`` heading in an output cell would join the notebook's table of
    contents, once for every cell that shows a derivation.
    """

    def render_Heading(self, heading):
        return f"**{self.inline(heading.parts, fractions='inline')}**"


RENDERERS = {"text": TextRenderer, "latex": LatexRenderer, "markdown": MarkdownRenderer,
             "notebook": NotebookRenderer}
