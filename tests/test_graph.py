"""``nnderive graph`` and ``derivations.dot``: the computation graph, drawn by the real Graphviz.

Every picture is rendered by ``dot -Tsvg`` and read back from the SVG, so
the tests see what a user sees (and DOT that Graphviz misreads fails).  The
expected labels are built here from the naming rules and the article's
formulas (docs/article.md), not from the code under test.
"""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from derivations import Network, derive
from derivations.chain import Derivation
from derivations.cli import main
from derivations.dot import GraphvizError, label_lines, quote, render, to_dot
from conftest import require_tool

SVG = "{http://www.w3.org/2000/svg}"
RED = "#d62728"


def svg_of(source):
    require_tool("dot")
    return render(source, "svg")


def text_lines(texts):
    """The lines of SVG text pieces: pieces at one height are one line; a subscript is read back as
    the name it spells (w + 1 -> w1, sum + h1 -> sum_h1, y + pred -> y_pred)."""
    lines = {}
    for t in texts:
        piece = t.text or ""
        if t.get("baseline-shift") == "sub" and not piece.isdigit():
            piece = "_" + piece
        lines.setdefault(t.get("y"), []).append(piece)
    return ["".join(pieces) for pieces in lines.values()]


def read_svg(svg):
    """``(nodes, edges, caption)``: {name: [text lines]}, {(tail, head): ([lines], stroke)}, [lines]."""
    root = ET.fromstring(svg)
    graph = root.find(f"{SVG}g")
    nodes, edges = {}, {}
    for g in graph.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title").text
        lines = text_lines(g.findall(f"{SVG}text"))
        if g.get("class") == "node":
            nodes[title] = lines
        elif g.get("class") == "edge":
            tail, head = title.split("->")
            edges[tail, head] = (lines, g.find(f"{SVG}path").get("stroke"))
    caption = [t.text for t in graph.findall(f"{SVG}text")]
    return nodes, edges, caption


def picture(network, **options):
    return read_svg(svg_of(to_dot(derive(network), **options)))


# --- what the graph should show, from the naming rules ---------------------------------------------


def expected_graph(network):
    """Node names and ``{(tail, head): [label lines]}`` of every weighted edge, by the naming rules.

    Weights are numbered layer by layer, neuron by neuron, input by input;
    ∂<of>/∂w = input·f'(sum) and ∂<of>/∂input = w·f'(sum), where <of> is the
    neuron's output, or its sum when the loss's chain starts there (bce).
    """
    sizes, acts = network.layers, network.activations
    uniform = len(set(acts)) == 1
    previous = [f"x{i + 1}" for i in range(sizes[0])]
    nodes, edges = list(previous), {}
    w = hidden = 0
    for depth, (size, act) in enumerate(zip(sizes[1:], acts), start=1):
        output = depth == len(sizes) - 1
        layer = []
        for j in range(size):
            if output:
                name = f"o{j + 1}"
            else:
                hidden += 1
                name = f"h{hidden}"
            quantity = "y_pred" if output and size == 1 else name
            if output and network.loss == "bce":
                of, fprime = f"sum_{name}", None
            else:
                of = quantity
                fprime = None if act == "identity" else f"{'f' if uniform else act}'(sum_{name})"

            def times(a):
                return a if fprime is None else f"{a}·{fprime}"

            for source in previous:
                w += 1
                lines = [f"w{w}", f"∂{of}/∂w{w} = {times(source)}"]
                if not source.startswith("x"):
                    lines.append(f"∂{of}/∂{source} = {times(f'w{w}')}")
                edges[source, name] = lines  # a hidden neuron's node is named as its output
            layer.append(quantity)
            nodes.append(name)
        previous = layer
    targets = ["y_true"] if sizes[-1] == 1 else [f"y_true{k + 1}" for k in range(sizes[-1])]
    return nodes + targets + ["L"], edges


# --- the article's network -------------------------------------------------------------------------


def test_the_articles_graph_shows_the_articles_formulas():
    nodes, edges, caption = picture(Network((2, 2, 1)))
    assert set(nodes) == {"x1", "x2", "h1", "h2", "o1", "y_true", "L"}
    assert set(edges) == {("x1", "h1"), ("x2", "h1"), ("x1", "h2"), ("x2", "h2"),
                          ("h1", "o1"), ("h2", "o1"), ("o1", "L"), ("y_true", "L")}
    # docs/article.md: dh1/dw1 = x1 f'(w1 x1 + w2 x2 + b1), dy_pred/dh1 = w5 f'(...), dL/dy_pred = -2(y_true - y_pred)
    assert edges["x1", "h1"][0] == ["w1", "∂h1/∂w1 = x1·f'(sum_h1)"]
    assert edges["h1", "o1"][0] == ["w5", "∂y_pred/∂w5 = h1·f'(sum_o1)", "∂y_pred/∂h1 = w5·f'(sum_o1)"]
    assert edges["h2", "o1"][0] == ["w6", "∂y_pred/∂w6 = h2·f'(sum_o1)", "∂y_pred/∂h2 = w6·f'(sum_o1)"]
    assert edges["o1", "L"][0] == ["∂L/∂y_pred = -2·(y_true - y_pred)"]
    assert edges["y_true", "L"][0] == []
    # h1 = f(w1 x1 + w2 x2 + b1), and the bias's factor ∂h1/∂b1 = f'(sum_h1)
    assert nodes["h1"] == ["h1 = f(sum_h1)", "sum_h1 = w1·x1 + w2·x2 + b1", "∂h1/∂b1 = f'(sum_h1)"]
    assert nodes["o1"] == ["y_pred = f(sum_o1)", "sum_o1 = w5·h1 + w6·h2 + b3", "∂y_pred/∂b3 = f'(sum_o1)"]
    assert nodes["L"] == ["L = (y_true - y_pred)²"]
    assert caption[:2] == ["2-2-1 network, sigmoid activations, mse loss", "f is the sigmoid, f' its derivative"]


def test_highlight_draws_the_articles_chain_for_w1():
    nodes, edges, caption = picture(Network((2, 2, 1)), highlight="w1")
    red = {e for e, (_, stroke) in edges.items() if stroke == RED}
    assert red == {("x1", "h1"), ("h1", "o1"), ("o1", "L")}
    assert "highlighted: ∂L/∂w1 = ∂L/∂y_pred · ∂y_pred/∂h1 · ∂h1/∂w1" in caption


def reachable(edges, start):
    """Every edge on a route from node ``start`` to L."""
    found, todo = set(), [start]
    while todo:
        node = todo.pop()
        for tail, head in edges:
            if tail == node and (tail, head) not in found and not tail.startswith("y_true"):
                found.add((tail, head))
                todo.append(head)
    return found


DEEP = Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce")
WIDE = Network((2, 2, 2))


@pytest.mark.parametrize("network, param, neuron", [
    (DEEP, "w1", "h1"), (DEEP, "w8", "h4"), (DEEP, "w16", "o1"), (DEEP, "b2", "h2"), (DEEP, "b7", "o1"),
    (WIDE, "w5", "o1"), (WIDE, "b3", "o1"), (WIDE, "b4", "o2"), (WIDE, "w2", "h1"),
], ids=str)
def test_highlight_marks_every_route_from_the_parameter_to_the_loss(network, param, neuron):
    nodes, edges, caption = picture(network, highlight=param)
    names, weighted = expected_graph(network)
    # the routes are followed on the graph the naming rules give, not on the one drawn
    every_edge = set(weighted) | {(o, "L") for o in names if o.startswith("o")}
    if param.startswith("w"):
        own = next(e for e, lines in weighted.items() if lines[0] == param)
        assert own[1] == neuron
        expected = {own} | reachable(every_edge, neuron)
    else:
        expected = reachable(every_edge, neuron)
    assert {e for e, (_, stroke) in edges.items() if stroke == RED} == expected
    assert any(line.startswith(f"highlighted: ∂L/∂{param} = ") for line in caption)


# --- any network -----------------------------------------------------------------------------------

NETWORKS = [
    Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce"),
    Network((3, 2, 2), activation=("relu", "identity")),
    Network((1, 4, 2, 1), activation="softplus"),
    Network((2, 1)),
]


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_any_network_is_drawn_with_its_weights_and_local_derivatives(network):
    nodes, edges, _ = picture(network)
    names, weighted = expected_graph(network)
    assert sorted(nodes) == sorted(names)
    outputs = [n for n in names if n.startswith("o")]
    targets = [n for n in names if n.startswith("y_true")]
    assert set(edges) == set(weighted) | {(o, "L") for o in outputs} | {(y, "L") for y in targets}
    for edge, lines in weighted.items():
        assert edges[edge][0] == lines, edge


@pytest.mark.parametrize("network, lines", [
    (Network((2, 2, 1)), {"o1": ["∂L/∂y_pred = -2·(y_true - y_pred)"]}),
    (Network((2, 2, 1), loss="bce"), {"o1": ["∂L/∂sum_o1 = y_pred - y_true"]}),
    (Network((2, 2, 2)), {"o1": ["∂L/∂o1 = -2·(y_true1 - o1)"], "o2": ["∂L/∂o2 = -2·(y_true2 - o2)"]}),
], ids=["mse", "bce", "two outputs"])
def test_the_loss_edges_carry_the_loss_factor(network, lines):
    nodes, edges, caption = picture(network)
    for output, expected in lines.items():
        assert edges[output, "L"][0] == expected
    if network.loss == "bce":
        assert "with bce on a sigmoid output the chain starts at ∂L/∂sum_o1 (f' cancels)" in caption
        assert nodes["L"] == ["L = -y_true·log(y_pred) - (1 - y_true)·log(1 - y_pred)"]
    if network.n_outputs == 2:
        assert nodes["L"] == ["L = (y_true1 - o1)² + (y_true2 - o2)²"]
        assert nodes["o2"][0] == "o2 = f(sum_o2)"


def test_a_neuron_feeding_several_shows_its_upstream_sum():
    nodes, _, _ = picture(Network((2, 3, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce"))
    assert nodes["h1"][:3] == ["h1 = tanh(sum_h1)", "sum_h1 = w1·x1 + w2·x2 + b1", "∂h1/∂b1 = tanh'(sum_h1)"]
    assert nodes["h1"][3] == "∂L/∂h1 = ∂L/∂h4·∂h4/∂h1 + ∂L/∂h5·∂h5/∂h1 + ∂L/∂h6·∂h6/∂h1"
    # h4 feeds only the output: its chain needs no sum
    assert nodes["h4"] == ["h4 = tanh(sum_h4)", "sum_h4 = w7·h1 + w8·h2 + w9·h3 + b4", "∂h4/∂b4 = tanh'(sum_h4)"]
    assert nodes["o1"][-1] == "∂sum_o1/∂b7 = 1"


def test_label_levels():
    network = Network((2, 2, 1))
    nodes, edges, _ = picture(network, labels="weights")
    assert edges["x1", "h1"][0] == ["w1"] and edges["o1", "L"][0] == []
    assert nodes["h1"] == ["h1 = f(sum_h1)", "sum_h1 = w1·x1 + w2·x2 + b1"]
    nodes, edges, _ = picture(network, labels="none")
    assert all(lines == [] for lines, _ in edges.values())
    assert nodes["h1"] == ["h1"] and nodes["o1"] == ["y_pred"] and nodes["L"] == ["L"]


def test_a_big_network_is_drawn_with_shortened_sums():
    network = Network((2, 16, 16, 1))
    source = to_dot(derive(network))
    assert source.count(" -> ") == network.n_weights + 2
    h17 = next(line for line in source.splitlines() if line.strip().startswith('"h17" ['))
    assert label_lines(h17)[:2] == ["h17 = f(sum_h17)", "sum_h17 = w33·h1 + w34·h2 + … + w48·h16 + b17"]


def test_the_output_is_deterministic():
    network = Network((2, 3, 3, 1), activation=("tanh", "relu", "sigmoid"), loss="bce")
    first = to_dot(Derivation(network), highlight="w5")
    assert to_dot(Derivation(network), highlight="w5") == first == to_dot(derive(network), highlight="w5")


@pytest.mark.parametrize(
    "text", ['say "hi"', "a \\ b", "\\N and \\G", "two\nlines", "<b>&amp;</b>", "R&D &#916;", "tab\there"]
)
def test_quote_survives_graphviz(text):
    svg = svg_of(f"digraph {{ n [label={quote(text)}]; }}")
    nodes, _, _ = read_svg(svg)
    assert nodes["n"] == text.split("\n")


def test_render_reports_dot_failures_and_a_missing_dot(monkeypatch):
    require_tool("dot")
    with pytest.raises(GraphvizError, match="dot failed"):
        render("digraph {", "svg")
    monkeypatch.setattr("derivations.dot.shutil.which", lambda name: None)
    with pytest.raises(GraphvizError, match="not installed"):
        render("digraph {}", "svg")


def test_bad_options_of_the_api():
    with pytest.raises(ValueError, match="labels must be one of factors, weights, none"):
        to_dot(derive(), labels="all")
    with pytest.raises(ValueError, match="cannot highlight 'w7'"):
        to_dot(derive(), highlight="w7")


# --- the command -----------------------------------------------------------------------------------


def test_the_command_prints_the_api_output(capsys):
    assert main(["graph"]) == 0
    assert capsys.readouterr().out == to_dot(derive())
    assert main(["graph", "--net", "2-3-1", "--activation", "tanh", "--labels", "weights", "--highlight", "b4"]) == 0
    assert capsys.readouterr().out == to_dot(derive(Network((2, 3, 1), "tanh")), labels="weights", highlight="b4")


def test_the_command_writes_files_safely(tmp_path, capsys):
    target = tmp_path / "graph.dot"
    assert main(["graph", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == to_dot(derive())
    target.write_text("mine")
    assert main(["graph", "-o", str(target)]) == 2
    assert capsys.readouterr().err == f"nnderive: error: {target} exists; use --force to overwrite it\n"
    assert target.read_text() == "mine"
    assert main(["graph", "--format", "svg", "-o", str(target)]) == 2  # refused before running dot
    assert target.read_text() == "mine"
    assert main(["graph", "-o", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == to_dot(derive())


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_the_command_renders_with_dot(fmt, magic, tmp_path):
    require_tool("dot")
    target = tmp_path / f"graph.{fmt}"
    assert main(["graph", "--net", "2-3-1", "--format", fmt, "-o", str(target)]) == 0
    assert target.read_bytes().startswith(magic)
    if fmt == "svg":
        nodes, _, _ = read_svg(target.read_bytes())
        assert set(nodes) == {"x1", "x2", "h1", "h2", "h3", "o1", "y_true", "L"}


def test_the_command_without_dot_says_so_in_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("derivations.dot.shutil.which", lambda name: None)
    assert main(["graph", "--format", "svg", "-o", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'dot' is not installed" in err and "--format dot" in err
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args, message", [
    (["--highlight", "w7"],
     "--highlight: no parameter 'w7' in the 2-2-1 network (its parameters are w1..w6 and b1..b3)"),
    (["--labels", "all"], "argument --labels: invalid choice: 'all'"),
    (["--format", "gif"], "argument --format: invalid choice: 'gif'"),
])
def test_the_command_refuses_bad_options_in_one_line(args, message, capsys):
    assert main(["graph", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err


def test_nnderive_graph_piped_into_dot():
    dot = require_tool("dot")
    source = subprocess.run([sys.executable, "-m", "derivations", "graph", "--net", "2-3-3-1", "--activation", "tanh",
                             "--output-activation", "sigmoid", "--loss", "bce"],
                            capture_output=True, check=True, timeout=120).stdout
    svg = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, check=True, timeout=120).stdout
    nodes, edges, _ = read_svg(svg)
    assert len(nodes) == 2 + 3 + 3 + 1 + 2 and len(edges) == 6 + 9 + 3 + 2


def positions(svg):
    """Each node's centre (x, y) in the SVG, by name (y grows downwards)."""
    found = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "node":
            shape = g.find(f"{SVG}polygon") if g.find(f"{SVG}polygon") is not None else g.find(f"{SVG}path")
            if shape is None:
                shape = g.find(f"{SVG}ellipse")
                found[g.find(f"{SVG}title").text] = (float(shape.get("cx")), float(shape.get("cy")))
                continue
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points") or shape.get("d"))]
            xs, ys = numbers[0::2], numbers[1::2]
            found[g.find(f"{SVG}title").text] = (sum(xs) / len(xs), sum(ys) / len(ys))
    return found


@pytest.mark.parametrize("network", [Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"), Network((2, 4, 1)),
                                     Network((2, 2, 1)), Network((3, 5, 2)), Network((4, 3, 3, 3, 1))],
                         ids=["2-3-3-1", "2-4-1", "2-2-1", "3-5-2", "4-3-3-3-1"])
def test_neurons_are_drawn_in_order_top_to_bottom(network):
    svg = svg_of(to_dot(derive(network)))
    at = positions(svg)
    sizes = network.layers[1:-1]
    first = 1
    for size in sizes:
        ys = [at[f"h{i}"][1] for i in range(first, first + size)]
        assert ys == sorted(ys), ys  # h4 above h5 above h6
        first += size
    xs = [at[f"x{i + 1}"][1] for i in range(network.layers[0])]
    assert xs == sorted(xs), xs


def test_edge_labels_sit_on_white_and_names_have_subscripts():
    svg = svg_of(to_dot(derive()))
    root = ET.fromstring(svg)
    edge = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "edge" and "x1" in g.find(f"{SVG}title").text)
    # the label's white box is drawn after the edges it may cross: they pass beneath it
    assert any(p.get("fill") == "white" for p in edge.findall(f"{SVG}polygon"))
    subscripts = [t.text for t in edge.findall(f"{SVG}text") if t.get("baseline-shift") == "sub"]
    assert subscripts[:2] == ["1", "1"]  # w₁, then ∂h₁
