"""The numpy target in the layer style: BP1-BP4 as matrix products over blocks of samples.

One block of samples is a matrix with one column per sample (A_0 = X^T);
each layer is two lines forward (z = W a + b, a = f(z)) and two or three
back (delta, dL/dW, dL/db), whatever the layer's width, so the file grows
with the number of layers, not of parameters.  The interface is the scalar
numpy module's (PARAMS, loss, gradients, sgd_step, train, predict, losses,
backprop).

>>> from derivations import Network, derive
>>> source = emit(derive(Network((2, 64, 64, 1))))
>>> "Z_2 = W_2 @ A_1 + b_2" in source
True
>>> len(source) - len(emit(derive(Network((2, 8, 8, 1))))) < 100       # 4417 parameters or 105: the same lines
True
"""

from sympy import Symbol

from derivations.codegen.base import aligned, wrap
from derivations.codegen.emit_numpy import FloatPrinter, NumpyPrinter
from derivations.codegen.emit_python import rule
from derivations.codegen.layered import LayerHelpers, Plan, equations, style_command, style_note

TARGET = "numpy"
#: samples per block in loss and gradients: a block's matrices stay in the CPU's cache
BLOCK = 1024
#: train takes its steps in plain floats up to this many parameters per entry of the layer sizes
#: (120 for 2-h-1, 160 for 2-h-h-1, 240 for four hidden layers), past it in numpy: a float step
#: costs about the same per parameter, a numpy step about the same per layer, whatever its width
#: (measured: the two meet near 110 parameters for 2-h-1, 170 for 2-h-h-1, 250 for 2-h-h-h-h-1)
FLOAT_STEPS = 40
#: train takes the loss history for stacks of epochs of about this many numbers at once
STACK = 2 ** 18


class LayerNumpyPrinter(LayerHelpers, NumpyPrinter):
    """The numpy printer with the helpers written for whole arrays where a record has them."""

    LAYER_TARGET = "numpy_layers"


def emit(derivation):
    """The layer-style numpy module for ``derivation``, as text."""
    return NumpyLayers(Plan(derivation)).text()


def _names(prefix, count):
    """``tuple(f"w{k}" for k in range(1, 7))``: a PARAMS part written in constant space."""
    return f'tuple(f"{prefix}{{k}}" for k in range(1, {count + 1}))'


def tup(names):
    """``(a, b)``, or ``(a,)`` for one name: a tuple as Python writes it."""
    names = list(names)
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"


def span(names):
    """``w1..w6``, or just ``b3`` for one name."""
    return names[0] if len(names) == 1 else f"{names[0]}..{names[-1]}"


class NumpyLayers:
    """Writes the module: header, sizes, helpers, the layers' matrices, BP1-BP4, the interface."""

    def __init__(self, plan):
        self.plan = plan
        self.printer = LayerNumpyPrinter()

    def expr(self, expr):
        return self.printer.doprint(expr)

    # --- the functions the equations live in -------------------------------------------------

    def matrices(self):
        p = self.plan
        rows = []
        for layer in p.layers:
            end = layer.weight_at + layer.n_out * layer.n_in
            rows.append((f"flat[..., {layer.weight_at}:{end}].reshape(lead + ({layer.n_out}, {layer.n_in})),",
                         f"W_{layer.name}: {span(layer.weights)}"))
        for layer in p.layers:
            end = layer.bias_at + layer.n_out
            rows.append((f"flat[..., {layer.bias_at}:{end}].reshape(lead + ({layer.n_out}, 1)),",
                         f"b_{layer.name}: {span(layer.biases)}"))
        return [
            "def matrices(flat):",
            '    """The weight matrices W_l and bias columns b_l, as views of flat (an array in PARAMS order).',
            "",
            "    W_l has one row per neuron of layer l and one column per input; b_l is a column.",
            "    Views, not copies: a change to flat is a change to them.  flat may have leading axes",
            "    (a stack of parameter vectors, one per row: train's loss history); the matrices then",
            "    have them too, a stack of W_l and of b_l.",
            '    """',
            "    lead = flat.shape[:-1]",
            "    return (",
            *["        " + line for line in aligned(rows, "#")],
            "    )",
        ]

    def unpack(self, prefix=""):
        p = self.plan
        names = [f"{prefix}W_{layer.name}" for layer in p.layers] + [f"{prefix}b_{layer.name}" for layer in p.layers]
        source = "G" if prefix else "P"
        return f"    {', '.join(names)}, = {source}" if len(names) == 1 else f"    {', '.join(names)} = {source}"

    def forward(self):
        p = self.plan
        rows = []
        for layer in p.layers:
            l, prev = layer.name, int(layer.name) - 1
            z = Symbol(f"Z_{l}")
            rows.append((f"Z_{l} = W_{l} @ A_{prev} + b_{l}", f"layer {l}: z = W a + b"))
            rows.append((f"A_{l} = {self.expr(p.activation(layer, z))}", f"a = f(z), f = {layer.activation.name}"))
        values = ", ".join(f"Z_{layer.name}, A_{layer.name}" for layer in p.layers)
        return [
            "def forward(P, A_0):",
            '    """Every layer\'s Z and A for a block of samples, one per column of A_0; P = matrices(params)."""',
            self.unpack(),
            *["    " + line for line in aligned(rows, "#")],
            f"    return {values}",
        ]

    def sample_losses(self):
        p = self.plan
        last = p.output.name
        expr = p.sample_loss(Symbol(f"Z_{last}"), Symbol(f"A_{last}"), Symbol("Y"))
        return [
            f"def sample_losses(Z_{last}, A_{last}, Y):",
            '    """L of every sample (column) of a block, from the output layer\'s Z and A and the targets Y."""',
            f"    return np.sum({self.expr(expr)}, axis=-2)  # over the outputs: the rows, after any leading axes",
        ]

    def backward(self):
        p = self.plan
        layers = p.layers
        last = layers[-1]
        L = last.name
        rows = []
        delta = p.output_delta(Symbol(f"Z_{L}"), Symbol(f"A_{L}"), Symbol("Y"))
        rows.append((f"delta_{L} = {self.expr(delta)}", "BP1: " + p.output_delta_words()))
        for layer in reversed(layers[:-1]):
            l, up = layer.name, int(layer.name) + 1
            fprime = p.fprime(layer, Symbol(f"Z_{l}"), Symbol(f"A_{l}"))
            product = f"W_{up}.T @ delta_{up}"
            code = product if fprime is None else f"({product}) * ({self.expr(fprime)})"
            rows.append((f"delta_{l} = {code}", f"BP2: delta_{l} = (W_{up}^T delta_{up}) * f'(z_{l})"))
        values = ", ".join(f"Z_{layer.name}, A_{layer.name}" for layer in layers)
        return [
            "def backward(P, A_0, Y):",
            '    """BP1 and BP2 for a block of samples (columns of A_0, targets Y): the forward pass and every delta_l."""',
            self.unpack(),
            f"    {values} = forward(P, A_0)",
            *["    " + line for line in aligned(rows, "#")],
            f"    return {tup(f'A_{layer.index - 1}' for layer in layers)}, {tup(f'delta_{layer.name}' for layer in layers)}",
        ]

    def gradient_sums(self):
        p = self.plan
        rows = []
        for layer in p.layers:
            l, prev = layer.name, layer.index - 1
            rows.append((f"np.matmul(delta_{l}, A_{prev}.T, out=dW_{l})",
                         f"BP4: dL/dW_{l} = delta_{l} A_{prev}^T, summed over the samples"))
            rows.append((f"np.add.reduce(delta_{l}, axis=1, keepdims=True, out=db_{l})",
                         f"BP3: dL/db_{l} = delta_{l}, summed over the samples"))
        inputs = tup(f"A_{layer.index - 1}" for layer in p.layers)
        deltas = tup(f"delta_{layer.name}" for layer in p.layers)
        return [
            "def gradient_sums(P, G, A_0, Y):",
            '    """The sums over a block\'s samples of dL/dW_l and dL/db_l, written into G = matrices(grad)."""',
            self.unpack("d"),
            f"    {inputs}, {deltas} = backward(P, A_0, Y)",
            *["    " + line for line in aligned(rows, "#")],
        ]

    def sample_gradient(self):
        p = self.plan
        rows = []
        for layer in p.layers:
            l, prev = layer.name, layer.index - 1
            rows.append((f"np.multiply(delta_{l}, A_{prev}.T, out=dW_{l})", f"BP4: dL/dW_{l} = delta_{l} A_{prev}^T"))
            rows.append((f"db_{l}[...] = delta_{l}", f"BP3: dL/db_{l} = delta_{l}"))
        inputs = tup(f"A_{layer.index - 1}" for layer in p.layers)
        deltas = tup(f"delta_{layer.name}" for layer in p.layers)
        return [
            "def sample_gradient(P, G, A_0, Y):",
            '    """dL/dW_l and dL/db_l of one sample (a column A_0, targets Y), written into G = matrices(grad).',
            "",
            "    train's steps in numpy: for one sample BP4 is an outer product, each entry a single",
            "    product, which np.multiply broadcasts at about half a matrix product's cost (the same",
            "    numbers), and BP3 is delta itself.",
            '    """',
            self.unpack("d"),
            f"    {inputs}, {deltas} = backward(P, A_0, Y)",
            *["    " + line for line in aligned(rows, "#")],
        ]

    def float_step(self):
        """One SGD step on one sample in plain floats, layer by layer, on lists of rows."""
        p = self.plan
        printer = FloatPrinter()
        z, a, y = Symbol("z"), Symbol("a"), Symbol("y")
        L = p.output.name
        delta = p.output_delta(z, a, y)
        lines = []
        for layer in p.layers:
            keep_z = z in (delta if layer is p.output else p.fprime(layer, z, a) or a).free_symbols
            lines += self.float_layer(printer, layer, keep_z)
        lines.append("    # BP1 at the output, then BP2 back through the layers: delta_l = (W_l+1^T delta_l+1) * f'(z_l)")
        lines.append(f"    delta_{L} = [{printer.doprint(delta)} for {self.float_outputs(delta)}]")
        for layer in reversed(p.layers[:-1]):
            l, up = layer.name, layer.index + 1
            if p.layers[layer.index].n_out == 1:  # layer.index counts from 1: this is the layer above
                # one neuron above: W^T delta is its one row times its one delta, not a sum per column
                value, column, columns = f"w * delta_{up}[0]", "w", f"W_{up}[0]"
            else:
                value, column, columns = f"sum(map(operator.mul, column, delta_{up}))", "column", f"zip(*W_{up})"
            fprime = p.fprime(layer, z, a)
            if fprime is None:
                lines.append(f"    delta_{l} = [{value} for {column} in {columns}]")
            else:
                at = "z" if z in fprime.free_symbols else "a"
                lines.append(f"    delta_{l} = [{value} * ({printer.doprint(fprime)}) "
                             f"for {column}, {at} in zip({columns}, {at.upper()}_{l})]")
        pairs = ", ".join(f"(W_{layer.name}, b_{layer.name}, delta_{layer.name}, A_{layer.index - 1})"
                          for layer in p.layers)
        Ws = ", ".join(f"W_{layer.name}" for layer in p.layers)
        bs = ", ".join(f"b_{layer.name}" for layer in p.layers)
        unpack = f"    ({Ws}), ({bs}) = W, b" if len(p.layers) > 1 else f"    ({Ws},), ({bs},) = W, b"
        code = [
            rule("one sample in plain floats: the article's SGD steps, for small networks"),
            "",
            "# A step on one sample of a small network is a few dozen operations on single numbers;",
            "# numpy spends about a microsecond on each call whatever the array's size, so there",
            "# train works in plain Python floats with math's exp: W_l a list of rows, b_l a list.",
            "",
            *[line for source in printer.helpers() for line in ("", source, "")],
            "",
            "def float_step(W, b, A_0, Y, learn_rate):",
            '    """One SGD step on one sample (inputs A_0, targets Y: lists), in place on W and b."""',
            unpack,
            *lines,
            "    # BP3 and BP4 for this one sample, and the step: every W_l and b_l after every delta_l, in place",
            "    # weight by weight (measured: no slower than a new list per row, at any width, and makes none)",
            f"    for W_l, b_l, delta, A in ({pairs}{',' if len(p.layers) == 1 else ''}):",
            "        for j, d in enumerate(delta):",
            "            row = W_l[j]",
            "            for k, a in enumerate(A):",
            "                row[k] -= learn_rate * (d * a)",
            "            b_l[j] -= learn_rate * d",
        ]
        return code

    def float_outputs(self, expr):
        """``z, a, y in zip(Z_L, A_L, Y)`` for a comprehension over the outputs; z only if expr reads it."""
        L = self.plan.output.name
        names = ("z", "a", "y") if Symbol("z") in expr.free_symbols else ("a", "y")
        lists = {"z": f"Z_{L}", "a": f"A_{L}", "y": "Y"}
        return f"{', '.join(names)} in zip({', '.join(lists[name] for name in names)})"

    def float_layer(self, printer, layer, keep_z):
        """``Z_l`` and ``A_l`` of one sample as lists; Z_l only when it is read again."""
        l, prev = layer.name, layer.index - 1
        sums = f"sum(map(operator.mul, row, A_{prev}), bias)"
        f = printer.doprint(self.plan.activation(layer, Symbol("z")))
        if keep_z:
            return [f"    Z_{l} = [{sums} for row, bias in zip(W_{l}, b_{l})]",
                    f"    A_{l} = [{f} for z in Z_{l}]"]
        # f(z) with the sum in place of z: one list, not two
        return [f"    A_{l} = [{f.replace('(z)', f'({sums})')} for row, bias in zip(W_{l}, b_{l})]"
                if f.count("z") == 1 and f.endswith("(z)") else
                f"    A_{l} = [{f} for z in [{sums} for row, bias in zip(W_{l}, b_{l})]]"]

    # --- the module ---------------------------------------------------------------------------

    def text(self):
        p = self.plan
        one = len(p.outputs) == 1
        parts = [
            self.docstring(),
            "import math",
            "import operator",
            "",
            "import numpy as np",
            "",
            "#: the layer sizes, inputs first",
            f"SIZES = {tuple(p.sizes)!r}",
            "#: the parameters, in the order every function takes and returns them: all weights, then all biases",
            f"PARAMS = {_names('w', p.network.n_weights)} + {_names('b', p.network.n_biases)}",
            f"INPUTS = {_names('x', len(p.inputs))}",
            f"TARGETS = {p.targets!r}",
            "#: samples per block in loss and gradients: a block's matrices stay in the CPU's cache",
            f"BLOCK = {BLOCK}",
            "#: train steps in plain floats (faster there) up to this many parameters per entry of SIZES,",
            "#: past it in numpy: a float step costs about the same per parameter, a numpy step per layer",
            f"FLOAT_STEPS = {FLOAT_STEPS}",
            "#: about how many numbers a stack of epochs holds when train takes their losses at once",
            f"STACK = {STACK}",
            "",
        ]
        code = [*self.matrices(), "", "", *self.forward(), "", "", *self.sample_losses(), "", "",
                *self.backward(), "", "", *self.gradient_sums(), "", "", *self.sample_gradient()]
        for source in self.printer.helpers():
            parts += ["", source, ""]
        parts += ["", rule("the layers: BP1-BP4 on a block of samples, one per column"), "", "", *code, "", "",
                  *self.float_step(), "", "", rule("the interface"), "", ""]
        parts.append(INTERFACE.format(
            n_in=len(p.inputs),
            y_shape="(len(X),)" if one else f"(len(X), {len(p.targets)})",
            y_what="one target per row of X" if one else f"one row of {len(p.targets)} targets per row of X",
            y_flat=SINGLE_Y if one else "",
            columns="y[None, :]" if one else "y.T",
            predicted="A_L[0]" if one else "A_L.T",
            last=p.output.name,
        ).strip("\n"))
        return "\n".join(parts) + "\n"

    def docstring(self):
        p = self.plan
        net = p.network
        one = len(p.outputs) == 1
        y_row = "one target y_true per sample" if one else f"one row ({', '.join(p.targets)}) per sample"
        lines = [
            *wrap(f"The gradient of the loss of a {net.describe()}, layer by layer (Nielsen's BP1-BP4)."),
            "",
            "Generated by nnderive from its derivation; this command makes this file again:",
            "",
            f"    {style_command(net, TARGET, 'layers')}",
            "",
            *wrap(style_note(net, TARGET, "layers")),
            "",
            *equations(p),
            "",
            *wrap(f"Functions (params: numbers in the order of PARAMS; X: an array with one row of "
                  f"{len(p.inputs)} inputs per sample; y: {y_row}):"),
            "",
            "    loss(params, X, y)          the mean loss over the samples",
            "    gradients(params, X, y)     its gradient: an array in PARAMS order",
            "    sgd_step(params, x, y_true, learn_rate)",
            "                                one step of the article's SGD on one sample: new params",
            "    train(params, X, y, epochs=1000, learn_rate=0.1)",
            "                                the article's loop, sample by sample in order; returns",
            "                                (trained params, mean loss after each epoch)",
            "    predict(params, X)          the outputs for every sample",
            "    losses(params, X, y), backprop(params, X, y)",
            "                                L and dL/dparam of every sample (backprop: one row per",
            "                                parameter, one column per sample)",
            "",
            "It needs only numpy. loss and gradients take the samples in blocks of BLOCK columns,",
            "whose matrices fit in the CPU's cache; the activations are computed in forms that cannot",
            "overflow, each with one exp.",
        ]
        text = "\n".join(line.rstrip() for line in lines).replace("\\", "\\\\")
        return f'"""{text}\n"""\n'


SINGLE_Y = '''
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]'''

INTERFACE = '''
# a value below 1e-308 (e.g. e^-800) rounds to 0, as it should: no warning for that
QUIET = dict(under="ignore")


def loss(params, X, y):
    """The mean loss over the samples (the rows of X, with targets y)."""
    X, y = _arrays(X, y)
    P = matrices(_params(params))
    total = 0.0
    with np.errstate(**QUIET):
        for start in range(0, len(X), BLOCK):
            *_, Z_L, A_L = forward(P, X[start:start + BLOCK].T)
            total += np.sum(sample_losses(Z_L, A_L, _columns(y[start:start + BLOCK])))
    return float(total / len(X))


def gradients(params, X, y):
    """The gradient of loss(params, X, y): an array in PARAMS order (the mean of BP3 and BP4 over the samples)."""
    X, y = _arrays(X, y)
    P = matrices(_params(params))
    block, total = np.empty(len(PARAMS)), np.zeros(len(PARAMS))
    G = matrices(block)  # gradient_sums writes into block through these views
    with np.errstate(**QUIET):
        for start in range(0, len(X), BLOCK):
            gradient_sums(P, G, X[start:start + BLOCK].T, _columns(y[start:start + BLOCK]))
            total += block
    return total / len(X)


def sgd_step(params, x, y_true, learn_rate):
    """One step of the article's SGD on one sample: each parameter minus learn_rate * dL/dparam."""
    return _params(params) - learn_rate * gradients(params, [x], [y_true])


def train(params, X, y, epochs=1000, learn_rate=0.1):
    """The article's training: every epoch, one SGD step per sample, in order.

    Returns the trained parameters (an array in PARAMS order) and the mean loss
    over the samples after each epoch.  SGD steps follow one another, so this
    loops over the samples: in plain floats for a small network (_float_epochs),
    each a block of one column past that (_numpy_epochs).  The loss after each
    epoch waits: the parameters after each epoch are kept, and forward takes a
    stack of many epochs at once (_mean_losses), which costs far less than a
    forward pass of its own after every epoch.
    """
    X, y = _arrays(X, y)
    params = _params(params).copy()
    epochs_of = _float_epochs if len(params) <= FLOAT_STEPS * len(SIZES) else _numpy_epochs
    # epochs per stack: its arrays (and the parameters kept) stay a few megabytes
    stack = max(1, STACK // (len(X) * max(SIZES) + len(params)))
    loss_history, kept = [], []
    with np.errstate(**QUIET):
        for after_epoch in epochs_of(params, X, y, epochs, float(learn_rate)):
            kept.append(after_epoch)
            if len(kept) == stack:
                loss_history += _mean_losses(np.array(kept), X, y)
                kept.clear()
        if kept:
            loss_history += _mean_losses(np.array(kept), X, y)
    return params, loss_history


def _float_epochs(params, X, y, epochs, learn_rate):
    """train's epochs in plain floats (float_step), each followed by the parameters it ends at (a list in
    PARAMS order); params is filled in after the last."""
    P = matrices(params)
    n = len(P) // 2
    W = [M.tolist() for M in P[:n]]
    b = [column[:, 0].tolist() for column in P[n:]]
    samples = list(zip(X.tolist(), _columns(y).T.tolist()))
    for epoch in range(epochs):
        for x, y_true in samples:
            float_step(W, b, x, y_true, learn_rate)
        yield [w for W_l in W for row in W_l for w in row] + [bias for b_l in b for bias in b_l]
    for M, rows in zip(P, W + [[[value] for value in column] for column in b]):
        M[...] = rows  # views of params: this fills it in PARAMS order


def _numpy_epochs(params, X, y, epochs, learn_rate):
    """train's epochs in numpy, in place on params, each followed by a copy of the parameters it ends at."""
    grad = np.empty_like(params)
    P, G = matrices(params), matrices(grad)  # views: a step on params moves every W_l and b_l
    A_0, Y = X.T, _columns(y)
    samples = [(A_0[:, i:i + 1], Y[:, i:i + 1]) for i in range(len(X))]
    for epoch in range(epochs):
        for a_0, y_true in samples:
            sample_gradient(P, G, a_0, y_true)
            params -= learn_rate * grad
        yield params.copy()


def _mean_losses(stack, X, y):
    """The mean loss over the samples (rows of X, targets y) at each row of stack (parameters), as a list."""
    *_, Z_L, A_L = forward(matrices(stack), X.T)
    return np.mean(sample_losses(Z_L, A_L, _columns(y)), axis=-1).tolist()


def predict(params, X):
    """The outputs for every sample (row of X)."""
    X, _ = _arrays(X)
    with np.errstate(**QUIET):
        *_, A_L = forward(matrices(_params(params)), X.T)
    return {predicted}


def losses(params, X, y):
    """L for every sample at once: an array with one entry per sample."""
    X, y = _arrays(X, y)
    with np.errstate(**QUIET):
        *_, Z_L, A_L = forward(matrices(_params(params)), X.T)
        return sample_losses(Z_L, A_L, _columns(y))


def backprop(params, X, y):
    """dL/dparam for every sample: one row per parameter (PARAMS order), one column per sample."""
    X, y = _arrays(X, y)
    with np.errstate(**QUIET):
        inputs, deltas = backward(matrices(_params(params)), X.T, _columns(y))
        # BP4 and BP3 for each sample on its own: the outer product delta a^T, row by row
        weights = [(delta[:, None, :] * a[None, :, :]).reshape(-1, len(X)) for delta, a in zip(deltas, inputs)]
        return np.concatenate(weights + list(deltas))


def _params(params):
    params = np.asarray(params, dtype=float)
    if params.shape != (len(PARAMS),):
        raise ValueError(f"params must hold {{len(PARAMS)}} numbers in PARAMS order, got shape {{params.shape}}")
    return params


def _arrays(X, y=None):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != {n_in} or len(X) == 0:
        raise ValueError(f"X must have one row of {n_in} inputs per sample, got shape {{X.shape}}")
    if y is None:
        return X, None
    y = np.asarray(y, dtype=float){y_flat}
    if y.shape != {y_shape}:
        raise ValueError(f"y must have {y_what}, got shape {{y.shape}}")
    return X, y


def _columns(y):
    """The targets as the output layer's shape: one column per sample."""
    return {columns}
'''
