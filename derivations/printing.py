"""Plain-text renderings of chains and factors, for the terminal.

A stop-gap until the printers of issue 3: one line per chain or factor.
"""

import sympy

_NAMES = {"y_pred": "y_pred", "L": "L"}


def _q(symbol):
    return symbol.name


def text_ratio(factor):
    """∂h1/∂w1 for a factor."""
    return f"∂{_q(factor.of)}/∂{_q(factor.wrt)}"


def text_chain(partial):
    """∂L/∂w1 = ∂L/∂y_pred · ∂y_pred/∂h1 · ∂h1/∂w1."""
    return f"∂L/∂{partial.name} = " + " · ".join(text_ratio(f) for f in partial.factors)


def text_factor(factor):
    """∂h1/∂w1 = x1*d_sigmoid(sum_h1), with f' for the sigmoid's derivative."""
    expr = sympy.sstr(factor.named, order="none")
    expr = expr.replace("d_sigmoid", "f'").replace("sigmoid", "f")
    return f"{text_ratio(factor)} = {expr}"
