"""How the report writes factors and lists: ∂h1/∂w1, "w1, w2 and b1".

>>> from derivations import derive
>>> factor_label(derive(), "d_ypred_d_h1")
'∂y_pred/∂h1'
>>> join(["w1", "w2", "b1"]), join(["w5"])
('w1, w2 and b1', 'w5')
>>> plain("∂L/∂w1 = ∂L/∂y_pred · ∂y_pred/∂w1 — f′")
"dL/dw1 = dL/dy_pred * dy_pred/dw1 - f'"
"""

from derivations.naming import report_ratio
from derivations.naming import words as join


def factor_label(derivation, name):
    """``d_h1_d_w1`` written as the article writes it: ∂h1/∂w1."""
    factor = derivation.factors.get(name)
    if factor is None:
        return name
    return report_ratio(factor.of, factor.wrt)


def are(items):
    """``is`` or ``are``, to agree with a list."""
    return "is" if len(items) == 1 else "are"


#: for a terminal that cannot show them
_ASCII = str.maketrans({"∂": "d", "·": "*", "—": "-", "–": "-", "′": "'", "×": "x", "…": "...", "≈": "~",
                        "½": "1/2", "²": "^2"})


def plain(text):
    """``text`` with the report's few non-ASCII signs spelled in ASCII."""
    return text.translate(_ASCII)
