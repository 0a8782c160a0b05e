"""The Python API: to_text / to_latex / to_markdown on any network, options, Jupyter display."""

import pytest

from derivations import Network, derive
from derivations.chain import Partial
from derivations.printing import (
    OptionError,
    text_chain,
    text_definitions,
    text_factor,
    text_partial,
    text_rules,
    to_latex,
    to_markdown,
    to_text,
)

OTHER_NETWORKS = [
    Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
    Network((3, 2, 2), ("relu", "identity")),
    Network((2, 3, 1), "softplus"),
]


def test_methods_and_jupyter_display():
    d = derive()
    assert d.to_text() == to_text(d)
    assert d.partials["w1"].to_latex(params=None) == to_latex(d.partials["w1"])
    markdown = d.partials["w1"]._repr_markdown_()
    # Jupyter: the Markdown, with bold captions where a file has headings (a notebook's contents
    # would list every derivation shown)
    assert markdown == to_markdown(d.partials["w1"]).replace("### The partial $\\partial L/\\partial w_1$",
                                                             "**The partial $\\partial L/\\partial w_1$**")
    assert "$$\n\\begin{aligned}" in markdown
    assert d._repr_markdown_().startswith("**The chain rule")
    assert not any(line.startswith("#") for line in d._repr_markdown_().splitlines())
    assert "\\frac{\\partial h_1}{\\partial w_1}" in d.factors["d_h1_d_w1"]._repr_markdown_()


def test_params_select_sections_in_the_order_given():
    text = to_text(derive(), params=["b3", "w1", "b3"], compact=False)
    assert text.count("The partial ∂L/∂") == 2
    assert text.index("The partial ∂L/∂b₃") < text.index("The partial ∂L/∂w₁")


def test_bad_options():
    d = derive()
    with pytest.raises(OptionError, match=r"^params: unknown parameter 'w7' \(this network has w1, "):
        to_text(d, params=["w7"])
    with pytest.raises(OptionError, match="^document: a document is LaTeX"):
        to_markdown(d, document=True)
    with pytest.raises(OptionError, match="^document: a document is made from a whole Derivation"):
        to_latex(d.partials["w1"], document=True)
    with pytest.raises(TypeError):
        to_text(d, colour="red")
    with pytest.raises(TypeError, match="cannot print a int"):
        to_text(3)


def test_long_parameter_lists_are_shortened():
    with pytest.raises(OptionError, match=r"this network has w1 to w18, b1 to b7\)"):
        to_text(derive(OTHER_NETWORKS[0]), params=["w99"])


@pytest.mark.parametrize("network", OTHER_NETWORKS, ids=lambda n: n.describe())
@pytest.mark.parametrize("printer", [to_text, to_latex, to_markdown])
def test_every_format_for_other_networks(network, printer):
    d = derive(network)
    at = tuple(range(1, len(d.inputs) + 1)) + (1,) * len(d.targets)
    out = printer(d, at=at, compact=False)
    headings = "The partial ∂L/∂" if printer is to_text else r"The partial $\partial L/\partial "
    assert out.count(headings) == len(d.params)
    assert "Worked example" in out and "At full precision" in out
    compact = printer(d, at=at)  # every parameter's chain, in one display, and no section each
    assert headings not in compact and "Every partial, by the chain rule" in compact
    assert "Worked example" in compact and "At full precision" in compact


def test_notation_names_the_functions():
    text = to_text(derive(OTHER_NETWORKS[0]), compact=False)
    assert "tanh'(x) = 1 - tanh²(x)" in text and "σ'(x) = σ(x)(1 - σ(x))" in text
    assert text.count("tanh'(x) = ") == 1 and "f'" not in text
    assert "∂h₁/∂w₁ = x₁ · tanh'(w₁ x₁ + w₂ x₂ + b₁)" in text
    relu = to_text(derive(OTHER_NETWORKS[1]))
    assert "ReLU'(x) = 1 if x > 0, else 0" in relu and "its derivative is 1" in relu
    assert "softplus'(x) = 1/(1 + e^-x)" in to_text(derive(OTHER_NETWORKS[2]))


def test_cross_entropy_starts_at_the_sum():
    text = " ".join(to_text(derive(OTHER_NETWORKS[0])).split())
    assert "the chain starts at ∂L/∂sum_o₁ instead of ∂L/∂y_pred" in text
    assert "∂L/∂sum_o₁ = y_pred - y_true" in text


def test_several_paths_are_summed_visibly():
    text = to_text(derive(OTHER_NETWORKS[0]), params=["w1"])
    assert "w₁ reaches the loss along 3 paths: h₁ feeds h₄, h₅ and h₆" in text
    assert """\
  ∂L/∂h₁  = ∂L/∂sum_o₁ · ∂sum_o₁/∂h₄ · ∂h₄/∂h₁
          + ∂L/∂sum_o₁ · ∂sum_o₁/∂h₅ · ∂h₅/∂h₁
          + ∂L/∂sum_o₁ · ∂sum_o₁/∂h₆ · ∂h₆/∂h₁
""" in text
    assert "Neurons that feed several others" in text


def test_few_nested_paths_are_listed():
    text = to_text(derive(Network((2, 2, 2, 2, 1))), params=["w1"])
    assert "The 4 paths one by one:" in text
    assert "  ∂L/∂h₁  = ∂L/∂h₃ · ∂h₃/∂h₁ + ∂L/∂h₄ · ∂h₄/∂h₁" in text


def test_many_paths_are_never_enumerated(monkeypatch):
    monkeypatch.setattr(Partial, "paths", property(lambda self: pytest.fail("paths enumerated")))
    d = derive(Network((2, 5, 5, 5, 1)))
    assert d.partials["w1"].n_paths == 25
    text = to_text(d, params=["w1", "w60"], compact=False)
    assert "paths one by one" not in text and "reaches the loss along 25 paths" in text


def test_one_line_helpers():
    d = derive()
    assert text_chain(d.partials["w5"]) == "∂L/∂w₅ = ∂L/∂y_pred · ∂y_pred/∂w₅"
    assert text_factor(d.factors["d_L_d_ypred"]) == "∂L/∂y_pred = -2(y_true - y_pred)"
    assert text_partial(d.partials["b1"]) == "∂L/∂b₁"
    assert text_definitions(d)[-1] == "L = (y_true - y_pred)²"
    assert text_rules(d) == ["f(x) = 1/(1 + e^-x), f'(x) = f(x)(1 - f(x))"]


def test_sympys_own_latex_shows_f_prime_as_jupyter_does():
    import sympy

    d = derive()
    shown = d.factors["d_h1_d_w1"].named._repr_latex_()  # what Jupyter shows for .named
    assert "f'" in shown and "d_{sigmoid}" not in shown and "sigmoid" not in shown
    assert sympy.latex(d.factors["d_h1_d_w1"].raw).count("f'") == 1
    tanh = derive(Network((2, 2, 1), "tanh", "identity")).factors["d_h1_d_w1"].named
    assert r"\tanh'" in sympy.latex(tanh)
