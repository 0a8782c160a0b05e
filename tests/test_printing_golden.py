"""Golden strings for our own notation on the article's network, in every format.

These are outputs nnderive owns (its notation, its layout), so they are
compared character for character: the chain for w1, w5 and b3, each factor as
the article boxes it, and for w1 the whole section.
"""

import pytest

from derivations import derive

W1_TEXT = """\
The partial ∂L/∂w₁
------------------

w₁ reaches the loss along one path, w₁ → h₁ → y_pred → L, so its partial is the product of one
factor per step.

  ∂L/∂w₁      = ∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁
  ∂L/∂y_pred  = -2(y_true - y_pred)
  ∂y_pred/∂h₁ = w₅ · f'(w₅ h₁ + w₆ h₂ + b₃)
  ∂h₁/∂w₁     = x₁ · f'(w₁ x₁ + w₂ x₂ + b₁)

Written out in the inputs, the target and the parameters:

  ∂L/∂w₁ = -2(y_true - f(w₅ · f(w₁ x₁ + w₂ x₂ + b₁) + w₆ · f(w₃ x₁ + w₄ x₂ + b₂) + b₃))
         · w₅ · f'(w₅ · f(w₁ x₁ + w₂ x₂ + b₁) + w₆ · f(w₃ x₁ + w₄ x₂ + b₂) + b₃)
         · x₁ · f'(w₁ x₁ + w₂ x₂ + b₁)

Here f is the sigmoid: f(x) = 1/(1 + e^-x), and f'(x) = f(x)(1 - f(x)).
"""

W1_LATEX = r"""\subsection*{The partial $\partial L/\partial w_1$}

$w_1$ reaches the loss along one path, $w_1 \to h_1 \to y_{\text{pred}} \to L$, so its partial is the product of one factor per step.

\begin{align*}
  \frac{\partial L}{\partial w_1} &= \frac{\partial L}{\partial y_{\text{pred}}} \cdot \frac{\partial y_{\text{pred}}}{\partial h_1} \cdot \frac{\partial h_1}{\partial w_1} \\
  \frac{\partial L}{\partial y_{\text{pred}}} &= -2(y_{\text{true}} - y_{\text{pred}}) \\
  \frac{\partial y_{\text{pred}}}{\partial h_1} &= w_5 \cdot f'(w_5 h_1 + w_6 h_2 + b_3) \\
  \frac{\partial h_1}{\partial w_1} &= x_1 \cdot f'(w_1 x_1 + w_2 x_2 + b_1)
\end{align*}

Written out in the inputs, the target and the parameters:

\begin{align*}
  \frac{\partial L}{\partial w_1} &= -2(y_{\text{true}} - f(w_5 \cdot f(w_1 x_1 + w_2 x_2 + b_1) + w_6 \cdot f(w_3 x_1 + w_4 x_2 + b_2) + b_3)) \\
  &\quad {}\cdot w_5 \cdot f'(w_5 \cdot f(w_1 x_1 + w_2 x_2 + b_1) + w_6 \cdot f(w_3 x_1 + w_4 x_2 + b_2) + b_3) \\
  &\quad {}\cdot x_1 \cdot f'(w_1 x_1 + w_2 x_2 + b_1)
\end{align*}

Here $f$ is the sigmoid: $f(x) = \frac{1}{1 + e^{-x}}$, and $f'(x) = f(x)\,(1 - f(x))$.
"""

W1_MARKDOWN = r"""### The partial $\partial L/\partial w_1$

$w_1$ reaches the loss along one path, $w_1 \to h_1 \to y_{\text{pred}} \to L$, so its partial is the product of one factor per step.

$$
\begin{aligned}
  \frac{\partial L}{\partial w_1} &= \frac{\partial L}{\partial y_{\text{pred}}} \cdot \frac{\partial y_{\text{pred}}}{\partial h_1} \cdot \frac{\partial h_1}{\partial w_1} \\
  \frac{\partial L}{\partial y_{\text{pred}}} &= -2(y_{\text{true}} - y_{\text{pred}}) \\
  \frac{\partial y_{\text{pred}}}{\partial h_1} &= w_5 \cdot f'(w_5 h_1 + w_6 h_2 + b_3) \\
  \frac{\partial h_1}{\partial w_1} &= x_1 \cdot f'(w_1 x_1 + w_2 x_2 + b_1)
\end{aligned}
$$

Written out in the inputs, the target and the parameters:

$$
\begin{aligned}
  \frac{\partial L}{\partial w_1} &= -2(y_{\text{true}} - f(w_5 \cdot f(w_1 x_1 + w_2 x_2 + b_1) + w_6 \cdot f(w_3 x_1 + w_4 x_2 + b_2) + b_3)) \\
  &\quad {}\cdot w_5 \cdot f'(w_5 \cdot f(w_1 x_1 + w_2 x_2 + b_1) + w_6 \cdot f(w_3 x_1 + w_4 x_2 + b_2) + b_3) \\
  &\quad {}\cdot x_1 \cdot f'(w_1 x_1 + w_2 x_2 + b_1)
\end{aligned}
$$

Here $f$ is the sigmoid: $f(x) = \frac{1}{1 + e^{-x}}$, and $f'(x) = f(x)\,(1 - f(x))$.
"""


@pytest.mark.parametrize("method, expected", [
    ("to_text", W1_TEXT), ("to_latex", W1_LATEX), ("to_markdown", W1_MARKDOWN),
])
def test_w1_section(method, expected):
    assert getattr(derive().partials["w1"], method)() == expected


CHAINS = {
    ("w5", "to_text"): """\
  ∂L/∂w₅      = ∂L/∂y_pred · ∂y_pred/∂w₅
  ∂L/∂y_pred  = -2(y_true - y_pred)
  ∂y_pred/∂w₅ = h₁ · f'(w₅ h₁ + w₆ h₂ + b₃)
""",
    ("b3", "to_text"): """\
  ∂L/∂b₃      = ∂L/∂y_pred · ∂y_pred/∂b₃
  ∂L/∂y_pred  = -2(y_true - y_pred)
  ∂y_pred/∂b₃ = f'(w₅ h₁ + w₆ h₂ + b₃)
""",
    ("w5", "to_latex"): r"""\begin{align*}
  \frac{\partial L}{\partial w_5} &= \frac{\partial L}{\partial y_{\text{pred}}} \cdot \frac{\partial y_{\text{pred}}}{\partial w_5} \\
  \frac{\partial L}{\partial y_{\text{pred}}} &= -2(y_{\text{true}} - y_{\text{pred}}) \\
  \frac{\partial y_{\text{pred}}}{\partial w_5} &= h_1 \cdot f'(w_5 h_1 + w_6 h_2 + b_3)
\end{align*}
""",
    ("b3", "to_latex"): r"""\begin{align*}
  \frac{\partial L}{\partial b_3} &= \frac{\partial L}{\partial y_{\text{pred}}} \cdot \frac{\partial y_{\text{pred}}}{\partial b_3} \\
  \frac{\partial L}{\partial y_{\text{pred}}} &= -2(y_{\text{true}} - y_{\text{pred}}) \\
  \frac{\partial y_{\text{pred}}}{\partial b_3} &= f'(w_5 h_1 + w_6 h_2 + b_3)
\end{align*}
""",
    ("w5", "to_markdown"): r"""$$
\begin{aligned}
  \frac{\partial L}{\partial w_5} &= \frac{\partial L}{\partial y_{\text{pred}}} \cdot \frac{\partial y_{\text{pred}}}{\partial w_5} \\
  \frac{\partial L}{\partial y_{\text{pred}}} &= -2(y_{\text{true}} - y_{\text{pred}}) \\
  \frac{\partial y_{\text{pred}}}{\partial w_5} &= h_1 \cdot f'(w_5 h_1 + w_6 h_2 + b_3)
\end{aligned}
$$
""",
    ("b3", "to_markdown"): r"""$$
\begin{aligned}
  \frac{\partial L}{\partial b_3} &= \frac{\partial L}{\partial y_{\text{pred}}} \cdot \frac{\partial y_{\text{pred}}}{\partial b_3} \\
  \frac{\partial L}{\partial y_{\text{pred}}} &= -2(y_{\text{true}} - y_{\text{pred}}) \\
  \frac{\partial y_{\text{pred}}}{\partial b_3} &= f'(w_5 h_1 + w_6 h_2 + b_3)
\end{aligned}
$$
""",
}


@pytest.mark.parametrize("param, method", sorted(CHAINS))
def test_chain_and_factors(param, method):
    assert CHAINS[param, method] in getattr(derive().partials[param], method)()


def test_factor_as_the_article_boxes_it():
    d = derive()
    assert d.factors["d_h1_d_w1"].to_text() == "  ∂h₁/∂w₁ = x₁ · f'(w₁ x₁ + w₂ x₂ + b₁)\n"
    assert d.factors["d_L_d_ypred"].to_latex() == (
        "\\begin{align*}\n  \\frac{\\partial L}{\\partial y_{\\text{pred}}} &= -2(y_{\\text{true}} - y_{\\text{pred}})\n\\end{align*}\n"
    )
    assert d.factors["d_ypred_d_h1"].to_markdown() == (
        "$$\n\\begin{aligned}\n  \\frac{\\partial y_{\\text{pred}}}{\\partial h_1} &= w_5 \\cdot f'(w_5 h_1 + w_6 h_2 + b_3)\n"
        "\\end{aligned}\n$$\n"
    )


def test_network_and_rule_stated_once():
    text = derive().to_text()
    assert """\
  h₁     = f(w₁ x₁ + w₂ x₂ + b₁)
  h₂     = f(w₃ x₁ + w₄ x₂ + b₂)
  y_pred = f(w₅ h₁ + w₆ h₂ + b₃)   (the output o₁)
  L      = (y_true - y_pred)²   (the loss on one sample)
""" in text
    assert text.count("f'(x) = f(x)(1 - f(x))") == 1
