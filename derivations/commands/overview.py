"""``nnderive`` with no command: the article's partials, checked on Alice.

Prints the nine partials of the article's network in chain-rule form with
each factor's formula, then, on Alice with all weights 1 and biases 0, the
value of every partial from the symbolic derivation next to the article's
hand-written backprop (:mod:`nncore`), and whether they agree.
"""

import nncore
from derivations.chain import derive
from derivations.network import article_network
from derivations.printing import text_chain, text_factor

NAME = "overview"
HELP = "the article's nine partials, checked on Alice (what plain 'nnderive' runs)"
DESCRIPTION = HELP

ALICE_PARAMS = dict(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
#: agreement demanded between the two computations (float64 rounding only)
TOLERANCE = 1e-12


def add_arguments(parser):
    pass


def run(args):
    print(render(), end="")
    return 0


def render():
    """The overview as text."""
    d = derive(article_network())
    lines = [
        "nnderive: the article's network (" + d.network.describe() + ")",
        "  h1 = f(w1 x1 + w2 x2 + b1),  h2 = f(w3 x1 + w4 x2 + b2),  y_pred = o1 = f(w5 h1 + w6 h2 + b3)",
        "  L = (y_true - y_pred)^2,  f(x) = 1/(1 + e^-x),  f'(x) = f(x)(1 - f(x))",
        "",
        "Every partial, by the chain rule:",
    ]
    lines += [f"  {text_chain(p)}" for p in d.partials.values()]
    lines += ["", "with the factors:"]
    lines += [f"  {text_factor(f)}" for f in d.factors.values()]

    alice = nncore.person("alice")
    symbolic = d.gradient(ALICE_PARAMS, [alice.x], [alice.y_true])
    network = nncore.OurNeuralNetwork()
    network.set_params(**ALICE_PARAMS)
    handwritten = network.backprop(alice.x, alice.y_true)
    lines += [
        "",
        f"On Alice (x1 = {alice.x[0]}, x2 = {alice.x[1]}, y_true = {alice.y_true}), "
        "all weights 1 and biases 0:",
        f"  {'':6}{'symbolic (derivations)':>24}{'hand-written (nncore)':>24}{'difference':>13}",
    ]
    worst = 0.0
    for name in d.partials:
        a, b = symbolic[name], float(handwritten[name])
        worst = max(worst, abs(a - b))
        lines.append(f"  {'dL/d' + name:6}{a!r:>24}{b!r:>24}{abs(a - b):>13.1e}")
    verdict = "agree" if worst <= TOLERANCE else "DISAGREE"
    lines += ["", f"The two {verdict} (largest difference {worst:.1e}; the article rounds dL/dw1 to 0.0214)."]
    return "\n".join(lines) + "\n"
