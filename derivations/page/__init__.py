"""The companion page: one self-contained HTML file to see the derivation move.

:func:`build_page` prints, from one derivation, everything the page shows:
the maths in MathML (:mod:`derivations.printing.mathml`, the same blocks as
the text and LaTeX printers), the layer view in matrices, live and linked to
the scalars (:mod:`derivations.page.layers`), the network as inline SVG
(:mod:`derivations.page.svg`), and the generated JavaScript
(``nnderive codegen --target js``) that computes every live number: the
sliders, the chain of the chosen parameter, training and the loss curve.
The file fetches nothing (a Content-Security-Policy forbids it): it opens
from disk, can be mailed or put on a course site.

>>> page = build_page()
>>> page.startswith("<!DOCTYPE html>") and "<math" in page and "function backprop(params, x, y_true)" in page
True
>>> "http://" in page.replace('xmlns="http://www.w3.org/2000/svg"', "")   # nothing to fetch
False
"""

import json
import re
from html import escape
from importlib import resources
from string import Template

from sympy import Derivative

import nncore
from derivations import __version__
from derivations.chain import derive
from derivations.codegen import generate
from derivations.codegen.base import network_options
from derivations.network import require_network
from derivations.page.layers import LayerSection
from derivations.page.svg import network_svg, reach
from derivations.printing import OptionError, to_html
from derivations.printing.forms import Forms
from derivations.printing.mathml import MathMLPrinter, mathml, mathml_name
from derivations.printing.notation import Notation
from derivations.printing.options import resolve

#: one slider per parameter up to this many; beyond, one slider for the chosen parameter
MAX_SLIDERS = 30
#: the whole derivation is printed on the page up to this many parameters; beyond, the network and one chain
MAX_DERIVED = 40
#: slider range: the article's numbers and a trained network's fit comfortably
SLIDER_RANGE = 8.0

__all__ = ["build_page", "OptionError"]


def build_page(network=None, at="alice", weights=None, biases=None, digits=3, param=None):
    """The companion page for ``network`` (default: the article's) as HTML text.

    ``at`` is where the numbers start: a person of the article (``"alice"``)
    or the numbers ``(x1, ..., y_true)``; ``weights`` and ``biases`` the
    starting parameters (default: every weight 1, every bias 0, as the
    article's worked example); ``param`` the parameter whose chain is shown
    first (default: the first weight).  Bad options raise
    :class:`~derivations.printing.OptionError` naming the option.
    """
    network = require_network(network, "build_page")
    d = derive(network)
    options = resolve(d, at=at, weights=weights, biases=biases, digits=digits, params=param)
    return Page(d, options).html()


class Page:
    """The pieces of one page, each printed from the derivation."""

    def __init__(self, derivation, options):
        self.d = d = derivation
        self.options = options
        self.g = d.graph
        self.forms = Forms(d)
        self.notation = Notation(d.network)
        self.names = [p.name for p in d.params]
        self.fits_people = (len(d.inputs), len(d.targets)) == (2, 1)
        self.selected = options.params[0] if len(options.params) < len(self.names) else self.names[0]

    def math(self, expr, display=False, **settings):
        return mathml(expr, display=display, notation=self.notation, **settings)

    # --- the whole page -------------------------------------------------------------------

    def html(self):
        d, g = self.d, self.g
        source = generate(d.network, "js")
        title = ("See it move: the article's network" if d.network.spec == "2-2-1" and self.notation.article
                 else f"See it move: a {d.network.describe()}")
        values = {
            "generator": f"nnderive {__version__}",
            "title": escape(title),
            "lede": self.lede(),
            "style": _resource("page.css"),
            "svg": network_svg(d),
            "param_options": "".join(
                f'<option value="{n}"{" selected" if n == self.selected else ""}>{n}</option>' for n in self.names
            ),
            "chains": "\n".join([self.chain(p) for p in d.partials.values()] + [self.factors()]),
            "sample_controls": self.sample_controls(),
            "param_controls": self.param_controls(),
            "reset_label": f"Reset to {self.start_name()}",
            "train_about": self.train_about(),
            "predictions": self.predictions(),
            "digits": str(self.options.digits),
            "values": self.value_tables(),
            "layers": LayerSection(d, self.notation).html(),
            "derivation": self.derivation(),
            "codegen_command": escape(" ".join(["nnderive", "codegen", "--target", "js"] + network_options(d.network))),
            "module_listing": escape(source),
            "data": _script_safe(json.dumps(self.data(), separators=(",", ":"))),
            "module": _script_safe(classic_script(source)),
            "exports": ", ".join(exported_names(source)),
            "page_script": _script_safe(_resource("page.js")),
        }
        return Template(_resource("template.html")).substitute(values)

    def lede(self):
        if self.fits_people:
            return ("Victor Zhou's beginner network, derived by nnderive: move a weight and watch every "
                    "intermediate, every chain-rule factor and every partial follow; train it on Alice, Bob, "
                    "Charlie and Diana and see what it says about Emily and Frank.")
        return (f"A {escape(self.d.network.describe())}, derived by nnderive: move a weight and watch every "
                "intermediate, every chain-rule factor and every partial follow.")

    def start_name(self):
        point = self.options.point
        return point.name if point is not None and point.name else "the start"

    # --- the chosen parameter's chain -------------------------------------------------------

    def chain(self, partial):
        """The chain of ``partial``: as ratios, with the live numbers, and each factor's formula."""
        g, forms = self.g, self.forms
        lhs = self.math(Derivative(g.loss, partial.param))
        chain = MathMLPrinter({"notation": self.notation}).doprint(forms.chain(partial))
        numbers = "<mo>·</mo>".join(f'<mn data-q="{f.name}"></mn>' for f in partial.factors)
        line = (f'<math display="block">{lhs[6:-7]}<mo>=</mo>{chain}<mo>=</mo>{numbers}'
                f'<mo>=</mo><mn data-q="d_L_d_{partial.name}"></mn></math>')
        hidden = "" if partial.name == self.selected else " hidden"
        return f'<div class="chain" data-param="{partial.name}"{hidden}>{line}</div>'

    def factors(self):
        """Every factor's formula once (many chains share a factor); the script shows the chosen chain's."""
        chosen = {f.name: i for i, f in enumerate(self.d.partials[self.selected].factors)}
        blocks = []
        for f in self.d.factors.values():
            ratio = MathMLPrinter({"notation": self.notation}).doprint(self.forms.ratio(f))
            side = MathMLPrinter({"notation": self.notation}).doprint(self.forms.right_side(f))
            shown = f' style="order: {chosen[f.name]}"' if f.name in chosen else " hidden"
            blocks.append(f'<div class="factor" data-factor="{f.name}"{shown}><math display="block">{ratio}'
                          f'<mo>=</mo>{side}<mo>=</mo><mn data-q="{f.name}"></mn></math></div>')
        return '<div class="factors">' + "\n".join(blocks) + "</div>"

    # --- controls ------------------------------------------------------------------------------

    def sample_controls(self):
        d = self.d
        parts = []
        if self.fits_people:
            start = self.start_name()
            options = "".join(
                f'<option value="{p.name}"{" selected" if p.name == start else ""}>{p.name}</option>'
                for p in self.people()
            )
            parts.append(f'<label>person <select id="person"><option value="">(your own numbers)</option>'
                         f"{options}</select></label>")
        for s in d.inputs + d.targets:
            parts.append(f'<label>{self.math(s)} <input id="input-{s.name}" type="number" step="any"></label>')
        return "\n".join(parts)

    def param_controls(self):
        r = SLIDER_RANGE
        if len(self.names) <= MAX_SLIDERS:
            rows = [
                f'<label><span>{self.math(p)}</span><input type="range" min="{-r}" max="{r}" step="0.01" '
                f'data-slider="{p.name}" aria-label="{p.name}"><input type="number" step="any" '
                f'data-number="{p.name}" aria-label="{p.name}, exactly"></label>'
                for p in self.d.params
            ]
            return "\n".join(rows)
        # many parameters: a slider for the chosen one only (choose it on the network or in the list)
        return (f'<p class="small">{len(self.names)} parameters: the slider moves the chosen one.</p>'
                f'<label><span>{self.selected}</span><input id="one-slider" type="range" min="{-r}" max="{r}" '
                f'step="0.01" data-slider="{self.selected}" aria-label="the chosen parameter">'
                f'<input id="one-number" type="number" step="any" data-number="{self.selected}"></label>')

    def train_about(self):
        if self.fits_people:
            return ("The article's stochastic gradient descent: every epoch, one step per person (Alice, Bob, "
                    "Charlie, Diana, in order), from the parameters above; the generated <code>train</code> "
                    "runs it in this page.")
        return ("Stochastic gradient descent on the sample above, from the parameters above, by the generated "
                "<code>train</code> (the article's four people do not fit this network).")

    def predictions(self):
        if not self.fits_people:
            return ""
        rows = "".join(
            f'<tr><th>{p.name} ({p.weight_lb} lb, {p.height_in} in)</th>'
            f'<td class="num" data-prediction="{p.name}">&#x2014;</td><td></td></tr>'
            for p in (nncore.EMILY, nncore.FRANK)
        )
        return (f'<table class="values" id="predictions"><tr><th>prediction</th><th>{self.math(self.g.outputs[0].out)}'
                f"</th><th>gender</th></tr>{rows}</table>"
                '<p class="small">The article: Emily 0.951 (F), Frank 0.039 (M).</p>')

    # --- tables of every value -------------------------------------------------------------------

    def value_tables(self):
        d, g, forms = self.d, self.g, self.forms
        forward = [(s.name, self.math(s)) for s in d.inputs + d.targets]
        for n in g.neurons:
            forward += [(n.sum.name, self.math(n.sum)), (n.out.name, self.math(n.out))]
        forward.append((g.loss.name, self.math(g.loss)))
        factors = [(f.name, self.math(forms.ratio(f))) for f in d.factors.values()]
        partials = [(f"d_L_d_{p.name}", self.math(Derivative(g.loss, p.param))) for p in d.partials.values()]
        return "\n".join([
            _table("The forward pass", forward),
            _table("The factors", factors),
            _table("The partials", partials),
        ])

    def derivation(self):
        # the scalar chain: the layer view has its own live section (derivations.page.layers)
        options = {"at": self.options.point, "digits": self.options.digits, "view": "scalar"}
        if len(self.names) > MAX_DERIVED:
            options["params"] = [self.selected]
        values = self.options.values
        options["weights"] = [values[w.name] for w in self.g.weights]
        options["biases"] = [values[b.name] for b in self.g.biases]
        return to_html(self.d, **options)

    # --- what the script reads --------------------------------------------------------------------

    def people(self):
        return nncore.PEOPLE + (nncore.EMILY, nncore.FRANK)

    def data(self):
        d, options = self.d, self.options
        point = options.point
        people = []
        if self.fits_people:
            for p in self.people():
                y = p.y_true if p.gender is not None else (1 if p.name == "Emily" else 0)  # the article's guess
                people.append({"name": p.name, "x": [float(v) for v in p.x], "y": float(y)})
        lit = reach(d)
        return {
            "params": self.names,
            "inputs": [s.name for s in d.inputs],
            "targets": [s.name for s in d.targets],
            "digits": options.digits,
            "selected": self.selected,
            "start": {
                "params": [options.values[n] for n in self.names],
                "x": list(point.x),
                "y": list(point.y),
                "person": point.name or "",
            },
            "people": people,
            "training": [{"x": [float(v) for v in p.x], "y": float(p.y_true)} for p in nncore.PEOPLE]
            if self.fits_people else [],
            "predict": [{"name": p.name, "x": [float(v) for v in p.x]} for p in (nncore.EMILY, nncore.FRANK)]
            if self.fits_people else [],
            "reach": {name: {"edges": sorted(r["edges"]), "nodes": sorted(r["nodes"])} for name, r in lit.items()},
            "chains": {p.name: [f.name for f in p.factors] for p in d.partials.values()},
        }


def _table(title, rows):
    body = "".join(f'<tr data-row="{name}"><th>{label}</th><td class="num" data-q="{name}"></td></tr>'
                   for name, label in rows)
    return f'<table class="values"><caption>{escape(title)}</caption>{body}</table>'


def classic_script(source):
    """The generated ES module as the body of a function: its ``export`` keywords taken away.

    An inline module cannot be imported by the page's other script (and a file
    beside the page would not travel with it), so the page wraps the code in a
    function that returns its exports.
    """
    return re.sub(r"^export (const|function) ", r"\1 ", source, flags=re.MULTILINE)


def exported_names(source):
    """The names ``source`` exports, in order."""
    return re.findall(r"^export (?:const|function) (\w+)", source, flags=re.MULTILINE)


def _script_safe(text):
    # inside <script>, only "</script" (in any case) ends the element early; JSON and our JS never need "</"
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def _resource(name):
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
