"""A Jupyter notebook that walks the article with nnderive, cell by cell.

The network, the derivation (rendered by Jupyter from ``_repr_markdown_``),
Alice worked by hand, the computation graph (an SVG picture where Graphviz
is installed), training with the loss curve and the predictions for Emily and
Frank, and a deliberately wrong backprop caught by :func:`derivations.check`.
Written as nbformat 4 JSON by hand (the format is small and stable), so
making a notebook needs nothing beyond nnderive; running it needs Jupyter.

>>> import json
>>> notebook = json.loads(build_notebook())
>>> notebook["nbformat"], notebook["cells"][0]["cell_type"]
(4, 'markdown')
>>> sum(cell["cell_type"] == "code" for cell in notebook["cells"]) >= 8
True
"""

import hashlib
import json

#: (kind, source) in order; every code cell runs as written (tests execute the notebook)
CELLS = [
    ("markdown", """
# The article's network, with nnderive

Victor Zhou's *Machine Learning for Beginners: An Introduction to Neural Networks* builds a network with two
inputs (x1 = weight − 135 lb, x2 = height − 66 in), two hidden neurons h1, h2 and one output o1 = y_pred, and
trains it to tell female (1) from male (0). This notebook walks through it with **nnderive**: the chain rule
derived symbolically, the article's numbers for Alice, the computation graph, training, and a check of a
hand-written backprop.
"""),
    ("code", """
from derivations import derive, check
import nncore

d = derive()          # the article's 2-2-1 network: sigmoid f, squared error L = (y_true - y_pred)^2
d
"""),
    ("markdown", """
## The network

Each neuron adds its weighted inputs and its bias and applies f, the sigmoid.
"""),
    ("code", """
from derivations.printing import text_definitions, text_rules

print("\\n".join(text_definitions(d)))
print("\\n".join(text_rules(d)))
"""),
    ("markdown", """
## The chain rule

∂L/∂w1 is a product of local factors, one per step on the path w1 → h1 → y_pred → L. Jupyter shows the
derivation as maths:
"""),
    ("code", """
d.partials["w1"]
"""),
    ("code", """
print(d.partials["w1"].to_text())
"""),
    ("markdown", """
## Alice, worked as the article does

Every weight 1, every bias 0, Alice's inputs (-2, -1) and y_true = 1. Each step is rounded to three digits and
carried on, as the article does by hand: that gives ∂L/∂w1 = 0.0214, while the exact value is 0.02147.
"""),
    ("code", """
print(d.to_text(params=["w1"], at="alice"))
"""),
    ("code", """
alice = dict(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
exact = d.evaluate(alice, [-2, -1], 1)
print(exact["d_L_d_w1"])            # 0.02146953526581111
assert abs(exact["d_L_d_w1"] - 0.02146953526581111) < 1e-15
"""),
    ("markdown", """
## The computation graph

The picture of the network with each edge labelled by its weight and local derivatives: ∂L/∂w1 is the product
of the labels along the path from w1 to L. Where Graphviz's `dot` is installed, Jupyter draws it (SVG);
otherwise it shows the DOT source's summary.
"""),
    ("code", """
from derivations.dot import picture

picture(d, highlight="w1")
"""),
    ("markdown", """
## Training

The article's stochastic gradient descent: 1000 epochs, learning rate 0.1, one step per person (Alice, Bob,
Charlie, Diana) in order, starting from standard normal weights (seeded here, so the run repeats).
"""),
    ("code", """
from derivations.training import train

run = train(seed=1)                 # the generated pure-Python code runs it
print(f"mean loss: epoch 1 {run.history[0]:.3f}, epoch 1000 {run.history[-1]:.5f}")
"""),
    ("code", """
%matplotlib inline
import matplotlib.pyplot as plt

figure, axes = plt.subplots(figsize=(6, 3))
axes.plot(range(1, len(run.history) + 1), run.history)
axes.set_xlabel("epoch")
axes.set_ylabel("mean loss over the four people")
axes.set_title("Training the article's network")
plt.show()
"""),
    ("code", """
emily, frank = run.predict([nncore.EMILY.x, nncore.FRANK.x])
print(f"Emily: {emily:.3f} ({nncore.gender_of(emily)})   Frank: {frank:.3f} ({nncore.gender_of(frank)})")
assert emily > 0.5 > frank          # the article: 0.951 (F) and 0.039 (M)
"""),
    ("markdown", """
## Checking a hand-written backprop

`check` compares a backprop you wrote against the derivation at Alice and at random points. Here is one with a
classic mistake: ∂h1/∂w1 multiplied by x2 instead of x1.
"""),
    ("code", """
from derivations.check import article_backprop

def my_backprop(params, x, y_true):
    grads = article_backprop(params, x, y_true)
    # the mistake: dL/dw1 with x2 where x1 belongs (dh1/dw1 = x1 * f'(sum_h1))
    grads["w1"] = grads["w1"] / x[0] * x[1]
    return grads

report = check(my_backprop)
print(report.to_text())
assert not report.ok and report.wrong_parameters == ["w1"]
"""),
    ("markdown", """
## More

* `nnderive html -o page.html` writes a page to open in any browser: move the weights with sliders and watch
  every factor follow, then train the network there.
* `nnderive codegen --target js` (or `python`, `numpy`, `c`) prints the gradient as standalone code.
* `nnderive derive --document -o chain.tex` writes the whole derivation as a LaTeX document.
"""),
]


def build_notebook():
    """The notebook as nbformat 4 JSON text (``.ipynb``); the same bytes every time."""
    cells = []
    for kind, source in CELLS:
        text = source.strip("\n")
        lines = text.splitlines(keepends=True)
        cell = {
            "cell_type": kind,
            # a stable id per cell (nbformat 4.5 wants one): from the text, so the file never changes by itself
            "id": hashlib.sha1(text.encode("utf-8")).hexdigest()[:12],
            "metadata": {},
            "source": lines,
        }
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        cells.append(cell)
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
