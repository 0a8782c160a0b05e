"""Every activation, one record each: maths, numbers, notation and generated code side by side.

A record holds everything nnderive knows about an activation (see
:class:`derivations.rules.base.Activation`): the SymPy function and its
derivative, the explicit formula the verifier differentiates, the numpy
version, how printers spell it, and the helper functions each code target
writes.  Adding an activation is adding one record here.

Every numpy function and every helper is safe for any float: nothing
overflows, whatever the input (inputs up to ±1e4 and parameters up to ±1e3
are tested).

>>> from sympy import Symbol
>>> s = Symbol("s")
>>> ACTIVATIONS["sigmoid"].derivative_of(s) == d_sigmoid(s)
True
>>> ACTIVATIONS["sigmoid"].derivative_via(s, sigmoid(s)) == sigmoid(s) * (1 - sigmoid(s))
True
>>> print(np_sigmoid(-1e4), np_sigmoid(0.0), np_softplus(1e4))
0.0 0.5 10000.0
"""

import numpy as np
import sympy
from sympy import Heaviside, Max, Rational, exp, log

from derivations.rules.base import Activation, ActivationFunction, Helper, Spelling

# --- the sigmoid: the article's f ------------------------------------------------------------


class sigmoid(ActivationFunction):
    """The logistic function 1/(1 + e^(-x)); the article's f."""

    latex_name = r"f"

    def fdiff(self, argindex=1):
        return d_sigmoid(self.args[0])

    def explicit(self):
        return 1 / (1 + exp(-self.args[0]))


class d_sigmoid(ActivationFunction):
    """f'(x) for the sigmoid: f(x) (1 - f(x))."""

    latex_name = r"f'"

    def fdiff(self, argindex=1):
        x = self.args[0]
        return d_sigmoid(x) * (1 - 2 * sigmoid(x))

    def explicit(self):
        s = sigmoid(self.args[0]).explicit()
        return s * (1 - s)


def np_sigmoid(x):
    """1/(1 + e^-x), elementwise, to the last bit; below x = -700, where e^-x would overflow, e^x."""
    x = np.asarray(x, dtype=float)
    # one read of x says whether any entry needs the clamp: usually none does, and the
    # common path is then four passes over a block (negate, exp, add, invert), in place
    low = x.size > 0 and not np.min(x) >= -700.0  # a NaN takes the careful path too
    textbook = np.asarray(np.maximum(x, -700.0) if low else np.negative(x))  # an array even for one number
    if low:
        np.negative(textbook, out=textbook)
    np.exp(textbook, out=textbook)
    textbook += 1.0
    np.reciprocal(textbook, out=textbook)
    if low:  # rare: one extra exp only where it is needed
        textbook = np.where(x < -700.0, np.exp(np.minimum(x, 0.0)), textbook)
    return textbook[()]


def np_d_sigmoid(x):
    s = np_sigmoid(x)
    return s * (1.0 - s)


SIGMOID = Activation(
    "sigmoid", sigmoid, d_sigmoid,
    derivative_via=lambda x, fx: fx * (1 - fx),
    explicit=lambda x: 1 / (1 + exp(-x)),
    numpy={"sigmoid": np_sigmoid, "d_sigmoid": np_d_sigmoid},
    spelling=Spelling(
        "σ", r"\sigma", "the sigmoid",
        ("{f}(x) = 1/(1 + e^-x)", "{f}'(x) = {f}(x)(1 - {f}(x))"),
        (r"{f}(x) = \frac{{1}}{{1 + e^{{-x}}}}", r"{f}'(x) = {f}(x)\,(1 - {f}(x))"),
        (
            '{f}<mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup></mrow></mfrac>',
            '<msup>{f}<mo>′</mo></msup><mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo>{f}<mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>&#x2062;</mo><mo>(</mo><mn>1</mn><mo>−</mo>{f}<mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>)</mo>',
        ),
    ),
    definition="sigmoid(x) = 1/(1 + e^-x)   (the article's f)",
    bounds=(0.0, 1.0),
    calls={"sigmoid": "sigmoid", "d_sigmoid": "d_sigmoid"},
    helpers={
        "js": {
            "sigmoid": Helper("""
/** The article's f(x) = 1/(1 + e^-x); below x = -700, where e^-x overflows, it is e^x. */
function sigmoid(x) {
  if (x < -700) return Math.exp(x);
  return 1 / (1 + Math.exp(-x));
}
"""),
            "d_sigmoid": Helper("""
/** f'(x) = f(x) * (1 - f(x)). */
function d_sigmoid(x) {
  const s = sigmoid(x);
  return s * (1 - s);
}
""", needs=("sigmoid",)),
        },
        "python": {
            "sigmoid": Helper('''
def sigmoid(x):
    """The article's f(x) = 1/(1 + e^-x); below x = -700, where e^-x would overflow, it is e^x."""
    if x < -700.0:
        return math.exp(x)
    return 1.0 / (1.0 + math.exp(-x))
'''),
            "d_sigmoid": Helper('''
def d_sigmoid(x):
    """f'(x) = f(x) * (1 - f(x))."""
    s = sigmoid(x)
    return s * (1.0 - s)
''', needs=("sigmoid",)),
        },
        "numpy": {
            "sigmoid": Helper('''
def sigmoid(x):
    """The article's f(x) = 1/(1 + e^-x), elementwise; below x = -700, where e^-x
    would overflow, it is e^x, which equals f(x) to double precision."""
    textbook = 1.0 / (1.0 + np.exp(-np.maximum(x, -700.0)))
    return np.where(x < -700.0, np.exp(np.minimum(x, 0.0)), textbook)
'''),
            "d_sigmoid": Helper('''
def d_sigmoid(x):
    """f'(x) = f(x) * (1 - f(x))."""
    s = sigmoid(x)
    return s * (1.0 - s)
''', needs=("sigmoid",)),
        },
        "c": {
            "sigmoid": Helper("""
/* The article's f(x) = 1/(1 + e^-x); below x = -700, where e^-x would overflow, e^x. */
static double sigmoid(double x)
{
    if (x < -700.0)
        return exp(x);
    return 1.0 / (1.0 + exp(-x));
}
"""),
            "d_sigmoid": Helper("""
/* f'(x) = f(x) (1 - f(x)) */
static double d_sigmoid(double x)
{
    const double s = sigmoid(x);
    return s * (1.0 - s);
}
""", needs=("sigmoid",)),
        },
        # the layer style works on whole arrays and loops: one exp per entry, of -|x|, which
        # cannot overflow (the scalar helpers' np.where computes exp twice), and no branch
        "numpy_layers": {
            "sigmoid": Helper('''
def sigmoid(x):
    """The article's f(x) = 1/(1 + e^-x), elementwise, from one exp that cannot overflow:
    with e = e^-|x| (at most 1), f(x) = 1/(1 + e) for x >= 0 and e/(1 + e) below.
    In place where it can be: a block's matrices are large, and exp is the costly part."""
    e = np.copysign(x, -1.0)     # -|x|
    np.exp(e, out=e)             # e^-|x|, in (0, 1]
    f = np.maximum(e, x >= 0.0)  # the numerator: 1 for x >= 0 (as e <= 1), else e (as e >= 0)
    e += 1.0
    f /= e
    return f
'''),
        },
        "c_layers": {
            "sigmoid": Helper("""
/* The article's f(x) = 1/(1 + e^-x) from one exp that cannot overflow: with e = e^-|x|
 * (at most 1), f(x) = 1/(1 + e) for x >= 0 and e/(1 + e) below. No branch, only a select:
 * a compiler with a vector exp can run a loop of these in vector registers. */
static inline double sigmoid(double x)
{
    const double e = exp(-fabs(x));
    return (x >= 0.0 ? 1.0 : e) / (1.0 + e);
}
"""),
        },
    },
)

# --- tanh: SymPy's own function, our derivative ------------------------------------------------


class d_tanh(ActivationFunction):
    """tanh'(x) = 1 - tanh(x)^2."""

    latex_name = r"\tanh'"

    def fdiff(self, argindex=1):
        x = self.args[0]
        return -2 * sympy.tanh(x) * d_tanh(x)

    def explicit(self):
        return 1 - sympy.tanh(self.args[0]) ** 2


def np_d_tanh(x):
    return 1.0 - np.tanh(x) ** 2


TANH = Activation(
    "tanh", sympy.tanh, d_tanh,
    derivative_via=lambda x, fx: 1 - fx**2,
    explicit=sympy.tanh,
    numpy={"tanh": np.tanh, "d_tanh": np_d_tanh},
    spelling=Spelling(
        "tanh", r"\tanh", "the hyperbolic tangent",
        ("{f}(x) = (e^x - e^-x)/(e^x + e^-x)", "{f}'(x) = 1 - {f}²(x)"),
        (r"{f}(x) = \frac{{e^{{x}} - e^{{-x}}}}{{e^{{x}} + e^{{-x}}}}", r"{f}'(x) = 1 - {f}^2(x)"),
        (
            '{f}<mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mfrac><mrow><msup><mi>e</mi><mi>x</mi></msup><mo>−</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup></mrow><mrow><msup><mi>e</mi><mi>x</mi></msup><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup></mrow></mfrac>',
            '<msup>{f}<mo>′</mo></msup><mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mn>1</mn><mo>−</mo><msup>{f}<mn>2</mn></msup><mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo>',
        ),
    ),
    definition="tanh(x) = (e^x - e^-x)/(e^x + e^-x)",
    bounds=(-1.0, 1.0),
    calls={"tanh": {"python": "math.tanh", "numpy": "np.tanh", "c": "tanh", "js": "Math.tanh"}, "d_tanh": "d_tanh"},
    helpers={
        "js": {
            "d_tanh": Helper("""
/** tanh'(x) = 1 - tanh(x)^2. */
function d_tanh(x) {
  const t = Math.tanh(x);
  return 1 - t * t;
}
"""),
        },
        "python": {"d_tanh": Helper('''
def d_tanh(x):
    """tanh'(x) = 1 - tanh(x)^2."""
    return 1.0 - math.tanh(x) ** 2
''')},
        "numpy": {"d_tanh": Helper('''
def d_tanh(x):
    """tanh'(x) = 1 - tanh(x)^2."""
    return 1.0 - np.tanh(x) ** 2
''')},
        "c": {"d_tanh": Helper("""
/* tanh'(x) = 1 - tanh(x)^2 */
static double d_tanh(double x)
{
    const double t = tanh(x);
    return 1.0 - t * t;
}
""")},
    },
)

# --- relu -----------------------------------------------------------------------------------


class relu(ActivationFunction):
    """max(0, x)."""

    latex_name = r"\operatorname{ReLU}"

    def fdiff(self, argindex=1):
        return d_relu(self.args[0])

    def explicit(self):
        return Max(0, self.args[0])


class d_relu(ActivationFunction):
    """relu'(x): 1 for x > 0, else 0 (the value 0 at x = 0 is the usual choice)."""

    latex_name = r"\operatorname{ReLU}'"

    def fdiff(self, argindex=1):
        return sympy.S.Zero

    def explicit(self):
        return Heaviside(self.args[0], 0)


def np_relu(x):
    return np.maximum(x, 0.0)


def np_d_relu(x):
    return np.where(np.asarray(x) > 0, 1.0, 0.0)


RELU = Activation(
    "relu", relu, d_relu,
    derivative_via=lambda x, fx: d_relu(x),
    explicit=lambda x: Max(0, x),
    numpy={"relu": np_relu, "d_relu": np_d_relu},
    spelling=Spelling(
        "ReLU", r"\operatorname{ReLU}", "the rectifier",
        ("{f}(x) = max(0, x)", "{f}'(x) = 1 if x > 0, else 0"),
        (r"{f}(x) = \max(0, x)", r"{f}'(x) = 1 \text{{ if }} x > 0 \text{{, else }} 0"),
        (
            '{f}<mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mi>max</mi><mo>&#x2061;</mo><mo>(</mo><mn>0</mn><mo>,</mo><mi>x</mi><mo>)</mo>',
            '<msup>{f}<mo>′</mo></msup><mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mn>1</mn><mtext>&#xA0;if&#xA0;</mtext><mi>x</mi><mo>&gt;</mo><mn>0</mn><mtext>, else&#xA0;</mtext><mn>0</mn>',
        ),
    ),
    definition="relu(x) = max(0, x)",
    calls={"relu": "relu", "d_relu": "d_relu"},
    helpers={
        "js": {
            "relu": Helper("""
/** max(0, x). */
function relu(x) {
  return x > 0 ? x : 0;
}
"""),
            "d_relu": Helper("""
/** relu'(x): 1 for x > 0, else 0 (0 at the kink, the usual choice). */
function d_relu(x) {
  return x > 0 ? 1 : 0;
}
"""),
        },
        "python": {
            "relu": Helper('''
def relu(x):
    """max(0, x)."""
    return x if x > 0.0 else 0.0
'''),
            "d_relu": Helper('''
def d_relu(x):
    """relu'(x): 1 for x > 0, else 0 (0 at the kink, the usual choice)."""
    return 1.0 if x > 0.0 else 0.0
'''),
        },
        "numpy": {
            "relu": Helper('''
def relu(x):
    """max(0, x), elementwise."""
    return np.maximum(x, 0.0)
'''),
            "d_relu": Helper('''
def d_relu(x):
    """relu'(x): 1 for x > 0, else 0 (0 at the kink, the usual choice)."""
    return np.where(x > 0.0, 1.0, 0.0)
'''),
        },
        "c": {
            "relu": Helper("""
/* max(0, x) */
static double relu(double x)
{
    return x > 0.0 ? x : 0.0;
}
"""),
            "d_relu": Helper("""
/* relu'(x): 1 for x > 0, else 0 (0 at the kink, the usual choice) */
static double d_relu(double x)
{
    return x > 0.0 ? 1.0 : 0.0;
}
"""),
        },
    },
)

# --- leaky relu, slope 0.01 below 0 ------------------------------------------------------------

#: the slope of the leaky rectifier for x < 0
LEAK = Rational(1, 100)


class leaky_relu(ActivationFunction):
    """x for x > 0, else 0.01 x."""

    latex_name = r"\operatorname{LReLU}"

    def fdiff(self, argindex=1):
        return d_leaky_relu(self.args[0])

    def explicit(self):
        return Max(LEAK * self.args[0], self.args[0])


class d_leaky_relu(ActivationFunction):
    """leaky_relu'(x): 1 for x > 0, else 0.01 (0.01 at the kink, as relu takes 0 there)."""

    latex_name = r"\operatorname{LReLU}'"

    def fdiff(self, argindex=1):
        return sympy.S.Zero

    def explicit(self):
        return LEAK + (1 - LEAK) * Heaviside(self.args[0], 0)


def np_leaky_relu(x):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0.0, x, 0.01 * x)[()]


def np_d_leaky_relu(x):
    return np.where(np.asarray(x) > 0.0, 1.0, 0.01)[()]


LEAKY_RELU = Activation(
    "leaky_relu", leaky_relu, d_leaky_relu,
    derivative_via=lambda x, fx: d_leaky_relu(x),
    explicit=lambda x: Max(LEAK * x, x),
    numpy={"leaky_relu": np_leaky_relu, "d_leaky_relu": np_d_leaky_relu},
    spelling=Spelling(
        "LReLU", r"\operatorname{LReLU}", "the leaky rectifier",
        ("{f}(x) = max(0.01x, x)", "{f}'(x) = 1 if x > 0, else 0.01"),
        (r"{f}(x) = \max(0.01x, x)", r"{f}'(x) = 1 \text{{ if }} x > 0 \text{{, else }} 0.01"),
        (
            '{f}<mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mi>max</mi><mo>&#x2061;</mo><mo>(</mo><mn>0.01</mn><mo>&#x2062;</mo><mi>x</mi><mo>,</mo><mi>x</mi><mo>)</mo>',
            '<msup>{f}<mo>′</mo></msup><mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mn>1</mn><mtext>&#xA0;if&#xA0;</mtext><mi>x</mi><mo>&gt;</mo><mn>0</mn><mtext>, else&#xA0;</mtext><mn>0.01</mn>',
        ),
    ),
    definition="leaky_relu(x) = max(0.01 x, x)",
    calls={"leaky_relu": "leaky_relu", "d_leaky_relu": "d_leaky_relu"},
    helpers={
        "js": {
            "leaky_relu": Helper("""
/** x for x > 0, else 0.01 x. */
function leaky_relu(x) {
  return x > 0 ? x : 0.01 * x;
}
"""),
            "d_leaky_relu": Helper("""
/** leaky_relu'(x): 1 for x > 0, else 0.01. */
function d_leaky_relu(x) {
  return x > 0 ? 1 : 0.01;
}
"""),
        },
        "python": {
            "leaky_relu": Helper('''
def leaky_relu(x):
    """x for x > 0, else 0.01 x."""
    return x if x > 0.0 else 0.01 * x
'''),
            "d_leaky_relu": Helper('''
def d_leaky_relu(x):
    """leaky_relu'(x): 1 for x > 0, else 0.01."""
    return 1.0 if x > 0.0 else 0.01
'''),
        },
        "numpy": {
            "leaky_relu": Helper('''
def leaky_relu(x):
    """x for x > 0, else 0.01 x, elementwise."""
    return np.where(x > 0.0, x, 0.01 * x)
'''),
            "d_leaky_relu": Helper('''
def d_leaky_relu(x):
    """leaky_relu'(x): 1 for x > 0, else 0.01."""
    return np.where(x > 0.0, 1.0, 0.01)
'''),
        },
        "c": {
            "leaky_relu": Helper("""
/* x for x > 0, else 0.01 x */
static double leaky_relu(double x)
{
    return x > 0.0 ? x : 0.01 * x;
}
"""),
            "d_leaky_relu": Helper("""
/* leaky_relu'(x): 1 for x > 0, else 0.01 */
static double d_leaky_relu(double x)
{
    return x > 0.0 ? 1.0 : 0.01;
}
"""),
        },
    },
)

# --- softplus: a smooth relu, whose derivative is the sigmoid ------------------------------------


class softplus(ActivationFunction):
    """log(1 + e^x), a smooth relu."""

    latex_name = r"\operatorname{softplus}"

    def fdiff(self, argindex=1):
        return d_softplus(self.args[0])

    def explicit(self):
        return log(1 + exp(self.args[0]))


class d_softplus(ActivationFunction):
    """softplus'(x) = sigmoid(x)."""

    latex_name = r"\operatorname{softplus}'"

    def fdiff(self, argindex=1):
        return d_sigmoid(self.args[0])

    def explicit(self):
        return sigmoid(self.args[0]).explicit()


def np_softplus(x):
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): nothing overflows
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


SOFTPLUS = Activation(
    "softplus", softplus, d_softplus,
    derivative_via=lambda x, fx: sigmoid(x),
    explicit=lambda x: log(1 + exp(x)),
    numpy={"softplus": np_softplus, "d_softplus": np_sigmoid},
    spelling=Spelling(
        "softplus", r"\operatorname{softplus}", "the softplus",
        ("{f}(x) = log(1 + e^x)", "{f}'(x) = 1/(1 + e^-x)"),
        (r"{f}(x) = \log(1 + e^{{x}})", r"{f}'(x) = \frac{{1}}{{1 + e^{{-x}}}}"),
        (
            '{f}<mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mi>log</mi><mo>&#x2061;</mo><mo>(</mo><mn>1</mn><mo>+</mo><msup><mi>e</mi><mi>x</mi></msup><mo>)</mo>',
            '<msup>{f}<mo>′</mo></msup><mo>&#x2061;</mo><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup></mrow></mfrac>',
        ),
    ),
    definition="softplus(x) = log(1 + e^x)",
    calls={"softplus": "softplus", "d_softplus": "sigmoid"},  # softplus' is the sigmoid
    helpers={
        "js": {
            "softplus": Helper("""
/** log(1 + e^x), written max(x, 0) + log(1 + e^-|x|) so that nothing overflows. */
function softplus(x) {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
"""),
        },
        "python": {"softplus": Helper('''
def softplus(x):
    """log(1 + e^x), written max(x, 0) + log(1 + e^-|x|) so that nothing overflows."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
''')},
        "numpy": {"softplus": Helper('''
def softplus(x):
    """log(1 + e^x), written max(x, 0) + log(1 + e^-|x|) so that nothing overflows."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
''')},
        "c": {"softplus": Helper("""
/* log(1 + e^x), written max(x, 0) + log(1 + e^-|x|) so that nothing overflows */
static double softplus(double x)
{
    return (x > 0.0 ? x : 0.0) + log1p(exp(-fabs(x)));
}
""")},
    },
)

# --- the identity: no function at all --------------------------------------------------------

IDENTITY = Activation(
    "identity", None, None,
    derivative_via=lambda x, fx: sympy.S.One,
    explicit=lambda x: x,
)

#: every activation by name, in the order option lists show them
ACTIVATIONS = {a.name: a for a in (SIGMOID, TANH, RELU, LEAKY_RELU, SOFTPLUS, IDENTITY)}
