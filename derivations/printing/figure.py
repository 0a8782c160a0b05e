"""The computation graph as a LaTeX figure, drawn with the kernel's own ``picture`` environment.

No package is needed (not TikZ, not even pict2e): neurons are ``\\circle``,
the loss a ``\\framebox``, and the edges ``\\qbezier`` curves drawn straight,
which the LaTeX kernel draws at any slope.  So the document still compiles
with texlive-latex-base alone.  Each edge carries its weight, so ∂L/∂w1 can
be read off as the product of the local derivatives along the path from w1
to L.

>>> from derivations import derive
>>> figure = latex_figure(derive())
>>> figure.splitlines()[0], "\\\\begin{picture}" in figure, "$w_1$" in figure
('\\\\begin{figure}[ht]', True, True)
"""

from derivations.printing.notation import latex_name

#: the picture's size (pt): the text width of an A4 page with 2 cm margins leaves room for this
WIDTH = 400
TALL = 230
RADIUS = 9
#: weights are written on the edges only up to this many (else they would overlap)
MAX_LABELS = 30


def latex_figure(derivation):
    """A ``figure`` environment with the network drawn: inputs, neurons, L, weights on the edges."""
    g = derivation.graph
    columns = [[(s.name, s.name) for s in g.inputs]]
    columns += [[(n.name, n.name) for n in layer] for layer in g.layers]
    columns.append([("L", "L")])
    tallest = max(len(c) for c in columns)
    step_x = WIDTH / (len(columns) - 1)
    step_y = min(45.0, TALL / max(tallest - 1, 1))
    height = step_y * (tallest - 1) + 4 * RADIUS
    where = {}
    for i, column in enumerate(columns):
        top = height - 2 * RADIUS - (step_y * (tallest - 1) - step_y * (len(column) - 1)) / 2
        for j, (node, _) in enumerate(column):
            where[node] = (i * step_x, top - j * step_y)
    node_of = {s: s.name for s in g.inputs} | {n.out: n.name for n in g.neurons}
    labelled = len(g.weights) <= MAX_LABELS
    lines = []
    for n in g.neurons:
        for source, w in zip(n.inputs, n.weights):
            (x1, y1), (x2, y2) = where[node_of[source]], where[n.name]
            lines.append(_line(x1, y1, x2, y2))
            if labelled:
                lx, ly = x1 + (x2 - x1) * 0.3, y1 + (y2 - y1) * 0.3 + 3
                lines.append(rf"\put({lx:.1f},{ly:.1f}){{\makebox(0,0)[b]{{\scriptsize ${latex_name(w.name)}$}}}}")
    for n in g.outputs:
        (x1, y1), (x2, y2) = where[n.name], where["L"]
        lines.append(_line(x1, y1, x2, y2))
    for name, (x, y) in where.items():
        label = f"${_node_name(name)}$"
        if name == "L":
            lines.append(rf"\put({x - RADIUS:.1f},{y - RADIUS:.1f}){{\framebox({2 * RADIUS},{2 * RADIUS}){{{label}}}}}")
        else:
            lines.append(rf"\put({x:.1f},{y:.1f}){{\circle{{{2 * RADIUS}}}}}")
            lines.append(rf"\put({x:.1f},{y:.1f}){{\makebox(0,0){{\small {label}}}}}")
    body = "\n".join(lines)
    first = derivation.params[0].name
    return (
        "\\begin{figure}[ht]\n\\centering\n\\setlength{\\unitlength}{1pt}\n"
        f"\\begin{{picture}}({WIDTH + 2 * RADIUS:.0f},{height:.0f})(-{RADIUS},0)\n{body}\n\\end{{picture}}\n"
        f"\\caption{{The computation graph: ${_partial(first)}$ is the product of the local derivatives along "
        f"the path from ${latex_name(first)}$ to $L$.}}\n\\end{{figure}}\n"
    )


def _line(x1, y1, x2, y2):
    """A straight edge between two circles' rims: a quadratic Bezier with its control point midway."""
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    dx, dy = (x2 - x1) / length * RADIUS, (y2 - y1) / length * RADIUS
    ax, ay, bx, by = x1 + dx, y1 + dy, x2 - dx, y2 - dy
    return rf"\qbezier({ax:.1f},{ay:.1f})({(ax + bx) / 2:.1f},{(ay + by) / 2:.1f})({bx:.1f},{by:.1f})"


def _node_name(name):
    return latex_name(name) if name != "L" else "L"


def _partial(param):
    return rf"\partial L/\partial {latex_name(param)}"
