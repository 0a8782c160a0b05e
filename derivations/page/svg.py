"""The network as inline SVG: inputs, neurons, weights on the edges, the loss; ready to light up a path.

Every drawn thing carries the names the page's script works with:
``data-param`` (the parameter a click selects: a weight's edge, a neuron's
bias), ``data-node`` (x1, h1, o1, L), ``data-edge`` (the weight's name, or
``loss-o1`` for an output's edge into L) and ``data-q`` (where a live value
is written: w1, h1, y_pred, L).  Which edges and nodes light up for each
parameter is :func:`reach`.

>>> from derivations import derive
>>> svg = network_svg(derive())
>>> svg.startswith("<svg") and 'data-edge="w1"' in svg and 'data-node="L"' in svg
True
>>> sorted(reach(derive())["w1"]["edges"])
['loss-o1', 'w1', 'w5']
"""

from html import escape

#: drawing sizes (SVG user units)
COLUMN = 190
ROW = 110
RADIUS = 24
MARGIN = 60
#: weights are written on the edges only when there are at most this many (else they would overlap)
MAX_EDGE_LABELS = 40


def positions(graph):
    """``{node name: (x, y)}`` for the inputs, every neuron and L, column by column."""
    columns = [[s.name for s in graph.inputs]] + [[n.name for n in layer] for layer in graph.layers] + [["L"]]
    tallest = max(len(c) for c in columns)
    row = ROW if tallest <= 8 else max(28, ROW * 8 // tallest)
    height = (tallest - 1) * row
    where = {}
    for i, names in enumerate(columns):
        top = MARGIN + (height - (len(names) - 1) * row) / 2
        for j, name in enumerate(names):
            where[name] = (MARGIN + 20 + i * COLUMN, top + j * row)
    return where, row


def reach(derivation):
    """For each parameter: the edges and nodes on its paths to the loss (what selecting it lights up)."""
    g = derivation.graph
    consumers = {n: [m for m, _ in g.consumers(n)] for n in g.neurons}
    downstream = {}
    for n in reversed(g.neurons):  # outputs first: each neuron's reach is built from its consumers'
        edges, nodes = set(), {n.name}
        if n in g.outputs:
            edges.add(f"loss-{n.name}")
            nodes.add("L")
        for m in consumers[n]:
            edges.add(m.weights[m.inputs.index(n.out)].name)
            edges |= downstream[m]["edges"]
            nodes |= downstream[m]["nodes"]
        downstream[n] = {"edges": edges, "nodes": nodes}
    out = {}
    for n in g.neurons:
        for i, w in enumerate(n.weights):
            source = n.inputs[i]
            source_node = g.neuron_of(source).name if source not in g.inputs else source.name
            out[w.name] = {"edges": downstream[n]["edges"] | {w.name},
                           "nodes": downstream[n]["nodes"] | {source_node}}
        out[n.bias.name] = {"edges": set(downstream[n]["edges"]), "nodes": set(downstream[n]["nodes"])}
    return out


def network_svg(derivation):
    """The SVG element (as text) for ``derivation``'s network."""
    g = derivation.graph
    where, row = positions(g)
    width = max(x for x, _ in where.values()) + MARGIN + 40
    height = max(y for _, y in where.values()) + MARGIN + 30
    radius = min(RADIUS, row * 0.36)
    labelled = len(g.weights) <= MAX_EDGE_LABELS
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="the network: {escape(g.network.describe())}">',
        "<title>The network: click a weight or a bias to follow its paths to the loss</title>",
    ]
    node_of = {s: s.name for s in g.inputs} | {n.out: n.name for n in g.neurons}
    for n in g.neurons:
        x2, y2 = where[n.name]
        for source, w in zip(n.inputs, n.weights):
            x1, y1 = where[node_of[source]]
            parts.append(_edge(w.name, (x1, y1), (x2, y2), radius, labelled))
    for n in g.outputs:
        (x1, y1), (x2, y2) = where[n.name], where["L"]
        parts.append(
            f'<g class="edge loss-edge" data-edge="loss-{n.name}"><line x1="{x1 + radius:.1f}" y1="{y1:.1f}" '
            f'x2="{x2 - radius:.1f}" y2="{y2:.1f}"/></g>'
        )
    for s in g.inputs:
        x, y = where[s.name]
        parts.append(
            f'<g class="node input" data-node="{s.name}"><circle cx="{x}" cy="{y:.1f}" r="{radius:.1f}"/>'
            f'<text x="{x}" y="{y + 5:.1f}" class="name">{_label(s.name)}</text>'
            f'<text x="{x - radius - 6}" y="{y + 5:.1f}" class="value" text-anchor="end" data-q="{s.name}"></text></g>'
        )
    for n in g.neurons:
        x, y = where[n.name]
        out = n.out.name
        parts.append(
            f'<g class="node neuron" data-node="{n.name}"><circle cx="{x}" cy="{y:.1f}" r="{radius:.1f}"/>'
            f'<text x="{x}" y="{y + 5:.1f}" class="name">{_label(n.name)}</text>'
            f'<text x="{x}" y="{y - radius - 6:.1f}" class="value" data-q="{out}"></text>'
            f'<text x="{x}" y="{y + radius + 15:.1f}" class="bias" data-param="{n.bias.name}">'
            f'{_label(n.bias.name)} = <tspan data-q="{n.bias.name}"></tspan></text></g>'
        )
    x, y = where["L"]
    parts.append(
        f'<g class="node loss" data-node="L"><rect x="{x - radius:.1f}" y="{y - radius:.1f}" '
        f'width="{2 * radius:.1f}" height="{2 * radius:.1f}" rx="6"/>'
        f'<text x="{x}" y="{y + 5:.1f}" class="name">L</text>'
        f'<text x="{x}" y="{y - radius - 6:.1f}" class="value" data-q="L"></text></g>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(name, start, end, radius, labelled):
    (x1, y1), (x2, y2) = start, end
    # the label sits a third of the way along, where edges into one neuron are still apart
    lx, ly = x1 + (x2 - x1) * 0.32, y1 + (y2 - y1) * 0.32 - 5
    label = (f'<text x="{lx:.1f}" y="{ly:.1f}" class="weight">{_label(name)} = '
             f'<tspan data-q="{name}"></tspan></text>') if labelled else ""
    return (f'<g class="edge" data-edge="{name}" data-param="{name}"><title>{name}</title>'
            f'<line x1="{x1 + radius:.1f}" y1="{y1:.1f}" x2="{x2 - radius:.1f}" y2="{y2:.1f}"/>'
            f'<line class="hit" x1="{x1 + radius:.1f}" y1="{y1:.1f}" x2="{x2 - radius:.1f}" y2="{y2:.1f}"/>'
            f"{label}</g>")


def _label(name):
    """w1 as w with a subscript 1 (an SVG tspan), y_pred as it is."""
    head = name.rstrip("0123456789")
    digits = name[len(head):]
    if not digits or head.endswith("_"):
        return escape(name)
    return f'{escape(head)}<tspan class="sub" dy="4">{digits}</tspan><tspan dy="-4"></tspan>'
