"""The computation graph as a figure in the LaTeX document: every node and weight drawn, no package needed."""

import re

import pytest
from test_document import compile_pdf

from derivations import Network, derive
from derivations.printing import to_latex
from derivations.printing.document import PREAMBLE
from derivations.printing.figure import MAX_LABELS, latex_figure
from derivations.printing.notation import latex_name


@pytest.mark.parametrize("network", [Network(), Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"), Network((3, 2, 2))],
                         ids=lambda n: n.describe())
def test_every_node_and_weight_is_drawn(network):
    d = derive(network)
    figure = latex_figure(d)
    g = d.graph
    circles = figure.count(r"\circle{")
    assert circles == len(g.inputs) + len(g.neurons)
    assert figure.count(r"\framebox(") == 1  # L
    edges = sum(len(n.weights) for n in g.neurons) + len(g.outputs)
    assert figure.count(r"\qbezier") == edges
    for w in g.weights:
        assert f"${latex_name(w.name)}$" in figure
    for n in g.neurons:
        assert f"${latex_name(n.name)}$" in figure


def test_the_edges_join_the_nodes_they_connect():
    # each edge starts on the rim of its source circle and ends on the rim of its target (radius 9pt)
    d = derive()
    figure = latex_figure(d)
    centres = {m[2]: (float(m[0]), float(m[1])) for m in re.findall(
        r"\\put\(([-\d.]+),([-\d.]+)\)\{\\makebox\(0,0\)\{\\small \$([^$]+)\$\}\}", figure)}
    ends = [tuple(map(float, m)) for m in re.findall(r"\\qbezier\(([-\d.]+),([-\d.]+)\)\([^)]*\)\(([-\d.]+),([-\d.]+)\)", figure)]
    x1, x2, h1, o1 = centres["x_1"], centres["x_2"], centres["h_1"], centres["o_1"]
    def near(point, centre):
        return abs(((point[0] - centre[0]) ** 2 + (point[1] - centre[1]) ** 2) ** 0.5 - 9) < 0.2
    assert any(near(e[:2], x1) and near(e[2:], h1) for e in ends)   # w1
    assert any(near(e[:2], x2) and near(e[2:], h1) for e in ends)   # w2
    assert any(near(e[:2], h1) and near(e[2:], o1) for e in ends)   # w5


def test_big_networks_leave_the_weights_unlabelled():
    d = derive(Network((4, 8, 8, 1)))
    assert len(d.graph.weights) > MAX_LABELS
    assert r"\scriptsize $w_1$" not in latex_figure(d) and latex_figure(d).count(r"\qbezier") == 4 * 8 + 8 * 8 + 8 + 1


def test_the_document_carries_the_figure_and_still_compiles(tmp_path):
    source = to_latex(derive(), document=True)
    assert latex_figure(derive()) in source and source.startswith(PREAMBLE)
    log = compile_pdf(tmp_path, source, "figure")
    assert "Float too large" not in log and "Overfull \\hbox" not in log.split("Section")[0]
    big = to_latex(derive(Network((2, 6, 6, 1), "tanh", "sigmoid", "bce")), document=True, params=["w1"])
    compile_pdf(tmp_path, big, "big")
