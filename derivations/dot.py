"""The computation graph in Graphviz DOT, labelled with the derivation's own factors.

The picture a beginner draws next to the article: inputs on the left, one box
per neuron (its activation, its sum and the bias's local derivative), the
output y_pred, then the loss L with its target y_true.  Every connection is
labelled with its weight and its local derivatives, taken from the same
:class:`derivations.chain.Derivation` that everything else prints, so
∂L/∂w1 is visibly the product of the labels along the path from w1 to L:

* an edge from an input, x1 -> h1: the weight w1 and ∂h1/∂w1 = x1·f'(sum_h1);
* an edge between neurons, h1 -> y_pred: the weight w5, ∂y_pred/∂w5 (for the
  weight) and ∂y_pred/∂h1 = w5·f'(sum_o1) (the edge factor backprop passes
  through);
* the edge into L: the loss factor ∂L/∂y_pred = -2·(y_true - y_pred);
* a neuron feeding several neurons also shows its upstream sum ∂L/∂h1.

Labels are Graphviz's HTML-like labels: names get real subscripts (w<sub>1</sub>,
sum<sub>h1</sub>), and an edge's label sits on a white box, so no other edge
strikes through it.  :func:`label_lines` reads them back as plain lines.

>>> from derivations import derive
>>> source = to_dot(derive())
>>> print(source.splitlines()[0])
digraph nnderive {
>>> label_lines(edge_line(source, "x1", "h1"))
['w1', "∂h1/∂w1 = x1·f'(sum_h1)"]
>>> label_lines(edge_line(source, "h1", "o1"))
['w5', "∂y_pred/∂w5 = h1·f'(sum_o1)", "∂y_pred/∂h1 = w5·f'(sum_o1)"]
>>> label_lines(edge_line(source, "o1", "L"))
['∂L/∂y_pred = -2·(y_true - y_pred)']
>>> print(edge_line(source, "x1", "h1"))  # doctest: +NORMALIZE_WHITESPACE
"x1" -> "h1" [label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="1" bgcolor="white"><tr><td>w<sub>1</sub></td></tr><tr><td>∂h<sub>1</sub>/∂w<sub>1</sub> = x<sub>1</sub>·f'(sum<sub>h1</sub>)</td></tr></table>>];

:func:`render` runs Graphviz's ``dot`` to turn the source into SVG, PNG or PDF.
"""

import html
import re
import shutil
import subprocess

from sympy import Integer, Mul
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from derivations.errors import Argument, NnderiveError
from derivations.rules import LOSSES

#: what the edges and neurons show: weights and derivatives, weights only, or names only
LABELS = ("factors", "weights", "none")

#: output formats of :func:`render`: dot's -T flag
FORMATS = {"svg": "svg", "png": "png", "pdf": "pdf"}

#: sums with more terms than this are shortened in a neuron's label (w1·x1 + … + w8·x8 + b1)
MAX_TERMS = 4

HIGHLIGHT = "#d62728"

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

#: a note under the graph, by where the loss's chain starts (see derivations.rules.Loss.wrt)
_LOSS_NOTES = {
    "output": "",
    "sum": "with {loss} on a sigmoid output the chain starts at {starts} (f' cancels)",
}


class GraphvizError(NnderiveError):
    """Graphviz's ``dot`` is missing or failed; the message says what to do."""


class LabelPrinter(StrPrinter):
    """Formulas for graph labels: f and f' for the activations, ``·`` for products, ² for squares.

    ``functions`` maps a SymPy function class to the name to print it with.

    >>> from derivations.rules import sigmoid, d_sigmoid
    >>> from sympy import Symbol
    >>> x1, s = Symbol("x1"), Symbol("sum_h1")
    >>> LabelPrinter({"functions": {sigmoid: "f", d_sigmoid: "f'"}}).doprint(x1 * d_sigmoid(s))
    "x1·f'(sum_h1)"
    """

    _default_settings = {**StrPrinter._default_settings, "order": "none", "functions": {}}

    def _print_Function(self, expr):
        name = self._settings["functions"].get(type(expr))
        if name is None:
            return super()._print_Function(expr)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_Mul(self, expr):
        coeff, rest = expr.as_coeff_Mul()
        factors = Mul.make_args(rest)
        if any(f.is_Pow and f.exp.is_negative for f in factors):
            return super()._print_Mul(expr)  # a quotient: SymPy's a/b form reads best
        body = "·".join(self.parenthesize(f, PRECEDENCE["Mul"]) for f in factors)
        if coeff == 1:
            return body
        if coeff == -1:
            return "-" + body
        return f"{self._print(coeff)}·{body}"

    def _print_Pow(self, expr):
        if isinstance(expr.exp, Integer) and expr.exp > 1:
            return self.parenthesize(expr.base, precedence(expr), strict=True) + str(expr.exp).translate(_SUPERSCRIPT)
        return super()._print_Pow(expr)


def quote(text):
    """``text`` as a DOT double-quoted string; a newline becomes a centred line break.

    Backslashes are doubled so Graphviz's escapes (\\N, \\G, \\l) never fire, and
    ``&`` is written ``&amp;`` because Graphviz reads HTML entities in labels.

    >>> print(quote('say "hi" \\\\ bye & so\\nnext line'))
    "say \\"hi\\" \\\\ bye &amp; so\\nnext line"
    """
    escaped = text.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


class Html(str):
    """A label in Graphviz's HTML-like syntax: written as it is, in <...>, not quoted."""


#: names with a subscript: w1, h12, x2, b3, o1 (one letter and a number); sum_h1, y_pred, y_true2
_SUBSCRIPTED = re.compile(r"(?<![\w'])(?:(sum|y)_([a-z]+\d*)|([a-zA-Z])(\d+))(?!\w)")


def html_lines(lines, background=None):
    """Lines of text as an HTML-like label: one table row each, names subscripted, escaped.

    >>> print(html_lines(["sum_h1 = w1·x1 + b1", "a < b & c"]))
    <<table border="0" cellborder="0" cellspacing="0" cellpadding="1"><tr><td>sum<sub>h1</sub> = w<sub>1</sub>·x<sub>1</sub> + b<sub>1</sub></td></tr><tr><td>a &lt; b &amp; c</td></tr></table>>
    """
    def row(line):
        escaped = html.escape(line, quote=False)
        return _SUBSCRIPTED.sub(lambda m: f"{m[1] or m[3]}<sub>{m[2] or m[4]}</sub>", escaped)

    fill = f' bgcolor="{background}"' if background else ""
    rows = "".join(f"<tr><td>{row(line)}</td></tr>" for line in lines)
    return Html(f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1"{fill}>{rows}</table>>')


def edge_line(source, a, b):
    """The statement of ``source`` that draws the edge from node ``a`` to node ``b`` (read with :func:`label_lines`)."""
    head = f"{quote(a)} -> {quote(b)}"
    return next(line.strip() for line in source.splitlines() if line.strip().startswith(head + " "))


def label_lines(statement):
    """The plain lines of the HTML label in a DOT ``statement`` (for reading and tests)."""
    match = re.search(r"label=<(.*)>", statement)
    if match is None:
        return []
    rows = re.findall(r"<td>(.*?)</td>", match[1])
    return [html.unescape(re.sub(r"(\w)<sub>(\d+)</sub>", r"\1\2", row).replace("<sub>", "_").replace("</sub>", ""))
            for row in rows]


def ratio(of, wrt):
    """∂of/∂wrt, e.g. ∂h1/∂w1."""
    return f"∂{of.name}/∂{wrt.name}"


class DotGraph:
    """The DOT source of one derivation's computation graph, built element by element."""

    def __init__(self, derivation, labels="factors", highlight=None):
        if labels not in LABELS:
            raise ValueError(f"labels must be one of {', '.join(LABELS)}, not {labels!r}")
        if highlight is not None and highlight not in derivation.partials:
            raise ValueError(
                f"cannot highlight {highlight!r}: no such parameter in this network "
                f"({derivation.params[0]} .. {derivation.params[-1]})"
            )
        self.d = derivation
        self.g = derivation.graph
        self.labels = labels
        self.partial = derivation.partials[highlight] if highlight is not None else None
        acts = {n.activation.name: n.activation for n in self.g.neurons}
        self.uniform = len(acts) == 1
        functions = {}
        for a in acts.values():
            name = "f" if self.uniform else a.name
            if a.function is not None:
                functions[a.function] = name
            if a.derivative is not None:
                functions[a.derivative] = name + "'"
        self.printer = LabelPrinter({"functions": functions})
        self.node_id = {s: s.name for s in self.g.inputs + self.g.targets}
        self.node_id.update({n.out: n.name for n in self.g.neurons})
        self.node_id[self.g.loss] = "L"
        self.neuron_by_out = {n.out: n for n in self.g.neurons}

    def formula(self, expr):
        return self.printer.doprint(expr)

    # --- what is highlighted ------------------------------------------------------------

    def _lit_neuron(self, n):
        p = self.partial
        return p is not None and (n is p.neuron or n.layer > p.neuron.layer)

    def _lit_edge(self, source, n, weight):
        """Whether the edge from ``source`` (a symbol) into neuron ``n`` lies on the highlighted chain."""
        p = self.partial
        if p is None:
            return False
        if n is p.neuron:
            return weight == p.param
        # every neuron after the parameter's layer is reached: the network is fully connected
        return n.layer > p.neuron.layer and (
            n.layer > p.neuron.layer + 1 or source == p.neuron.out
        )

    def _style(self, lit):
        return {"color": HIGHLIGHT, "fontcolor": HIGHLIGHT, "penwidth": "2"} if lit else {}

    # --- elements --------------------------------------------------------------------------

    @staticmethod
    def statement(head, attrs):
        """``head [key="value", ...];``, or ``head;`` without attributes."""
        parts = ", ".join(f"{k}={v if isinstance(v, Html) else quote(v)}" for k, v in attrs.items())
        return f"{head} [{parts}];" if parts else f"{head};"

    def node(self, name, attrs):
        return self.statement(quote(name), attrs)

    def edge(self, a, b, attrs):
        return self.statement(f"{quote(a)} -> {quote(b)}", attrs)

    def neuron_label(self, n):
        if self.labels == "none":
            return html_lines([n.out.name])
        lines = [f"{n.out} = {self.formula(self.g.definitions[n.out])}"]
        terms = [f"{w}·{i}" for w, i in zip(n.weights, n.inputs)]
        if len(terms) > MAX_TERMS:
            terms = terms[:2] + ["…"] + terms[-1:]
        lines.append(f"{n.sum} = {' + '.join(terms + [n.bias.name])}")
        if self.labels == "factors":
            bias = self.d.partials[n.bias.name].factors[-1]
            lines.append(f"{ratio(bias.of, bias.wrt)} = {self.formula(bias.named)}")
            if n not in self.g.outputs and len(self.g.consumers(n)) > 1:
                lines.append(f"{ratio(self.g.loss, n.out)} = {self.upstream(n)}")
        return html_lines(lines)

    def upstream(self, n):
        """∂L/∂h1 as the sum over its consumers m of ∂L/∂m · ∂m/∂h1."""
        # ∂L/∂h4 stands for h4's own chain: the program computes it once, under that name
        terms = [
            f"{ratio(self.g.loss, self.d.handle[m])}·{ratio(self.d.handle[m], n.out)}"
            for m, _ in self.g.consumers(n)
        ]
        if len(terms) > MAX_TERMS:
            terms = terms[:2] + ["…"] + terms[-1:]
        return " + ".join(terms)

    def weight_label(self, n, source, weight):
        if self.labels == "none":
            return ""
        lines = [weight.name]
        if self.labels == "factors":
            local = self.d.partials[weight.name].factors[-1]
            lines.append(f"{ratio(local.of, local.wrt)} = {self.formula(local.named)}")
            if source not in self.g.inputs:
                edge = self.d.edges[n, self.neuron_by_out[source]]
                lines.append(f"{ratio(edge.of, edge.wrt)} = {self.formula(edge.named)}")
        # on white: an edge that passes beneath the label does not strike it through
        return html_lines(lines, background="white")

    def caption(self):
        lines = [self.d.network.describe()]
        used = sorted({n.activation.name for n in self.g.neurons if n.activation.function is not None})
        if self.uniform and used:
            lines.append(f"f is the {used[0]}, f' its derivative")
        if self.labels == "factors":
            lines.append(
                "Each edge shows its weight and local derivatives; "
                "∂L/∂(a parameter) is the product along the path to L, summed over paths"
            )
        note = _LOSS_NOTES[LOSSES[self.d.network.loss].wrt]
        if note:
            starts = ", ".join(ratio(self.g.loss, o.sum) for o in self.g.outputs)
            lines.append(note.format(loss=self.d.network.loss, starts=starts))
        if self.partial is not None:
            p = self.partial
            chain = " · ".join(ratio(f.of, f.wrt) for f in p.factors)
            lines.append(f"highlighted: ∂L/∂{p.name} = {chain}")
            if p.n_paths > 1:
                lines.append(f"({ratio(self.g.loss, p.neuron.out)} sums the {p.n_paths} paths)")
        return "\n".join(lines)

    # --- the whole graph -----------------------------------------------------------------

    def source(self):
        g = self.g
        out = [
            "digraph nnderive {",
            # mclimit: (almost) no reordering to cross fewer edges, so every layer stays in order,
            # top to bottom (h4, h5, h6), as it is written here; a fully connected network
            # crosses its edges whichever way round it is drawn
            f"  graph [rankdir=LR, mclimit=0.0001, ranksep=1.2, nodesep=0.4, labelloc=b, fontname=Helvetica, "
            f"label={quote(self.caption())}];",
            "  node [fontname=Helvetica, fontsize=11];",
            "  edge [fontname=Helvetica, fontsize=9];",
        ]

        def cluster(name, label, lines):
            out.append(f"  subgraph {quote('cluster_' + name)} {{")
            out.append(f"    graph [label={quote(label)}, labelloc=t, style=rounded, color=gray70];")
            out.extend("    " + line for line in lines)
            out.append("  }")

        cluster("inputs", "inputs", [self.node(x.name, {"shape": "circle", "label": html_lines([x.name])})
                                     for x in g.inputs])
        hidden = len(g.layers) - 1
        for depth, layer in enumerate(g.layers, start=1):
            title = "output layer" if depth == len(g.layers) else (
                "hidden layer" if hidden == 1 else f"hidden layer {depth}"
            )
            nodes = [
                self.node(n.name, {"shape": "box", "style": "rounded", "label": self.neuron_label(n),
                                        **self._style(self._lit_neuron(n))})
                for n in layer
            ]
            cluster(f"layer{depth}", title, nodes)
        lit_loss = self.partial is not None
        loss_label = html_lines([f"L = {self.formula(g.loss_definition)}" if self.labels != "none" else "L"])
        cluster("loss", "loss", [
            *(self.node(y.name, {"shape": "ellipse", "style": "dashed", "label": html_lines([y.name])})
              for y in g.targets),
            self.node("L", {"shape": "box", "style": "rounded,bold", "label": loss_label,
                                 **self._style(lit_loss)}),
        ])

        for n in g.neurons:
            for source, weight in zip(n.inputs, n.weights):
                attrs = {"label": self.weight_label(n, source, weight)} if self.labels != "none" else {}
                attrs.update(self._style(self._lit_edge(source, n, weight)))
                out.append("  " + self.edge(self.node_id[source], n.name, attrs))
        for y, o in zip(g.targets, g.outputs):
            f = self.d.chain_to[o][0]
            attrs = {"label": html_lines([f"{ratio(f.of, f.wrt)} = {self.formula(f.named)}"], background="white")
                     } if self.labels == "factors" else {}
            out.append("  " + self.edge(o.name, "L", {**attrs, **self._style(self._lit_neuron(o))}))
            out.append("  " + self.edge(y.name, "L", {"style": "dashed"}))
        out.append("}")
        return "\n".join(out) + "\n"


def to_dot(derivation, labels="factors", highlight=None):
    """The computation graph of ``derivation`` as Graphviz DOT source.

    ``labels`` is ``"factors"`` (weights and local derivatives, the default),
    ``"weights"`` (weight names and the neurons' formulas) or ``"none"``
    (names only: for big networks).  ``highlight="w1"`` draws the chain of
    ∂L/∂w1 in red and writes it under the graph.

    >>> from derivations import Network, derive
    >>> source = to_dot(derive(Network((2, 3, 1), activation="tanh", output_activation="sigmoid", loss="bce")))
    >>> label_lines(edge_line(source, "h1", "o1"))
    ['w7', '∂sum_o1/∂w7 = h1', '∂sum_o1/∂h1 = w7']
    >>> label_lines(edge_line(source, "o1", "L"))
    ['∂L/∂sum_o1 = y_pred - y_true']
    """
    return DotGraph(derivation, labels, highlight).source()


def render(source, fmt="svg", dot=None):
    """Run Graphviz's ``dot`` on ``source``; the picture as bytes (``fmt``: svg, png or pdf).

    Raises :class:`GraphvizError` when ``dot`` is not installed or rejects the source.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    program = dot or shutil.which("dot")
    if program is None:
        raise GraphvizError(
            "Graphviz's 'dot' is not installed (e.g. apt-get install graphviz); write DOT instead with ",
            Argument("format", "dot", python="to_dot()"),
        )
    try:
        done = subprocess.run(
            [program, f"-T{FORMATS[fmt]}"], input=source.encode("utf-8"), capture_output=True, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GraphvizError(f"cannot run {program}: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizError(f"dot failed: {message[0] if message else f'exit status {done.returncode}'}")
    return done.stdout


class GraphPicture:
    """The computation graph as a picture for Jupyter: ``_repr_svg_`` runs Graphviz's ``dot``.

    Where ``dot`` is not installed, Jupyter falls back to the text
    representation, which says so; ``source`` is the DOT text either way.

    >>> from derivations import derive
    >>> p = picture(derive(), highlight="w1")
    >>> p.source == to_dot(derive(), highlight="w1")
    True
    """

    def __init__(self, derivation, labels="factors", highlight=None):
        self.source = to_dot(derivation, labels, highlight)
        self.description = derivation.network.describe()

    def svg(self):
        """The SVG text (raises :class:`GraphvizError` without Graphviz)."""
        return render(self.source, "svg").decode("utf-8")

    def _repr_svg_(self):
        try:
            return self.svg()
        except GraphvizError:
            return None  # Jupyter shows the text representation instead

    def __repr__(self):
        drawn = "" if shutil.which("dot") else " (install Graphviz to see it drawn; .source is the DOT)"
        return f"<computation graph of a {self.description}{drawn}>"


def picture(derivation, labels="factors", highlight=None):
    """The computation graph of ``derivation`` as a :class:`GraphPicture` (drawn in Jupyter)."""
    return GraphPicture(derivation, labels, highlight)
