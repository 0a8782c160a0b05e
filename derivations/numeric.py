"""Numeric functions from the derivation: the statement list, lambdified on first use.

SymPy's ``lambdify`` prints the program's statements as numpy code (its
``cse`` hook is handed our statement list, whose shared subexpressions are
already named), with the activations from :data:`derivations.rules.NUMPY_FUNCTIONS`
so no input overflows.  Inputs arrive as columns, so one call handles a whole
block of samples; ``gradient`` and ``loss_value`` check their input once, then
run the lambdified function over blocks of :data:`BLOCK` rows and add up its
per-block sums.  Each of the three callables is built the first time it is
asked for: a gradient does not pay for ``evaluate``.

>>> from derivations import derive
>>> d = derive()
>>> alice = dict(w1=1, w2=1, w3=1, w4=1, w5=1, w6=1, b1=0, b2=0, b3=0)
>>> X, y = [[-2, -1]] * 100_000, [1] * 100_000         # Alice 100,000 times: several blocks, her gradient
>>> print(round(d.gradient(alice, X, y)["w1"], 12))
0.021469535266
"""

import math
from collections.abc import Mapping
from functools import cached_property, lru_cache

import numpy as np

from derivations.arrays import finite_array
from derivations.errors import NnderiveError
from derivations.layer_values import LayerNumbers
from derivations.naming import partial_name

#: Rows per block.  Each statement makes one temporary of BLOCK floats (64 KiB): under the C
#: allocator's mmap threshold (128 KiB), so a freed temporary is handed back for the next one,
#: warm in the CPU's cache, instead of fresh pages; and wide enough that numpy's per-call cost is
#: a small part of each statement's time.
BLOCK = 8192
#: past this many neurons in a layer, gradients take the layer view's matrix route
WIDE = 3
#: the layer route's block holds about this many floats per matrix (rows x the widest layer):
#: 512 KiB, so a block's z, a and delta of one layer stay in the CPU's L2 cache between products
LAYER_FLOATS = 65536


#: a sum of at least this many products of symbols is added up in place (``sum_of_products``)
ACCUMULATE = 2


class InputError(NnderiveError):
    """Numeric input of the wrong shape or kind; the message says what is expected."""


def _sum_over_rows(value, rows):
    """Σ over a block's rows of ``value``: an array with one entry per row, or one number for them all."""
    if np.ndim(value):
        return np.add.reduce(value)
    return value * rows


def _dot_over_rows(a, b, rows):
    """Σ over a block's rows of ``a * b``, without the product array when both vary by row."""
    if np.ndim(a) and np.ndim(b):
        return np.dot(a, b)
    return _sum_over_rows(a * b, rows)


def _sum_of_products(rest, *products):
    """``rest + a1*b1*... + a2*b2*... + ...`` (each product a tuple of factors) into one array, in place.

    A neuron's weighted sum or an upstream sum in a wide network has dozens
    of terms; written out, each product and each partial sum is a fresh
    array.  Here there are two, whatever the number of terms.
    """
    first = products[0]
    total = first[0] * first[1]
    for factor in first[2:]:
        total = total * factor
    if np.ndim(total) == 0:  # numbers, not rows: nothing to gain
        return rest + sum(math.prod(p) for p in products)
    product = np.empty_like(total)
    for factors in products[1:]:
        np.multiply(factors[0], factors[1], out=product)
        for factor in factors[2:]:
            np.multiply(product, factor, out=product)
        total += product
    total += rest
    return total


#: what the block functions call, by the name they call it by
HELPERS = {"sum_over_rows": _sum_over_rows, "dot_over_rows": _dot_over_rows, "sum_of_products": _sum_of_products}


class NumericDerivation:
    """``gradient``, ``loss_value`` and ``evaluate`` for one derivation, each built on first use."""

    def __init__(self, derivation):
        self.derivation = derivation
        self.network = derivation.network
        self.param_names = derivation.network.param_names  # from the sizes: the layer route needs no symbol

    @cached_property
    def _args(self):
        d = self.derivation
        return list(d.params) + list(d.inputs) + list(d.targets)

    @property
    def program(self):
        """The derivation's statement list (built on first use: the layer route does without it)."""
        return self.derivation.program

    def _lambdify(self, steps, outputs, extra=()):
        from sympy import lambdify  # here, not at the top: commands that derive nothing never load SymPy

        from derivations.rules import NUMPY_FUNCTIONS

        # lambdify's own settings for numpy, but sums and products printed in the order they are
        # held: sorting the terms of every statement is most of the time a wide network takes
        printer = statement_printer()({"fully_qualified_modules": False, "inline": True,
                                       "allow_unknown_functions": True, "order": "none"})
        # the statements are handed to lambdify as its common subexpressions: they are ours, already named
        return lambdify(self._args + list(extra), outputs, modules=[HELPERS, NUMPY_FUNCTIONS, "numpy"],
                        printer=printer, cse=lambda exprs: (steps, exprs))

    @cached_property
    def _rows(self):
        from sympy import Symbol

        # a Symbol, not a Dummy: lambdify would rewrite every statement to rename a Dummy argument.
        # No network names a quantity so (see derivations.naming).
        return Symbol("rows_in_block")

    def _over_rows(self, expr):
        """``expr`` summed over a block's rows, as a call the block function makes."""
        from sympy import Mul

        dot_over_rows, sum_over_rows = _reducer_functions()
        if isinstance(expr, Mul) and len(expr.args) == 2:  # upstream delta times input: a dot product
            return dot_over_rows(*expr.args, self._rows)
        return sum_over_rows(expr, self._rows)

    @cached_property
    def _gradient(self):
        # the gradient lines become sums over the block: no array per parameter
        program = self.program
        steps = [(s.target, s.expr) for s in program.forward + program.backward if s.kind != "gradient"]
        by_target = {s.target: s.expr for s in program.backward if s.kind == "gradient"}
        outputs = [self._over_rows(by_target[g]) for g in program.gradients]
        return self._lambdify(*inline_single_uses(steps, outputs), [self._rows])

    @cached_property
    def _loss(self):
        program = self.program
        steps = [(s.target, s.expr) for s in program.forward]
        return self._lambdify(*inline_single_uses(steps, [self._over_rows(program.loss.expr)]), [self._rows])

    @cached_property
    def _everything(self):
        # every named value at once: quantities, the loss, each factor, each partial
        d, program = self.derivation, self.program
        everything = [(s.target, s.expr) for s in program.forward + (program.loss,)]
        everything += [(f.symbol, f.named) for f in d.factors.values()]
        everything += [(p.symbol, p.named) for p in d.partials.values()]
        return self._lambdify(everything, [t for t, _ in everything])

    @cached_property
    def value_names(self):
        """The names :meth:`evaluate` returns, in order."""
        d, program = self.derivation, self.program
        names = [s.target.name for s in program.forward + (program.loss,)]
        return names + list(d.factors) + [partial_name(p) for p in d.partials]

    def arguments(self, params, X, y):
        """Check and arrange ``params``, ``X``, ``y`` as the lambdified functions take them.

        Returns the parameters (floats) followed by the columns of ``X`` and
        ``y``, each column a contiguous array.
        """
        values, X, Y = self.checked(params, X, y)
        # one copy into columns: a row's values sit apart in X, a column's side by side in each block
        return values + list(np.ascontiguousarray(X.T)) + list(np.ascontiguousarray(Y.T))

    def checked(self, params, X, y):
        """``params`` as floats in parameter order, ``X`` (samples x inputs) and ``Y`` (samples x outputs),
        each checked once, or an :class:`InputError` saying what is wrong."""
        if not isinstance(params, Mapping):
            raise InputError(f"params must map names to numbers ({', '.join(self.param_names)})")
        missing = [n for n in self.param_names if n not in params]
        extra = sorted(set(params) - set(self.param_names))
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if extra:
                parts.append("unknown " + ", ".join(extra))
            raise InputError(f"params: {'; '.join(parts)}")
        values = [params[name] for name in self.param_names]
        # Python floats and ints pass on their type alone (a wide network has thousands of
        # parameters); anything else is looked at one by one
        if not all(type(v) is float or type(v) is int for v in values):
            for name, value in zip(self.param_names, values):
                if isinstance(value, (bool, np.bool_)) or not np.isscalar(value) or not np.isreal(value):
                    raise InputError(f"params[{name!r}] must be a real number, got {value!r}")
        try:
            values = [float(v) for v in values]
        except OverflowError:  # an int past the largest float
            values = [float(v) if abs(v) < 2 ** 1023 else math.inf for v in values]
        if not all(map(math.isfinite, values)):
            name = next(n for n, v in zip(self.param_names, values) if not math.isfinite(v))
            raise InputError(f"params[{name!r}] must be a finite number, got {params[name]!r}")
        n_in, n_out = self.network.n_inputs, self.network.n_outputs
        X = as_finite_array(X, "X")
        if X.ndim == 1 and n_in == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != n_in:
            raise InputError(f"X must have one row per sample and {n_in} columns, got shape {X.shape}")
        y = as_finite_array(y, "y")
        if n_out == 1 and y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        expected = (len(X),) if n_out == 1 else (len(X), n_out)
        if y.shape != expected:
            raise InputError(f"y must have shape {expected} to match X, got {y.shape}")
        if len(X) == 0:
            raise InputError("X has no samples")
        return values, X, (y[:, None] if n_out == 1 else y)

    def _blocks(self, params, X, y):
        """The checked arguments of each block of rows, the block's row count last; and the rows in all."""
        args = self.arguments(params, X, y)
        k = len(self.param_names)
        values, columns = args[:k], args[k:]
        n = len(columns[0])
        blocks = (
            values + [c[start:start + BLOCK] for c in columns] + [min(BLOCK, n - start)]
            for start in range(0, n, BLOCK)
        )
        return blocks, n

    @cached_property
    def _layer_route(self):
        """The layer view's matrices (:class:`derivations.layer_values.LayerNumbers`) for a wide network, else None.

        Past a few neurons a layer, a few matrix products per layer beat one
        statement per weight; the two routes are proved equal and agree to 1e-12.
        """
        if max(self.network.layers[1:]) <= WIDE:
            return None
        return LayerNumbers(self.network)

    def _row_blocks(self, params, X, y):
        """The checked parameters as an array, and blocks of (X rows, Y rows): the layer route's arguments."""
        values, X, Y = self.checked(params, X, y)  # rows as they come: the matrix route reads them so
        values = np.array(values)
        rows = max(64, LAYER_FLOATS // max(self.network.layers))
        return values, ((X[s:s + rows], Y[s:s + rows]) for s in range(0, len(X), rows)), len(X)

    def gradient(self, params, X, y):
        """The gradient of the mean loss over the samples, ``{name: float}``."""
        if self._layer_route is not None:
            values, blocks, n = self._row_blocks(params, X, y)
            total = self._layer_route.gradient_total(values, blocks)
            return dict(zip(self.param_names, (total / n).tolist()))
        blocks, n = self._blocks(params, X, y)
        function = self._gradient
        total = np.zeros(len(self.param_names))
        for block in blocks:
            total += function(*block)
        return dict(zip(self.param_names, (total / n).tolist()))

    def evaluate(self, params, x, y_true):
        """Every named value for one sample: ``{name: float}``.

        Names are the quantities (``sum_h1``, ``h1``, ..., ``y_pred``, ``L``),
        the factors (``d_L_d_ypred``, ``d_h1_d_w1``, ...) and the partials
        (``d_L_d_w1``, ...).
        """
        args = self.arguments(params, [x], [y_true])
        values = self._everything(*args)
        return {name: float(np.ravel(v)[0]) for name, v in zip(self.value_names, values)}

    def loss_value(self, params, X, y):
        """The mean loss over the samples."""
        if self._layer_route is not None:
            values, blocks, n = self._row_blocks(params, X, y)
            return float(self._layer_route.loss_total(values, blocks) / n)
        blocks, n = self._blocks(params, X, y)
        function = self._loss
        total = 0.0
        for block in blocks:
            total += function(*block)[0]
        return float(total / n)


@lru_cache(maxsize=1)
def _reducer_functions():
    """The SymPy functions that print as calls to :data:`HELPERS`, made once."""
    from sympy import Function

    return Function("dot_over_rows"), Function("sum_over_rows")


@lru_cache(maxsize=1)
def statement_printer():
    """SymPy's numpy printer, with the statements' commonest forms printed directly.

    Most of a wide network's statements are products of symbols (``w5*d_h3_d_sum_h3``)
    and sums of such products (an upstream sum, a neuron's weighted sum).
    Those need no signs, coefficients or parentheses worked out, so they are
    written straight away; a sum of many products is a call to
    ``sum_of_products``, which adds them up in place.  Anything else goes to
    SymPy's printer.

    >>> from sympy import symbols, Rational
    >>> a, b, c, d, e, f, g = symbols("a b c d e f g")
    >>> printer = statement_printer()({"order": "none"})
    >>> printer.doprint(a * b + c), printer.doprint(Rational(1, 2) * a - b)
    ('c + a*b', '(1/2)*a - b')
    >>> printer.doprint(a * b + c * d * g + g)
    'sum_of_products(g, (a, b), (c, d, g))'
    """
    from sympy import Add, Mul, Symbol
    from sympy.printing.numpy import NumPyPrinter

    def symbol_factors(expr):
        """The symbols a product of symbols multiplies (nested products too), or None."""
        if isinstance(expr, Symbol):
            return [expr]
        if not isinstance(expr, Mul):
            return None
        factors = []
        for arg in expr.args:
            inner = symbol_factors(arg)
            if inner is None:
                return None
            factors += inner
        return factors

    def plain_product(expr):
        return isinstance(expr, Mul) and symbol_factors(expr) is not None

    class StatementPrinter(NumPyPrinter):
        def _print_Mul(self, expr):
            if plain_product(expr):
                return "*".join(self._print(a) for a in symbol_factors(expr))
            return super()._print_Mul(expr)

        def _print_Add(self, expr, order=None):
            products = [t for t in expr.args if plain_product(t)]
            if len(products) >= ACCUMULATE:
                rest = [t for t in expr.args if not plain_product(t)]
                rest = self._print(Add(*rest, evaluate=False)) if rest else "0"
                factors = ", ".join(f"({', '.join(self._print(a) for a in symbol_factors(t))})" for t in products)
                return f"sum_of_products({rest}, {factors})"
            if all(isinstance(t, Symbol) or plain_product(t) for t in expr.args):
                return " + ".join(self._print(t) for t in expr.args)
            return super()._print_Add(expr, order)

    return StatementPrinter


def inline_single_uses(steps, outputs):
    """``(steps, outputs)`` with each step whose value is used exactly once written where it is used.

    A named value lives until the function returns; written into its one
    user it is a temporary, freed as soon as that user is computed.  In a
    wide network most values are used once (each edge factor ∂h_j/∂h_i enters
    one upstream sum), and keeping them all would hold thousands of arrays
    per block.  Nothing is computed twice: a value used twice keeps its name.

    >>> from sympy import symbols
    >>> a, b, c, x = symbols("a b c x")
    >>> inline_single_uses([(a, x + 1), (b, a * x), (c, b * x + b)], [c * x])
    ([(b, x*(x + 1))], [x*(b*x + b)])
    """
    from sympy import Symbol, preorder_traversal

    targets = {target for target, _ in steps}
    uses = dict.fromkeys(targets, 0)
    for expr in [expr for _, expr in steps] + list(outputs):
        for node in preorder_traversal(expr):
            if isinstance(node, Symbol) and node in targets:
                uses[node] += 1
    inlined, kept = {}, []
    for target, expr in steps:
        expr = _substitute(expr, inlined)
        if uses[target] == 1:
            inlined[target] = expr
        else:
            kept.append((target, expr))
    return kept, [_substitute(expr, inlined) for expr in outputs]


def _substitute(expr, table):
    """``expr.xreplace(table)``, but sums and products are not evaluated again.

    Evaluating would flatten and sort each rebuilt sum (most of the time a
    wide network's inlining took) and change nothing numpy computes.
    """
    from sympy import Add, Mul

    if expr in table:
        return table[expr]
    if not expr.args:
        return expr
    args = tuple(_substitute(a, table) for a in expr.args)
    if all(new is old for new, old in zip(args, expr.args)):
        return expr
    if isinstance(expr, (Add, Mul)):
        return expr.func(*args, evaluate=False)
    return expr.func(*args)


def as_finite_array(value, name, error=InputError):
    """``value`` as a float array of finite numbers, or ``error`` (an :class:`InputError`) naming ``name``."""
    return finite_array(value, name, error)
