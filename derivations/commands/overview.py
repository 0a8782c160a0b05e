"""``nnderive`` with no command: the article's partials, checked on Alice.

Prints the nine partials of the article's network in chain-rule form with
each factor's formula, then, on Alice with all weights 1 and biases 0, the
value of every partial from the symbolic derivation next to the article's
hand-written backprop (:mod:`nncore`), and whether they agree.
"""

from derivations.commands.derive import emit_unicode
from derivations.network import article_network

NAME = "overview"
HELP = "the article's nine partials, checked on Alice (what plain 'nnderive' runs)"
DESCRIPTION = HELP

ALICE_PARAMS = dict(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
#: agreement demanded between the two computations (float64 rounding only)
TOLERANCE = 1e-12

EXAMPLES = """\
  nnderive                  the same as nnderive overview
  nnderive overview --full  every partial written out in the inputs, the target and the parameters"""


def add_arguments(parser):
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--compact", action="store_true", default=True,
                        help="the chains, each factor once and one partial written out (the default)")
    length.add_argument("--full", dest="compact", action="store_false",
                        help="every partial written out in the inputs, the target and the parameters")


def run(args):
    emit_unicode(render(compact=getattr(args, "compact", True)), hint="")
    return 0


def render(compact=True):
    """The overview as text: the chains, the factors once, partials written out, the check on Alice."""
    import nncore
    from derivations.chain import derive
    from derivations.printing import (
        text_chain, text_definitions, text_factor, text_partial, text_rules, text_written_out,
    )
    from derivations.printing.layout import describe

    d = derive(article_network())
    lines = ["nnderive: the article's network (" + describe(d.network) + ")"]
    lines += [f"  {line}" for line in text_definitions(d)]
    lines += [f"  {rule}" for rule in text_rules(d)]
    lines += ["", "Every partial, by the chain rule:"]
    lines += [f"  {text_chain(p)}" for p in d.partials.values()]
    lines += ["", "with the factors:"]
    lines += [f"  {text_factor(f)}" for f in d.factors.values()]
    shown = list(d.partials.values()) if not compact else list(d.partials.values())[:1]
    lines += ["", "Every partial written out:" if not compact else
              "Written out in the inputs, the target and the parameters (nnderive overview --full: all nine):"]
    for partial in shown:
        lines += ["  " + line for line in text_written_out(partial).splitlines()]

    alice = nncore.person("alice")
    symbolic = d.gradient(ALICE_PARAMS, [alice.x], [alice.y_true])
    network = nncore.OurNeuralNetwork()
    network.set_params(**ALICE_PARAMS)
    handwritten = network.backprop(alice.x, alice.y_true)
    lines += [
        "",
        f"On Alice (x₁ = {alice.x[0]}, x₂ = {alice.x[1]}, y_true = {alice.y_true}), all weights 1 and biases 0:",
        f"  {'':8}{'symbolic (derivations)':>24}{'hand-written (nncore)':>24}{'difference':>13}",
    ]
    worst = 0.0
    for name, partial in d.partials.items():
        a, b = symbolic[name], float(handwritten[name])
        worst = max(worst, abs(a - b))
        lines.append(f"  {text_partial(partial):8}{a!r:>24}{b!r:>24}{abs(a - b):>13.1e}")
    verdict = "agree" if worst <= TOLERANCE else "DISAGREE"
    lines += [
        "",
        f"The two {verdict} (largest difference {worst:.1e}). The article rounds ∂L/∂w₁ to 0.0214, the product "
        "of its rounded factors;",
        "the exact value rounds to 0.0215. See it step by step: nnderive derive --param w1 --at alice",
    ]
    return "\n".join(lines) + "\n"
