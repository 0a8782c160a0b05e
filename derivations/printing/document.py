"""A complete LaTeX document: title, the graph as a figure, the network, one section per parameter, the worked example.

It needs only ``amsmath`` and ``geometry`` (both in texlive-latex-base) and
compiles with ``pdflatex``; the body is what :class:`LatexRenderer` writes
with numbered sections.

>>> from derivations import derive
>>> from derivations.printing import to_latex
>>> source = to_latex(derive(), document=True)
>>> source.splitlines()[0], source.rstrip().splitlines()[-1]
('\\\\documentclass[11pt]{article}', '\\\\end{document}')
"""

from derivations.printing.blocks import Heading
from derivations.printing.render import LatexRenderer, latex_escape

PREAMBLE = r"""\documentclass[11pt]{article}
% written by nnderive: the chain rule for a neural network, as in Victor Zhou's
% "Machine Learning for Beginners: An Introduction to Neural Networks"
\usepackage{amsmath}
\usepackage[margin=2cm]{geometry}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""


def document(blocks, notation, digits, figure=""):
    """The blocks as a LaTeX document; a leading level-1 heading becomes its title; ``figure`` follows it."""
    renderer = LatexRenderer(notation, digits, document=True)
    title = "The chain rule"
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        title = renderer.inline(blocks[0].parts, fractions="inline")
        blocks = blocks[1:]
    else:
        title = latex_escape(title)
    return (
        PREAMBLE
        + f"\\title{{{title}}}\n\\author{{nnderive}}\n\\date{{}}\n\n\\begin{{document}}\n\\maketitle\n\n"
        + (figure + "\n" if figure else "")
        + renderer.render(blocks)
        + "\n\\end{document}\n"
    )
