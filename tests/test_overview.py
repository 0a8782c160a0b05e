"""Plain ``nnderive``: the article's nine partials in chain-rule form, then Alice checked two ways."""

from derivations.cli import main
from derivations.commands import overview

# docs/article.md: the nine partials for Alice with every weight 1 and every bias 0, at full precision
ARTICLE_EXACT = {
    "w₁": "0.02146953526581111", "w₂": "0.010734767632905555", "w₃": "0.02146953526581111",
    "w₄": "0.010734767632905555", "w₅": "-0.011269220242958155", "w₆": "-0.011269220242958155",
    "b₁": "-0.010734767632905555", "b₂": "-0.010734767632905555", "b₃": "-0.23761755952842809",
}


def test_plain_nnderive_runs_the_overview(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out == overview.render()


def test_chains_and_factors():
    text = overview.render()
    assert "  h₁ = f(w₁ x₁ + w₂ x₂ + b₁)" in text
    assert "  f(x) = 1/(1 + e^-x), f'(x) = f(x)(1 - f(x))" in text
    assert "  ∂L/∂w₁ = ∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁" in text
    assert "  ∂L/∂b₃ = ∂L/∂y_pred · ∂y_pred/∂b₃" in text
    assert text.count("  ∂L/∂w") + text.count("  ∂L/∂b") >= 9
    assert "  ∂L/∂y_pred = -2(y_true - y_pred)" in text
    assert "  ∂y_pred/∂h₁ = w₅ · f'(w₅ h₁ + w₆ h₂ + b₃)" in text
    assert "  ∂h₁/∂w₁ = x₁ · f'(w₁ x₁ + w₂ x₂ + b₁)" in text
    assert len([line for line in text.splitlines() if line.startswith("  ∂") and " = " in line
                and "·" not in line.split(" = ")[0]]) >= 9 + 12


def test_alice_table_agrees_with_the_article():
    lines = overview.render().splitlines()
    table = {line.split()[0].removeprefix("∂L/∂"): line.split()[1:] for line in lines if line.startswith("  ∂L/∂")
             and len(line.split()) == 4}
    assert len(table) == 9
    for name, value in ARTICLE_EXACT.items():
        symbolic, handwritten, difference = table[name]
        assert symbolic == value and handwritten == value and float(difference) <= 1e-12
    assert "The two agree" in lines[-2]
