"""A complete LaTeX document: title, the graph as a figure, the network, one section per parameter, the worked example.

It needs only ``amsmath`` and ``geometry`` (both in texlive-latex-base) and
compiles with ``pdflatex``; the body is what :class:`LatexRenderer` writes
with numbered sections.  Displays are not broken across pages (a reader sees
each partial whole), except one longer than a page, which may break between
its lines.  No author is printed unless one is given.

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
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""


def document(blocks, notation, digits, title=None, author=None, figure=""):
    """The blocks as a LaTeX document; a leading level-1 heading becomes its title (unless ``title`` is given); ``figure`` follows it.

    >>> from derivations import derive
    >>> from derivations.printing import to_latex
    >>> source = to_latex(derive(), document=True, title="Lecture 3: backprop", author="A. Teacher & co")
    >>> [line for line in source.splitlines() if line.startswith(("\\\\title", "\\\\author"))]
    ['\\\\title{Lecture 3: backprop}', '\\\\author{A. Teacher \\\\& co}']
    """
    renderer = LatexRenderer(notation, digits, document=True)
    heading = "The chain rule"
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        heading = renderer.inline(blocks[0].parts, fractions="inline")
        blocks = blocks[1:]
    else:
        heading = latex_escape(heading)
    title = heading if title is None else latex_escape(title)
    author = "" if author is None else latex_escape(author)
    return (
        PREAMBLE
        + f"\\title{{{title}}}\n\\author{{{author}}}\n\\date{{}}\n\n\\begin{{document}}\n\\maketitle\n\n"
        + (figure + "\n" if figure else "")
        + renderer.render(blocks)
        + "\n\\end{document}\n"
    )
