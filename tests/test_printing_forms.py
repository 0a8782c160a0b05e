"""What is shown equals what is computed: every printed form is checked against the derivation.

The forms are built in the article's order, unevaluated; ``doit()`` lets SymPy
evaluate them again, and the result must equal the derivation's own
expressions (``Partial.expr``, ``Factor.named``), which ``Derivation.verify``
proves equal to ``sympy.diff`` of the expanded loss.
"""

import pytest
import sympy
from sympy import Derivative

from derivations import Network, derive
from derivations.printing.forms import Forms

NETWORKS = [
    None,  # the article's
    Network((2, 3, 3, 1), "tanh", "sigmoid", "bce"),
    Network((2, 2, 2, 2, 1)),
    Network((3, 2, 2), ("relu", "identity")),
    Network((2, 3, 1), "softplus"),
]


def _same(a, b):
    # SymPy distributes -2*(y_true - y_pred) when it evaluates, so compare expanded
    return a == b or sympy.expand(a - b) == 0


def _as_symbols(expr, derivation):
    return expr.xreplace({Derivative(f.of, f.wrt): f.symbol for f in derivation.factors.values()})


@pytest.fixture(params=NETWORKS, ids=lambda n: "article" if n is None else n.describe())
def derivation(request):
    return derive(request.param)


def test_raw_partial_equals_the_partial(derivation):
    forms = Forms(derivation)
    for p in derivation.partials.values():
        assert _same(forms.raw_partial(p).doit(), p.expr), p.name


def test_chain_is_the_product_of_the_factors(derivation):
    forms = Forms(derivation)
    for p in derivation.partials.values():
        assert _as_symbols(forms.chain(p), derivation).doit() == p.named


def test_upstream_sums(derivation):
    forms = Forms(derivation)
    upstream = [f for f in derivation.factors.values() if f.kind == "upstream"]
    for f in upstream:
        assert _same(_as_symbols(forms.upstream(f), derivation).doit(), f.named), f.name
        assert len(forms.upstream_terms(f)) == len(forms.consumers(f))


def test_factor_formulas_and_definitions(derivation):
    forms, g = Forms(derivation), derivation.graph
    sums = {n.sum: n.pre_activation for n in g.neurons}
    for f in derivation.factors.values():
        if f.kind != "upstream":
            assert _same(forms.formula(f.named).doit(), f.named.xreplace(sums)), f.name
    for n in g.neurons:
        assert _same(forms.definition(n).doit(), g.definitions[n.out].xreplace(sums)), n.name


def test_article_order():
    # the terms themselves, in the article's order (compared as expressions, not as SymPy's text)
    d = derive()
    h1 = d.graph.neurons[0]
    w1, w2, x1, x2, b1 = (d.graph.symbol(n) for n in ("w1", "w2", "x1", "x2", "b1"))
    assert list(Forms(d).definition(h1).args[0].args) == [w1 * x1, w2 * x2, b1]


def test_path_of_a_single_path_partial():
    d = derive()
    assert [s.name for s in Forms(d).path(d.partials["w1"])] == ["w1", "h1", "y_pred", "L"]


def test_needed_factors_cover_upstream_sums():
    d = derive(Network((2, 2, 2, 2, 1)))
    names = [f.name for f in Forms(d).needed([d.partials["w1"]])]
    assert names[0] == "d_L_d_ypred" and names[-1] == "d_h1_d_w1"
    assert {"d_L_d_h1", "d_L_d_h3", "d_L_d_h4", "d_h3_d_h1", "d_h4_d_h1"} <= set(names)


def test_raw_size_is_cheap_and_grows_with_depth():
    shallow, deep = derive(), derive(Network((2, 3, 3, 1)))
    assert Forms(shallow).raw_size(shallow.partials["w1"]) < Forms(deep).raw_size(deep.partials["w18"])
