"""The pure-Python target: one module that needs only ``math``.

Every function works on one sample at a time with plain floats (which is
what makes the article's sample-by-sample SGD fast in Python), and the
batch functions loop over the rows.  The arithmetic follows nncore's
backprop operation for operation, so the two agree to the last bit or
nearly.

>>> from derivations import derive
>>> source = emit(derive())
>>> "import math" in source and "nnderive" not in source.split("import math")[1]
True
"""

from sympy.printing.pycode import PythonCodePrinter

from derivations.codegen.base import WIDTH, HelperCalls, aligned, header, joined, wrap
from derivations.codegen.listing import Listing

TARGET = "python"


class PythonPrinter(HelperCalls, PythonCodePrinter):
    """SymPy's Python printer, with our activations as calls to their helpers.

    The helpers' source comes from the activation records (:mod:`derivations.rules.activations`).
    """

    TARGET = TARGET


#: the helper functions, in the order they are written; each stays finite for any float


def emit(derivation):
    """The Python module for ``derivation``, as text."""
    return PythonModule(Listing(derivation)).text()


class PythonModule:
    """Writes the module: header, names, helpers, one-sample functions, batch functions."""

    def __init__(self, listing):
        self.listing = listing
        self.printer = PythonPrinter()
        self.single = len(listing.outputs) == 1

    # --- pieces -----------------------------------------------------------------------

    def arguments(self, targets):
        """Lines that name the parameters, the inputs and (with ``targets``) the targets."""
        ls = self.listing
        lines = unpacking(ls.params, "params")
        lines += unpacking(ls.inputs, "x")
        if targets and not self.single:
            lines += unpacking(ls.targets, "y_true")
        return lines

    def statements(self, lines, sections=False, indent="    "):
        """The statements, comments aligned; with ``sections``, a comment before each pass."""
        rows = []
        group = None
        for line in lines:
            kind = "forward" if line.kind in ("forward", "loss") else "backward"
            if sections and kind != group:
                if group is not None:
                    rows.append(("", ""))
                rows.append((f"# {SECTIONS[kind]}", ""))
                group = kind
            rows.append((f"{line.name} = {self.printer.line(line)}", line.comment))
        return [(indent + text) if text else "" for text in aligned(rows, "#")]

    def function(self, signature, doc, wanted, returns, targets=True, sections=False):
        lines, _ = self.listing.needed(wanted)
        out = [f"def {signature}:", f'    """{doc}"""']
        out += self.arguments(targets)
        out += [""] if sections else []
        out += self.statements(lines, sections)
        out += returns
        return out

    def returning(self, names):
        if len(names) == 1:
            return [f"    return {names[0]}"]
        return joined("return (", names, ")", "    ")

    # --- the module ---------------------------------------------------------------------

    def text(self):
        ls = self.listing
        one = self.single
        target_doc = "target y_true" if one else f"targets y_true = ({', '.join(ls.targets)})"
        outputs = ls.outputs[0] if one else f"({', '.join(ls.outputs)})"
        code = []
        code += self.function(
            "feedforward(params, x)", f"{outputs} for one sample x = ({', '.join(ls.inputs)}).",
            ls.outputs, self.returning(list(ls.outputs)), targets=False,
        )
        code += ["", ""]
        code += self.function(
            "sample_loss(params, x, y_true)", f"L for one sample x with {target_doc}.",
            [ls.loss.name], [f"    return {ls.loss.name}"],
        )
        code += ["", ""]
        code += self.function(
            "backprop(params, x, y_true)",
            "dL/dparam for one sample, in PARAMS order: the chain rule, factor by factor.",
            ls.gradients, self.returning(list(ls.gradients)), sections=True,
        )
        helpers = self.helpers()
        parts = [
            self.docstring(),
            "import math",
            "",
            *names_tuple("PARAMS", ls.params),
            *names_tuple("INPUTS", ls.inputs),
            *names_tuple("TARGETS", ls.targets),
            "",
            *helpers,
            "",
            rule("one sample"),
            "",
            "",
            *code,
            "",
            "",
            rule("every sample"),
            "",
            "",
            BATCH.format(
                n=len(ls.inputs),
                n_params=len(ls.params),
                inputs=", ".join(ls.inputs),
                targets=_targets_conversion(ls, one),
            ).strip("\n"),
        ]
        return "\n".join(parts) + "\n"

    def helpers(self):
        out = []
        for source in self.printer.helpers():
            out += ["", source, ""]
        return out

    def docstring(self):
        ls = self.listing
        one = self.single
        y_row = "one target y_true per sample" if one else f"one row ({', '.join(ls.targets)}) per sample"
        out_name = ls.outputs[0] if one else f"({', '.join(ls.outputs)})"
        interface = wrap(
            f"Functions (params: numbers in the order of PARAMS; X: one row ({', '.join(ls.inputs)}) "
            f"per sample; y: {y_row}):"
        ) + [
            "",
            "    loss(params, X, y)          the mean loss over the samples",
            "    gradients(params, X, y)     its gradient: a list in PARAMS order",
            "    sgd_step(params, x, y_true, learn_rate)",
            "                                one step of the article's SGD on one sample: new params",
            "    train(params, X, y, epochs=1000, learn_rate=0.1)",
            "                                the article's loop, sample by sample in order; returns",
            "                                (trained params, mean loss after each epoch)",
            f"    predict(params, X)          {out_name} for every sample",
            "    feedforward(params, x), sample_loss(params, x, y_true), backprop(params, x, y_true)",
            "                                the same for one sample (backprop: dL/dparam)",
            "",
            "It needs only Python's math module; the activations are computed in forms that stay",
            "finite for any input.",
        ]
        lines = header(ls, TARGET, interface)
        text = "\n".join(lines).replace("\\", "\\\\")
        return f'"""{text}\n"""\n'


def unpacking(names, value, indent="    "):
    """``a, b = value``, in parentheses over several lines when it is long; ``a, = value`` for one."""
    if len(names) == 1:
        return [f"{indent}{names[0]}, = {value}"]
    line = f"{indent}{', '.join(names)} = {value}"
    if len(line) <= WIDTH:
        return [line]
    return joined("(", list(names), f") = {value}", indent)


def names_tuple(name, names):
    """``PARAMS = ("w1", "w2")``, with the trailing comma a one-name tuple needs."""
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return [f"{name} = ({quoted[0]},)"]
    return joined(f"{name} = (", quoted, ")", "")


def rule(title):
    """``# --- title -----``: a section rule as wide as the code."""
    return f"# --- {title} ".ljust(WIDTH, "-")


SECTIONS = {
    "forward": "forward pass: each neuron's weighted sum, then its activation",
    "backward": "backward pass: every factor of the chain rule, from the loss back to the inputs",
}


def _targets_conversion(listing, one):
    if one:
        return "float(y_true)"
    return "tuple(map(float, y_true))"


BATCH = '''
def loss(params, X, y):
    """The mean loss over the samples (the rows of X, with targets y)."""
    params, (X, y) = _params(params), _samples(X, y)
    return math.fsum(sample_loss(params, x, y_true) for x, y_true in zip(X, y)) / len(X)


def gradients(params, X, y):
    """The gradient of loss(params, X, y): a list in PARAMS order."""
    params, (X, y) = _params(params), _samples(X, y)
    per_sample = [backprop(params, x, y_true) for x, y_true in zip(X, y)]
    return [math.fsum(column) / len(X) for column in zip(*per_sample)]


def sgd_step(params, x, y_true, learn_rate):
    """One step of the article's SGD on one sample: each parameter minus learn_rate * dL/dparam."""
    params, ([x], [y_true]) = _params(params), _samples([x], [y_true])
    return [p - learn_rate * d for p, d in zip(params, backprop(params, x, y_true))]


def train(params, X, y, epochs=1000, learn_rate=0.1):
    """The article's training: every epoch, one SGD step per sample, in order.

    Returns the trained parameters (a list in PARAMS order) and the mean loss
    over the samples after each epoch.
    """
    params, (X, y) = _params(params), _samples(X, y)
    loss_history = []
    for epoch in range(epochs):
        for x, y_true in zip(X, y):
            # sgd_step, without checking again what was checked above
            params = [p - learn_rate * d for p, d in zip(params, backprop(params, x, y_true))]
        loss_history.append(math.fsum(sample_loss(params, x, y_true) for x, y_true in zip(X, y)) / len(X))
    return params, loss_history


def predict(params, X):
    """The network's output for every sample (row of X), a list."""
    params = _params(params)
    return [feedforward(params, x) for x in _rows(X)]


# plain Python floats throughout: they are fast, and round to 0 below 1e-308 without a fuss


def _params(params):
    params = [float(p) for p in params]
    if len(params) != {n_params}:
        raise ValueError(f"params must hold {n_params} numbers ({{', '.join(PARAMS)}}), got {{len(params)}}")
    return params


def _rows(X):
    X = [tuple(map(float, x)) for x in X]
    if not X:
        raise ValueError("X has no samples")
    if any(len(x) != {n} for x in X):
        raise ValueError("every row of X needs {n} numbers ({inputs})")
    return X


def _samples(X, y):
    X = _rows(X)
    y = [{targets} for y_true in y]
    if len(y) != len(X):
        raise ValueError(f"y has {{len(y)}} targets for {{len(X)}} samples")
    return X, y
'''
