"""``--document``: a complete LaTeX document that real pdflatex compiles.

CI installs texlive-latex-base and texlive-latex-recommended; locally the
compile tests skip without pdflatex (``require_tool``).  Two documents are
compiled: the article's network and a 2-3-3-1 tanh/sigmoid network with
cross-entropy.
"""

import re
import subprocess

import pytest

from derivations import Network, derive
from derivations.cli import main
from derivations.printing import to_latex
from derivations.printing.document import PREAMBLE
from conftest import require_tool

#: packages in texlive-latex-base (the documents must not need anything else)
BASE_PACKAGES = {"amsmath", "geometry"}


def compile_pdf(tmp_path, source, name):
    pdflatex = require_tool("pdflatex")
    (tmp_path / f"{name}.tex").write_text(source, encoding="utf-8")
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    pdf = tmp_path / f"{name}.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    # nothing runs into the margin (Overfull \hbox) or off the page (Overfull \vbox: a display
    # taller than a page that could not break)
    log = (tmp_path / f"{name}.log").read_text(encoding="latin-1")
    assert "Overfull" not in log, log[log.index("Overfull") - 200:log.index("Overfull") + 400]
    return done.stdout


DEEP = Network((2, 3, 3, 1), "tanh", "sigmoid", "bce")


@pytest.mark.parametrize("extra", [[], ["--full"]], ids=["compact", "full"])
def test_article_document_compiles_without_overfull_lines(tmp_path, capsys, extra):
    source_file = tmp_path / "article.tex"
    assert main(["derive", "--document", "-o", str(source_file), *extra]) == 0
    source = source_file.read_text(encoding="utf-8")
    compile_pdf(tmp_path, source, "article")


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
@pytest.mark.parametrize("at", ["alice", (0.5, -1, 1)], ids=["alice", "numbers"])
def test_deep_document_compiles_without_overfull_lines(tmp_path, compact, at):
    source = to_latex(derive(DEEP), document=True, at=at, compact=compact)
    compile_pdf(tmp_path, source, "deep")


def test_displays_stay_on_one_page_unless_longer_than_a_page():
    article = to_latex(derive(), document=True, compact=False)
    assert r"\allowdisplaybreaks" not in article  # every display of the article's network fits a page
    deep = to_latex(derive(DEEP), document=True)
    broken = re.findall(r"\{\\allowdisplaybreaks\n\\begin\{align\*\}\n(.*?)\\end\{align\*\}\n\}", deep, re.S)
    assert broken and all(part.count("\\\\\n") > 20 for part in broken)  # only long ones, in a group
    assert "\\allowdisplaybreaks\n" not in deep.split(r"\begin{document}")[0]


def test_long_lines_break_and_notes_follow_their_row():
    deep = to_latex(derive(DEEP), document=True)
    forward = deep[deep.index(r"\subsection{The forward pass}"):deep.index(r"\subsection{The factors}")]
    assert "\\\\\n  &= " in forward  # h4 = tanh(...) = tanh(numbers) goes on, on the next line
    assert "&&" not in deep  # a note in a column of its own would start after the widest row
    assert r"\qquad \text{(the output }o_1\text{)}" in deep


def test_document_contents():
    source = to_latex(derive(), document=True)
    assert source.startswith(PREAMBLE)
    assert r"\title{The chain rule, step by step: 2-2-1 network, sigmoid activations, MSE loss}" in source
    assert source.count(r"\section{The partial") == 0  # compact: each factor once
    assert source.count(r"\frac{\partial L}{\partial w_") == 6 * 3 + 1  # chain, worked, full precision; one written out
    full = to_latex(derive(), document=True, compact=False)
    assert full.count(r"\section{The partial") == 9
    assert r"\section{Worked example: Alice}" in source  # Alice by default
    assert source.rstrip().endswith(r"\end{document}")
    packages = set(re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", source))
    assert packages <= BASE_PACKAGES
    assert source.isascii()  # pdflatex without inputenc tricks


@pytest.mark.parametrize("network", [Network((3, 2, 2), ("relu", "identity")), Network((2, 3, 1), "softplus")])
def test_documents_for_other_networks_are_ascii_and_balanced(network):
    source = to_latex(derive(network), document=True)
    assert source.isascii()
    assert source.count(r"\begin{align*}") == source.count(r"\end{align*}")
    assert source.count("{") == source.count("}")
