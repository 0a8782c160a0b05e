"""Writing blocks (:mod:`derivations.printing.blocks`) as HTML with MathML maths.

The fourth renderer beside text, LaTeX and Markdown (:mod:`derivations.printing.render`):
the same blocks, so the web page shows exactly what the terminal and the PDF
show.  Headings become ``<h2>``-``<h4>``, paragraphs ``<p>`` with inline
``<math>``, displays a ``<math display="block">`` table aligned on ``=``.

>>> from derivations import derive
>>> from derivations.printing import to_html
>>> fragment = to_html(derive().factors["d_h1_d_w1"])
>>> fragment.startswith('<math display="block"><mtable')
True
>>> "<msup><mi>f</mi><mo>′</mo></msup>" in fragment    # the article's f'
True
"""

from html import escape

from derivations.printing.blocks import Formula
from derivations.printing.mathml import MathMLPrinter, formula_text_mathml, path_mathml, rule_mathml
from derivations.printing.render import Renderer


class HtmlRenderer(Renderer):
    """HTML fragments: prose escaped, maths in MathML by :class:`MathMLPrinter`."""

    PRINTER = MathMLPrinter
    HEADINGS = {1: "h2", 2: "h3", 3: "h4", 4: "h5"}

    def render(self, blocks):
        return "\n".join(self.block(b) for b in blocks) + "\n"

    def formula(self, formula):
        return _formula_mathml(formula, self.notation)

    def inline(self, parts):
        return "".join(escape(p) if isinstance(p, str) else f"<math>{self.math(p)}</math>" for p in parts)

    def render_Heading(self, heading):
        tag = self.HEADINGS[heading.level]
        return f"<{tag}>{self.inline(heading.parts)}</{tag}>"

    def render_Paragraph(self, paragraph):
        return f"<p>{self.inline(paragraph.parts)}</p>"

    def render_Display(self, display):
        rows = "".join(self._row(r) for r in display.rows)
        return f'<math display="block"><mtable class="aligned">{rows}</mtable></math>'

    def _row(self, row):
        left = self.math(row.sides[0])
        rest = "<mo>=</mo>".join(self.math(s) for s in row.sides[1:])
        note = ""
        if row.note:
            spelled = "".join(
                f"<mtext>{escape(p).replace(' ', '&#xA0;')}</mtext>" if isinstance(p, str) else self.math(p)
                for p in row.note
            )
            note = f'<mtd class="note">{spelled}</mtd>'
        return (f'<mtr><mtd class="lhs">{left}</mtd>'
                f'<mtd class="rhs"><mo>=</mo>{rest}</mtd>{note}</mtr>')


def _formula_mathml(formula, notation):
    """A :class:`Formula` (spelled by hand per format) in MathML: an activation's rule, name, a path,
    or the layer view's matrix notation (:func:`~derivations.printing.mathml.formula_text_mathml`)."""
    for name in notation.used:
        spelled = notation.function(name)
        if formula.text == spelled.text:
            return f"<mi>{escape(spelled.text)}</mi>"
        rules = [rule.format(f=spelled.text) for rule in spelled.text_rules]
        if formula.text in rules:
            return rule_mathml(name, spelled.text)[rules.index(formula.text)]
    if "→" in formula.text:
        return path_mathml(formula.text)
    spelled = formula_text_mathml(formula.text)  # the layer view's matrix notation: W¹ a⁰ + b¹, (W²)ᵀ
    return spelled if spelled is not None else f"<mtext>{escape(formula.text)}</mtext>"
