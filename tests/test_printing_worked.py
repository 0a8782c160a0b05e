"""The worked example: the article's numbers for Alice, and hand computations elsewhere.

The references are docs/article.md (Alice) and computations written out here with
Python's ``math``, step by step, rounding each step as a person does by hand;
none of them uses :mod:`derivations`.
"""

import math

import pytest

from derivations import Network, derive
from derivations.printing import OptionError, to_text
from derivations.printing.points import DEFAULT_POINT, parameter_values, point
from derivations.printing.worked import WorkedExample

# docs/article.md, "The worked example": the article's rounded numbers and the full-precision partials
ARTICLE_ROUNDED = {
    "h1": 0.0474, "h2": 0.0474, "y_pred": 0.524, "d_L_d_ypred": -0.952,
    "d_ypred_d_h1": 0.249, "d_h1_d_w1": -0.0904, "d_L_d_w1": 0.0214,
}
ARTICLE_EXACT = {
    "w1": 0.02146953526581111, "w2": 0.010734767632905555, "w3": 0.02146953526581111,
    "w4": 0.010734767632905555, "w5": -0.011269220242958155, "w6": -0.011269220242958155,
    "b1": -0.010734767632905555, "b2": -0.010734767632905555, "b3": -0.23761755952842809,
}


def example(network=None, at="alice", weights=None, biases=None, digits=3, params=None):
    d = derive(network)
    partials = [d.partials[p] for p in (params or d.partials)]
    return WorkedExample(d, point(at, d), parameter_values(d, weights, biases), digits, partials)


def test_alice_as_in_the_article():
    alice = example()
    for name, value in ARTICLE_ROUNDED.items():
        assert alice.numbers[name] == value, name
    for name, value in ARTICLE_EXACT.items():
        assert alice.exact[f"d_L_d_{name}"] == pytest.approx(value, rel=1e-14, abs=0), name


def test_alice_text_shows_each_substitution():
    text = to_text(derive(), params=["w1"], at="alice")
    for step in [
        "h₁     = f(w₁ x₁ + w₂ x₂ + b₁) = f(-2 + -1 + 0) = f(-3) = 0.0474",
        "y_pred = f(w₅ h₁ + w₆ h₂ + b₃) = f(0.0474 + 0.0474 + 0) = f(0.0948) = 0.524",
        "∂L/∂y_pred  = -2(y_true - y_pred) = -2(1 - 0.524) = -0.952",
        "∂y_pred/∂h₁ = w₅ · f'(w₅ h₁ + w₆ h₂ + b₃) = 1 · f'(0.0948) = 0.249",
        "∂h₁/∂w₁     = x₁ · f'(w₁ x₁ + w₂ x₂ + b₁) = -2 · f'(-3) = -0.0904",
        "∂L/∂w₁ = ∂L/∂y_pred · ∂y_pred/∂h₁ · ∂h₁/∂w₁ = -0.952 · 0.249 · -0.0904 = 0.0214",
        "∂L/∂w₁ = 0.02146953526581111   (rounds to 0.0215, not 0.0214)",
        "Every weight is 1 and every bias 0",
    ]:
        assert step in text, step


def _r(value, digits):
    return float(f"{value:.{digits}g}")


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


def test_bob_by_hand():
    """Bob with other parameters and 4 digits, against the article's network worked out with math."""
    w = [0.5, -1.2, 0.3, 0.8, -0.7, 1.1]
    b = [0.1, -0.2, 0.05]
    x1, x2, y = 25, 6, 0
    got = example(at="bob", weights=w, biases=b, digits=4)

    r = lambda v: _r(v, 4)  # noqa: E731
    w1, w2, w3, w4, w5, w6 = w
    b1, b2, b3 = b
    s1 = r(w1 * x1 + w2 * x2 + b1)
    h1 = r(_sigmoid(s1))
    s2 = r(w3 * x1 + w4 * x2 + b2)
    h2 = r(_sigmoid(s2))
    s3 = r(w5 * h1 + w6 * h2 + b3)
    yp = r(_sigmoid(s3))
    dfo = _sigmoid(s3) * (1 - _sigmoid(s3))
    hand = {
        "sum_h1": s1, "h1": h1, "sum_h2": s2, "h2": h2, "sum_o1": s3, "y_pred": yp, "L": r((y - yp) ** 2),
        "d_L_d_ypred": r(-2 * (y - yp)),
        "d_ypred_d_h1": r(w5 * dfo), "d_ypred_d_h2": r(w6 * dfo),
        "d_ypred_d_w5": r(h1 * dfo), "d_ypred_d_w6": r(h2 * dfo), "d_ypred_d_b3": r(dfo),
        "d_h1_d_w1": r(x1 * _sigmoid(s1) * (1 - _sigmoid(s1))), "d_h1_d_b1": r(_sigmoid(s1) * (1 - _sigmoid(s1))),
    }
    hand["d_L_d_w1"] = r(hand["d_L_d_ypred"] * hand["d_ypred_d_h1"] * hand["d_h1_d_w1"])
    hand["d_L_d_w5"] = r(hand["d_L_d_ypred"] * hand["d_ypred_d_w5"])
    hand["d_L_d_b3"] = r(hand["d_L_d_ypred"] * hand["d_ypred_d_b3"])
    for name, value in hand.items():
        assert got.numbers[name] == value, name

    # full precision, no rounding anywhere
    sh1, sh2 = w1 * x1 + w2 * x2 + b1, w3 * x1 + w4 * x2 + b2
    eh1, eh2 = _sigmoid(sh1), _sigmoid(sh2)
    so = w5 * eh1 + w6 * eh2 + b3
    eyp = _sigmoid(so)
    d_out = -2 * (y - eyp) * eyp * (1 - eyp)
    exact = {"w1": d_out * w5 * x1 * eh1 * (1 - eh1), "w5": d_out * eh1, "b3": d_out, "b1": d_out * w5 * eh1 * (1 - eh1)}
    for name, value in exact.items():
        assert got.exact[f"d_L_d_{name}"] == pytest.approx(value, rel=1e-12), name


def test_tanh_bce_network_by_hand():
    """A 2-2-1 tanh network with a sigmoid output and cross-entropy, where the chain starts at sum_o1."""
    net = Network((2, 2, 1), "tanh", "sigmoid", "bce")
    w = [0.4, -0.6, 0.9, 0.2, 1.5, -0.8]
    b = [0.0, 0.3, -0.1]
    got = example(net, at=(1.5, -2.0, 1.0), weights=w, biases=b, digits=3)
    r = lambda v: _r(v, 3)  # noqa: E731
    s1 = r(0.4 * 1.5 + -0.6 * -2.0 + 0.0)
    h1 = r(math.tanh(s1))
    s2 = r(0.9 * 1.5 + 0.2 * -2.0 + 0.3)
    h2 = r(math.tanh(s2))
    so = r(1.5 * h1 + -0.8 * h2 - 0.1)
    yp = r(_sigmoid(so))
    hand = {"h1": h1, "h2": h2, "y_pred": yp, "d_L_d_sum_o1": r(yp - 1.0), "d_sum_o1_d_h1": 1.5,
            "d_h1_d_w1": r(1.5 * (1 - math.tanh(s1) ** 2))}
    hand["d_L_d_w1"] = r(hand["d_L_d_sum_o1"] * hand["d_sum_o1_d_h1"] * hand["d_h1_d_w1"])
    for name, value in hand.items():
        assert got.numbers[name] == value, name
    eh1 = math.tanh(0.4 * 1.5 + 0.6 * 2.0)
    eh2 = math.tanh(0.9 * 1.5 - 0.4 + 0.3)
    eyp = _sigmoid(1.5 * eh1 - 0.8 * eh2 - 0.1)
    assert got.exact["d_L_d_w1"] == pytest.approx((eyp - 1) * 1.5 * 1.5 * (1 - eh1 ** 2), rel=1e-12)


def test_several_paths_by_hand():
    """2-2-2-1 with the article's defaults: h1 reaches the loss through h3 and h4."""
    got = example(Network((2, 2, 2, 1)), at=(1.0, 0.0, 1.0), params=["w1"])
    r = lambda v: _r(v, 3)  # noqa: E731
    h1 = r(_sigmoid(1.0))
    s3 = r(h1 + h1)  # h1 = h2, weights 1, biases 0
    h3 = r(_sigmoid(s3))
    so = r(h3 + h3)
    yp = r(_sigmoid(so))
    d_l = r(-2 * (1 - yp))
    d_o_h3 = r(_sigmoid(so) * (1 - _sigmoid(so)))
    d_h3_h1 = r(_sigmoid(s3) * (1 - _sigmoid(s3)))
    up = r(2 * (d_l * d_o_h3 * d_h3_h1))
    assert got.numbers["d_L_d_h1"] == up
    assert got.numbers["d_L_d_w1"] == r(up * r(1.0 * _sigmoid(1.0) * (1 - _sigmoid(1.0))))


@pytest.mark.parametrize("name, label, prediction", [("emily", 1.0, "0.951"), ("Frank", 0.0, "0.039")])
def test_unlabelled_people_use_the_articles_prediction(name, label, prediction):
    p = point(name, derive())
    assert p.y == (label,) and p.predicted is not None
    text = " ".join(to_text(derive().partials["b3"], at=name).split())  # as one line, whatever the wrapping
    assert f"predicts {prediction}" in text and "For the other label give the numbers" in text


def test_default_point_for_a_document():
    assert point(DEFAULT_POINT, derive()).name == "Alice"
    other = point(DEFAULT_POINT, derive(Network((3, 2, 2))))
    assert other.x == (1.0, 1.0, 1.0) and other.y == (1.0, 1.0)


@pytest.mark.parametrize("at, message", [
    ((1, 2), "expected 3 numbers (x1, x2, y_true), got 2"),
    ((1, 2, 3, 4), "expected 3 numbers"),
    ((1, "2", 3), "x2 must be a number"),
    ((1, float("nan"), 3), "x2 must be a finite number"),
    ((1, 2, float("inf")), "y_true must be a finite number"),
    ((True, 2, 3), "x1 must be a number"),
    ("zoe", "no person named 'zoe'"),
    ("1,2,3", "no person named"),
])
def test_bad_points(at, message):
    with pytest.raises(OptionError, match="^at: ") as error:
        point(at, derive())
    assert message in str(error.value)


def test_people_need_a_network_they_fit():
    with pytest.raises(OptionError, match="fit networks with 2 inputs and 1 output; give 4 numbers"):
        point("alice", derive(Network((3, 2, 1))))


def test_bad_parameters_and_digits():
    d = derive()
    with pytest.raises(OptionError, match=r"^weights: expected 6 numbers \(w1, .*\), got 2"):
        to_text(d, at="alice", weights=[1, 2])
    with pytest.raises(OptionError, match="^biases: b2 must be a finite number"):
        to_text(d, at="alice", biases=[0, float("inf"), 0])
    for digits in (0, 18, 2.5, True):
        with pytest.raises(OptionError, match="^digits: "):
            to_text(d, at="alice", digits=digits)


def test_overflow_is_a_clear_error():
    with pytest.raises(OptionError, match="too large"):
        to_text(derive(), at=(1e308, 1e308, 1), weights=[1e308, 1e308, 1, 1, 1, 1])


def test_large_inputs_stay_finite():
    # saturated sigmoids: no overflow warning (warnings are errors in the tests), no NaN
    text = to_text(derive(), params=["w1"], at=(1e6, -1e6, 0))
    assert "nan" not in text and "inf" not in text


# --- rounding as a person does: half-up on the decimal digits shown, trailing zeros kept -------------

@pytest.mark.parametrize("value, digits, shown", [
    (2.985, 3, "2.99"),          # '%.3g' gives 2.98: the float nearest 2.985 is 2.98499999...
    (0.125, 2, "0.13"),          # '%.2g' gives 0.12 (half to even)
    (1.005, 3, "1.01"),
    (-0.0009045, 3, "-0.000905"),
    (0.00029, 3, "0.000290"),    # the zero is significant
    (0.5, 3, "0.500"),
    (-3.0, 3, "-3"),             # a whole number stays whole
    (9.9996, 4, "10.00"),
    (1.349e-5, 3, "1.35e-05"),
])
def test_numbers_round_half_up_and_keep_their_zeros(value, digits, shown):
    from derivations.printing.notation import format_number

    assert format_number(value, digits) == shown


def test_worked_example_rounds_half_up_and_carries_the_zeros():
    from derivations import Network, derive

    d = derive(Network((1, 1), "identity"))
    text = d.to_text(at=(2.985, 0))
    assert "y_pred = w₁ x₁ + b₁ = 2.99 + 0 = 2.99" in text
    assert "= -2(0 - 2.99) = 5.98" in text
    text = d.to_text(at=(0.00029, 0))
    assert "= -2(0 - 0.000290) = 0.000580" in text
