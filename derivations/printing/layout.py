"""What a derivation shows, as blocks (:mod:`derivations.printing.blocks`), built once per output.

For the whole :class:`~derivations.chain.Derivation`: the network and its
notation (each activation's rule stated once), the upstream sums of neurons
that feed several others (backpropagation's δ recursion), then one section per
parameter: the path, the chain, each factor's formula as the article boxes it,
the sum over paths where there are several, and the partial written out in
the raw symbols when that is short enough to read.  A worked example follows
when a point is given.
"""

from sympy import Add, Derivative, Mul, Pow

from derivations.naming import separator
from derivations.rules import ACTIVATIONS, LOSSES
from derivations.printing.blocks import Display, Formula, Heading, Math, Paragraph, row
from derivations.printing.layer_blocks import LayerBlocks
from derivations.printing.forms import Forms, activate, product, total, weighted_sum
from derivations.printing.notation import Notation, latex_name, text_name
from derivations.printing.options import LAYERS_PAST
from derivations.printing.printers import text
from derivations.printing.worked import BREAK_TERMS, WorkedExample, output_note

#: the raw form is shown when its text is at most this long
RAW_LIMIT = 320
#: ... and it is not even built when it would hold more symbols than this
RAW_SYMBOLS = 80
#: paths are listed one by one when there are at most this many
MAX_LISTED_PATHS = 6


class Layout:
    """Builds the blocks for one derivation; ``notation`` is shared by every printer."""

    def __init__(self, derivation, options):
        self.derivation = derivation
        self.options = options
        self.forms = Forms(derivation)
        self.notation = Notation(derivation.network)
        self.loss = derivation.graph.loss

    # --- whole outputs --------------------------------------------------------------

    def for_derivation(self):
        d, view = self.derivation, self.options.view
        if view == "layers":
            blocks = [Heading(1, (f"Backpropagation in matrix form: {describe(d.network)}",))]
            blocks += self.network()
            return blocks + LayerBlocks(d, self.notation, self.options).blocks()
        partials = [d.partials[name] for name in self.options.params]
        blocks = [Heading(1, (f"The chain rule, step by step: {describe(d.network)}",))]
        blocks += self.network()
        upstream = [f for f in self.forms.needed(partials) if f.kind == "upstream"]
        if upstream:
            blocks += self.upstream(upstream)
        if self.options.compact:
            blocks += self.compact(partials)
        else:
            for p in partials:
                blocks += self.partial(p)
        if self.options.point is not None:
            blocks += self.worked(partials)
        if view == "both":
            blocks += LayerBlocks(d, self.notation, self.options).blocks()
        return blocks

    def for_partial(self, partial):
        blocks = self.partial(partial)
        blocks.append(self.rules())
        if self.options.point is not None:
            blocks += self.worked([partial], level=3)
        return blocks

    def for_factor(self, factor):
        blocks = [Display((row(self.forms.ratio(factor), self.forms.right_side(factor)),))]
        if self.options.point is not None:
            blocks += self.worked([], factors=[factor], level=3)
        return blocks

    # --- the network ----------------------------------------------------------------

    def _listed_neurons(self):
        """``(neuron, note)`` for each neuron whose definition is shown: all of them, but in the layer view only
        the first two and the last of a wide layer (its matrices say the rest; 2-64-64-1 would list 129 sums),
        the last noted "(h3 ... h63 likewise)"."""
        for layer in self.derivation.graph.layers:
            if self.options.view != "layers" or len(layer) <= LAYERS_PAST:
                yield from ((n, ()) for n in layer)
                continue
            skipped = layer[2:-1]
            likewise = (Math(skipped[0].out),) + ((" ... ", Math(skipped[-1].out)) if len(skipped) > 1 else ())
            yield from ((n, ()) for n in layer[:2])
            yield layer[-1], ("(", *likewise, " likewise)")

    def network(self):
        d, g, forms = self.derivation, self.derivation.graph, self.forms
        rows = []
        for n, likewise in self._listed_neurons():
            note = output_note(n) or likewise
            if n in g.outputs and d.handle[n] == n.sum:  # the chain starts at the sum: name it
                rows.append(row(n.sum, weighted_sum(n)))
                rows.append(row(n.out, activate(n, n.sum), note=note))
            else:
                rows.append(row(n.out, forms.definition(n), note=note))
        rows.append(row(self.loss, g.loss_definition, note=("(the loss on one sample)",)))
        blocks = [Heading(2, ("The network",))]
        intro = ("Each neuron adds up its weighted inputs and its bias, then applies its activation.",)
        if d.network.is_article:
            intro += (
                " As in the article, ", Math(d.inputs[0]), " is the weight minus 135 lb, ", Math(d.inputs[1]),
                " the height minus 66 in, and ", Math(d.targets[0]), " is 1 for female, 0 for male.",
            )
        blocks += [Paragraph(intro), Display(tuple(rows)), self.rules(), self.loss_note()]
        return blocks

    def rules(self):
        """Each activation's definition and derivative, stated once."""
        parts = []
        for name in self.notation.used:
            spelled = self.notation.function(name)
            definition, derivative = (
                Formula(t.format(f=spelled.text), l.format(f=spelled.latex))
                for t, l in zip(spelled.text_rules, spelled.latex_rules)
            )
            parts += [
                "Here " if not parts else " ", Formula(spelled.text, spelled.latex), f" is {spelled.called}: ",
                definition, ", and ", derivative, ".",
            ]
        if any(ACTIVATIONS[name].function is None for name in self.derivation.network.activations):
            parts.append((" " if parts else "") + "A layer without an activation (the identity) passes its "
                         "weighted sum on unchanged: its derivative is 1.")
        return Paragraph(tuple(parts))

    def loss_note(self):
        d, g = self.derivation, self.derivation.graph
        outputs = " summed over the outputs" if len(g.outputs) > 1 else ""
        if g.loss_rule.wrt == "output":  # the squared errors: the chain starts at y_pred
            return Paragraph((
                Math(self.loss), f" is {g.loss_rule.description}{outputs}. The article's MSE is the mean of the "
                "squared errors over the samples; like the article, the derivation follows one sample at a time.",
            ))
        o = g.outputs[0]
        y, p, s = d.targets[0], o.out, o.sum
        dl_dp = Mul(Add(p, -y, evaluate=False), Pow(Mul(p, Add(1, -p, evaluate=False), evaluate=False), -1,
                                                     evaluate=False), evaluate=False)
        return Paragraph((
            Math(self.loss), f" is the binary cross-entropy of one sample{outputs}. With a sigmoid output the "
            "chain starts at ", Math(Derivative(self.loss, s)), " instead of ", Math(Derivative(self.loss, p)),
            ": since ", Math(Derivative(self.loss, p)), " = ", Math(dl_dp), " and ", Math(Derivative(p, s)),
            " = ", Math(Mul(p, Add(1, -p, evaluate=False), evaluate=False)), ", the sigmoid's derivative cancels "
            "and ", Math(Derivative(self.loss, s)), " = ", Math(Add(p, -y, evaluate=False)),
            ", which stays finite even where the prediction rounds to 0 or 1.",
        ))

    # --- upstream sums (the δ recursion) --------------------------------------------

    def upstream(self, factors):
        forms = self.forms
        rows = [self._upstream_row(f) for f in factors]
        used = {id(f) for up in factors for term in forms.upstream_terms(up) for f in term if f.kind != "upstream"}
        parts = [f for f in self.derivation.factors.values() if id(f) in used]
        return [
            Heading(2, ("Neurons that feed several others",)),
            Paragraph((
                "A neuron whose output feeds several neurons reaches the loss along several paths, and the "
                "chain rule adds them up: the derivative of L with respect to its output is the sum, over the "
                "neurons it feeds, of (the derivative of L with respect to that neuron) times (that neuron's "
                "derivative with respect to it). Each sum is computed once, from the output back, and reused "
                "(this is backpropagation's delta recursion), so the paths never need listing one by one.",
            )),
            Display(tuple(rows)),
            Paragraph(("with",)),
            Display(tuple(row(forms.ratio(f), forms.right_side(f)) for f in parts)),
        ]

    def _upstream_row(self, factor):
        right = self.forms.upstream(factor)
        return row(self.forms.ratio(factor), right, breaks=len(right.args) > BREAK_TERMS and isinstance(right, Add))

    # --- one parameter --------------------------------------------------------------

    def partial(self, p, level=2):
        forms = self.forms
        lhs = Derivative(self.loss, p.param)
        blocks = [Heading(level, ("The partial ", Math(lhs)))]
        blocks.append(Paragraph(self._route(p)))
        rows = [row(lhs, forms.chain(p))]
        first = p.factors[0]
        if first.kind == "upstream":
            rows.append(self._upstream_row(first))
        rows += [row(forms.ratio(f), forms.formula(f.named)) for f in p.factors if f.kind != "upstream"]
        blocks.append(Display(tuple(rows)))
        if 1 < p.n_paths <= MAX_LISTED_PATHS and any(
            f.kind == "upstream" for term in forms.upstream_terms(first) for f in term
        ):
            paths = total([product([forms.ratio(f) for f in path]) for path in p.paths])
            blocks += [
                Paragraph((f"The {p.n_paths} paths one by one:",)),
                Display((row(lhs, paths, breaks=True),)),
            ]
        raw = forms.raw_partial(p) if p.n_paths == 1 and forms.raw_size(p) <= RAW_SYMBOLS else None
        if raw is not None and len(text(raw, notation=self.notation)) <= RAW_LIMIT:
            blocks += [
                Paragraph(("Written out in the inputs, the target and the parameters:",)),
                Display((row(lhs, raw, breaks=isinstance(raw, Mul)),)),
            ]
        return blocks

    # --- every parameter at once: each factor once ------------------------------------

    def compact(self, partials):
        """One chain per parameter, every factor once, and one partial written out.

        The full form gives each parameter a section that repeats the factors
        it shares with the others (∂L/∂y_pred appears in all nine of the
        article's); here each is stated once.
        """
        forms = self.forms
        chains = [row(Derivative(self.loss, p.param), forms.chain(p)) for p in partials]
        factors = [f for f in forms.needed(partials) if f.kind != "upstream"]
        blocks = [
            Heading(2, ("Every partial, by the chain rule",)),
            Paragraph(("Each partial is the product of one factor per step on its way to the loss:",)),
            Display(tuple(chains)),
            Paragraph(("with the factors",)),
            Display(tuple(row(forms.ratio(f), forms.formula(f.named)) for f in factors)),
        ]
        for p in partials:
            raw = forms.raw_partial(p) if p.n_paths == 1 and forms.raw_size(p) <= RAW_SYMBOLS else None
            if raw is not None and len(text(raw, notation=self.notation)) <= RAW_LIMIT:
                lhs = Derivative(self.loss, p.param)
                blocks += [
                    Heading(2, ("One partial written out: ", Math(lhs))),
                    Paragraph(("Put every factor in, and every named quantity in terms of the inputs, the target "
                               "and the parameters (the others are written out the same way; the full form, "
                               "compact=False or --full, shows each one):",)),
                    Display((row(lhs, raw, breaks=isinstance(raw, Mul)),)),
                ]
                break
        return blocks

    def _route(self, p):
        if p.n_paths == 1:
            names = self.forms.path(p)
            return (
                Math(p.param), " reaches the loss along one path, ",
                Formula(" → ".join(text_name(s.name) for s in names), r" \to ".join(latex_name(s.name) for s in names)),
                ", so its partial is the product of one factor per step.",
            )
        first = p.factors[0]
        fed = self.forms.consumers(first)
        return (
            Math(p.param), f" reaches the loss along {p.n_paths} paths: ", Math(first.wrt), " feeds ",
            *_listing([Math(m.out) for m in fed]), ", so the chain starts with ", Math(self.forms.ratio(first)),
            ", the sum over them.",
        )

    # --- the worked example ---------------------------------------------------------

    def worked(self, partials, factors=None, level=2):
        o = self.options
        example = WorkedExample(self.derivation, o.point, o.values, o.digits, partials, factors)
        return example.blocks(level)


def describe(network):
    """The network in a line, its loss by name: "2-2-1 network, sigmoid activations, MSE loss".

    >>> from derivations.network import article_network
    >>> describe(article_network())
    '2-2-1 network, sigmoid activations, MSE loss'
    """
    text = network.describe()
    loss = f"{network.loss} loss"
    named = LOSSES[network.loss].text or network.loss  # the record's name for it: MSE, BCE
    return text[:-len(loss)] + f"{named} loss" if text.endswith(loss) else text


def _listing(items):
    """a, b and c, as prose parts (the items may be maths, not text)."""
    parts = []
    for i, item in enumerate(items):
        parts.append(item)
        if i < len(items) - 1:
            parts.append(separator(i, len(items)))
    return parts

