"""The MathML printer and renderer: well-formed, our golden notation, and the same maths as the text printer."""

import re
from xml.dom.minidom import parseString

import pytest
from sympy import Derivative, Rational, exp

from derivations import Network, derive
from derivations.graph import real
from derivations.printing import to_html, to_text
from derivations.printing.forms import Forms
from derivations.printing.mathml import mathml, mathml_name
from derivations.printing.notation import Notation
from derivations.printing.printers import text

NETWORKS = [
    Network(),
    Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
    Network((3, 2, 2), "relu", "identity"),
    Network((2, 2, 1), "softplus"),
]

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉²³", "012345678923")


def tokens(markup):
    """The characters a reader sees in MathML, in order (invisible operators dropped)."""
    document = parseString(markup)
    out = []

    def walk(node):
        if node.nodeType == node.TEXT_NODE:
            out.append(node.data)
        for child in node.childNodes:
            walk(child)

    walk(document.documentElement)
    # (y_true1 is y with subscript "true,1", as LaTeX's y_{true,1}: the comma is ours alone)
    return "".join(out).replace("\u2061", "").replace("\u2062", "").replace("\xa0", "").replace(",", "")


def seen_in_text(printed):
    """The same, from the text printer's output: no spaces, no ASCII fraction slashes, digits unsubscripted."""
    return (printed.translate(_SUBSCRIPTS).replace(" ", "").replace("/", "").replace("'", "′")
            .replace("-", "−").replace("_", ""))


def test_names_follow_the_article():
    assert mathml_name("w1") == "<msub><mi>w</mi><mn>1</mn></msub>"
    assert mathml_name("w16") == "<msub><mi>w</mi><mn>16</mn></msub>"
    assert mathml_name("y_true2") == "<msub><mi>y</mi><mrow><mi>true</mi><mo>,</mo><mn>2</mn></mrow></msub>"
    assert mathml_name("L") == "<mi>L</mi>"


def test_the_articles_chain_is_golden():
    # our own output: ∂L/∂w1 = ∂L/∂y_pred · ∂y_pred/∂h1 · ∂h1/∂w1, each ratio a fraction of ∂ terms
    d = derive()
    printed = mathml(Forms(d).chain(d.partials["w1"]), notation=Notation(d.network))
    partial = '<mo form="prefix" rspace="0">∂</mo>'
    assert printed == (
        f"<math><mfrac><mrow>{partial}<mi>L</mi></mrow><mrow>{partial}<msub><mi>y</mi><mi>pred</mi></msub></mrow>"
        f"</mfrac><mo>·</mo><mfrac><mrow>{partial}<msub><mi>y</mi><mi>pred</mi></msub></mrow><mrow>{partial}"
        f"<msub><mi>h</mi><mn>1</mn></msub></mrow></mfrac><mo>·</mo><mfrac><mrow>{partial}<msub><mi>h</mi>"
        f"<mn>1</mn></msub></mrow><mrow>{partial}<msub><mi>w</mi><mn>1</mn></msub></mrow></mfrac></math>"
    )


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_every_factor_and_chain_reads_as_the_text_printer_writes_it(network):
    d = derive(network)
    forms, notation = Forms(d), Notation(network)
    expressions = [forms.right_side(f) for f in d.factors.values()]
    expressions += [forms.chain(p) for p in d.partials.values()]
    expressions += [forms.definition(n) for n in d.graph.neurons]
    expressions.append(d.graph.definitions[d.graph.loss])
    for expr in expressions:
        printed = mathml(expr, notation=notation)
        assert tokens(printed) == seen_in_text(text(expr, notation=notation)), expr


def test_the_article_sigmoid_is_f_and_other_networks_name_it_sigma():
    sigmoid = derive().factors["d_h1_d_w1"]
    assert "<msup><mi>f</mi><mo>′</mo></msup>" in mathml(Forms(sigmoid.derivation).right_side(sigmoid),
                                                         notation=Notation(sigmoid.derivation.network))
    d = derive(Network((2, 3, 1), "tanh", "sigmoid"))
    factor = next(f for f in d.factors.values() if f.name == "d_ypred_d_h1")
    assert "<mi>σ</mi>" in mathml(Forms(d).right_side(factor), notation=Notation(d.network))


def test_numbers_substitute_rounded_and_signed():
    h1, w5 = real("h1"), real("w5")
    printed = mathml(w5 * h1, values={w5: -0.95261, h1: 1.349e-5})
    assert tokens(printed) == "1.35·10−5·−0.953"  # as the article writes -0.952 · 0.249 · -0.0904


def test_sympys_own_nodes_keep_our_names_inside():
    printed = mathml(Rational(1, 2) * exp(real("sum_h1")))
    parseString(printed)  # well-formed
    assert "<msub><mi>sum</mi><msub><mi>h</mi><mn>1</mn></msub></msub>" in printed
    assert "<mfrac>" in printed


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_the_html_derivation_is_the_same_document_as_the_text_one(network):
    d = derive(network)
    html = to_html(d, at=(1.0,) * (len(d.inputs) + len(d.targets)))
    for math in re.findall(r"<math.*?</math>", html, flags=re.DOTALL):
        parseString(math)
    headings = re.findall(r"<h[2-5]>(.*?)</h[2-5]>", html)
    plain = to_text(d, at=(1.0,) * (len(d.inputs) + len(d.targets)))
    # the same blocks: as many headings and displayed equations as the text has
    lines = plain.splitlines()
    underlined = [line for line, under in zip(lines, lines[1:]) if under and set(under) <= {"=", "-"}]
    assert len(headings) >= len(underlined) > 0
    assert html.count('<mtr>') == sum(1 for line in lines if re.match(r"^  \S.* = ", line))


def test_an_alice_page_derivation_carries_the_articles_numbers():
    html = to_html(derive(), params=["w1"], at="alice")
    assert "<mn>0.0214</mn>" in html and "<mn>0.0474</mn>" in html
    assert "<mo>−</mo><mn>0.952</mn>" in html
    assert "0.02146953526581111" in html  # the exact value beside the article's


@pytest.mark.parametrize("rows, columns", [(1, 1), (2, 2), (8, 8), (9, 3), (3, 64), (64, 64)])
def test_matrices_are_well_formed_and_cut_past_the_limit(rows, columns):
    from derivations.printing.mathml import MATRIX_LIMIT, matrix

    asked = []

    def cell(i, j):
        asked.append((i, j))
        return f"<mn>{i * columns + j}</mn>"

    table = parseString(f"<math>{matrix(rows, columns, cell)}</math>").getElementsByTagName("mtable")[0]
    shown = [[td.firstChild.firstChild.data for td in tr.getElementsByTagName("mtd")]
             for tr in table.getElementsByTagName("mtr")]
    assert len(shown) == min(rows, MATRIX_LIMIT) and {len(r) for r in shown} == {min(columns, MATRIX_LIMIT)}
    # the corners are the matrix's own: the first entry and the last, whatever was cut
    assert shown[0][0] == "0" and shown[-1][-1] == str(rows * columns - 1)
    assert ("⋮" in sum(shown, [])) == (rows > MATRIX_LIMIT) and ("⋯" in shown[0]) == (columns > MATRIX_LIMIT)
    # only the shown entries are printed: a 64×64 matrix asks for 7×7 numbers, not 4096
    kept = [n if n <= MATRIX_LIMIT else MATRIX_LIMIT - 1 for n in (rows, columns)]
    assert len(asked) == kept[0] * kept[1]


@pytest.mark.parametrize("network", NETWORKS + [Network((2, 8, 8, 1))], ids=lambda n: n.describe())
def test_the_html_layer_view_is_mathml_that_reads_as_the_text(network):
    d = derive(network)
    at = (1.0,) * (len(d.inputs) + len(d.targets))
    html = to_html(d, view="layers", at=at)
    maths = re.findall(r"<math.*?</math>", html, flags=re.DOTALL)
    for math in maths:
        parseString(math)
    # every hand-spelled formula is typeset: only prose is left as text (the notes beside an equation)
    texts = re.findall(r"<mtext>([^<]*)</mtext>", html)
    assert not [t for t in texts if re.search(r"[¹²³ᵀ⊙δ∂×]|^[A-Za-z][⁰¹²³⁴-⁹]", t)], texts
    assert "<mi>δ</mi><mn>1</mn></msup>" in html and '<mi mathvariant="normal">T</mi>' in html
    # and every displayed equation reads as the text printer's, line by line (brackets and spacing aside)
    rows = []
    for math in re.findall(r"<math.*?</math>", html[html.index("The layer view"):], flags=re.DOTALL):
        table = parseString(math).documentElement.firstChild
        if 'display="block"' in math and table.tagName == "mtable":
            for tr in (n for n in table.childNodes if n.nodeName == "mtr"):
                cells = [n for n in tr.childNodes if n.nodeName == "mtd"][:2]
                rows.append(_bare("".join(tokens(cell.toxml()) for cell in cells)))
    plain = to_text(d, view="layers", at=at)
    start = plain.index("The layer view")
    # "  δ²     = ...   (BP1)": the padding that aligns the = signs and the note taken off
    lines = [re.split(r" {3}(?=\()", re.sub(r" +=", " =", line.strip()))[0]
             for line in plain[start:].splitlines() if line.startswith("  ")]
    texts = [_bare(seen_in_text(re.sub(r"(\d)e([+-]?)0*(\d+)", r"\1·10\2\3", line))) for line in lines]
    assert len(rows) == len(texts) > 10
    assert rows == texts


def _bare(tokens_seen):
    """Tokens without brackets, transposes and spacing, superscripts as digits: what both printers share."""
    return re.sub(r"[()\[\]ᵀT,\s]", "", tokens_seen.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
