"""The C target: one file that needs only ``<math.h>``.

The same statements as the Python targets, each a ``const double``; one
sample at a time, with the batch functions looping over rows (X row-major).
It compiles without a warning under ``cc -O3 -Wall -shared -fPIC ... -lm``:
a function only names the parameters and quantities it uses.

>>> from derivations import derive
>>> source = emit(derive())
>>> "#include <math.h>" in source, "#define NN_N_PARAMS 9" in source
(True, True)
"""

import textwrap

from sympy.printing.c import C99CodePrinter

from derivations.codegen.base import WIDTH, HelperCalls, aligned, header
from derivations.codegen.listing import Listing

TARGET = "c"


class CPrinter(HelperCalls, C99CodePrinter):
    """SymPy's C99 printer, with our activations as calls to their static helpers.

    The helpers' source comes from the activation records (:mod:`derivations.rules.activations`).
    """

    TARGET = TARGET


def emit(derivation):
    """The C source for ``derivation``, as text."""
    return CFile(Listing(derivation)).text()


def comment_block(lines):
    """``/* ... */`` around text lines, made safe: no comment ends inside."""
    safe = [line.replace("*/", "* /").replace("/*", "/ *") for line in lines]
    return ["/*"] + [f" * {line}".rstrip() for line in safe] + [" */"]


class CFile:
    """Writes the C file: header comment, sizes, helpers, one-sample functions, batch functions."""

    def __init__(self, listing):
        self.listing = listing
        self.printer = CPrinter()

    def unpack(self, reads, stored=(), arrays=("params", "x", "y")):
        """``const double w1 = params[0];`` ... for the names a function reads."""
        ls = self.listing
        rows = []
        for array, names in (("params", ls.params), ("x", ls.inputs), ("y", ls.targets)):
            if array not in arrays:
                continue
            used = [(f"const double {v} = {array}[{k}];", "") for k, v in enumerate(names) if v in reads]
            rows += used or [(f"(void){array};", "unused here")]
        rows += [(f"const double {v} = q->{v};", "") for v in stored]
        return rows

    def statements(self, lines, section=None):
        rows = [("", ""), (f"/* {SECTIONS[section]} */", "")] if section else []
        rows += [(f"const double {line.name} = {self.printer.line(line)};", line.comment) for line in lines]
        return rows

    def function(self, signature, doc, rows, tail):
        body = ["    " + code if code else "" for code in aligned(rows, "/*", end=" */")]
        return [*doc_comment(doc), signature, "{", *body, *tail, "}"]

    def row_inputs(self, used):
        """``const double x1 = X[i * NN_N_INPUTS + 0];`` ... for the inputs of sample i that ``used`` names."""
        return [(f"const double {x} = X[i * NN_N_INPUTS + {k}];", "") for k, x in enumerate(self.listing.inputs)
                if x in used]

    def forward_block(self, forward, stored, layer_of):
        """forward(): the forward passes of m samples, one loop per layer, results in q[i]."""
        ls = self.listing
        reads = {symbol.name for line in forward for symbol in line.expr.free_symbols}
        rows = self.unpack(reads, arrays=("params",))
        for layer in sorted({layer_of[line.name] for line in forward}):
            lines = [line for line in forward if layer_of[line.name] == layer]
            used = {symbol.name for line in lines for symbol in line.expr.free_symbols}
            outs = ", ".join(n.out.name for n in ls.graph.layers[layer - 1])
            rows += [("", ""), (f"/* layer {layer}: {outs} */", ""), ("for (long i = 0; i < m; i++) {", "")]
            body = self.row_inputs(used)
            body += [(f"const double {v} = q[i].{v};", "") for v in stored if v in used and layer_of[v] < layer]
            body += self.statements(lines)
            body += [(f"q[i].{line.name} = {line.name};", "") for line in lines if line.name in stored]
            rows += [("    " + code, comment) for code, comment in body] + [("}", "")]
        return self.function(
            "static void forward(const double *params, const double *X, long m, struct nn_sample *q)",
            "The forward passes of m samples (rows of X), kept in q[0..m-1]. Layer by layer: "
            "the samples' activations (their exp() calls) do not wait for each other, so the "
            "processor overlaps them.",
            rows, [],
        )

    def straight(self, signature, doc, wanted, tail):
        """A function computing ``wanted`` from ``params``, ``x`` and ``y``, ended by ``tail``."""
        lines, reads = self.listing.needed(wanted)
        arrays = ("params", "x", "y") if "const double *y" in signature else ("params", "x")
        return self.function(signature, doc, self.unpack(reads, arrays=arrays) + self.statements(lines), tail)

    def text(self):
        ls = self.listing
        n_out = len(ls.outputs)
        # the gradient in two halves: forward() keeps in a struct what later layers and
        # backward() read; it runs a block of samples layer by layer, which is faster
        lines, _ = ls.needed(ls.gradients)
        forward = [line for line in lines if line.kind == "forward"]
        backward = [line for line in lines if line.kind != "forward"]
        back_reads = {symbol.name for line in backward for symbol in line.expr.free_symbols}
        layer_of = {q.name: n.layer for n in ls.graph.neurons for q in (n.sum, n.out)}
        carried = {
            symbol.name for line in forward for symbol in line.expr.free_symbols
            if symbol.name in layer_of and layer_of[symbol.name] < layer_of[line.name]
        }
        stored = [line.name for line in forward if line.name in carried | back_reads]
        self.n_stored = len(stored)
        code = []
        code += self.straight(
            "void nn_feedforward(const double *params, const double *x, double *out)",
            "The network's outputs for one sample x[NN_N_INPUTS], written to out[NN_N_OUTPUTS].",
            ls.outputs, [f"    out[{k}] = {o};" for k, o in enumerate(ls.outputs)],
        )
        code += [""]
        code += self.straight(
            "double nn_sample_loss(const double *params, const double *x, const double *y)",
            "L for one sample x[NN_N_INPUTS] with targets y[NN_N_OUTPUTS].",
            [ls.loss.name], [f"    return {ls.loss.name};"],
        )
        code += ["", "/* What later layers and the backward pass read of one sample's forward pass. */"]
        code += ["struct nn_sample {", *(f"    double {name};" for name in stored), "};", ""]
        code += self.forward_block(forward, stored, layer_of)
        code += [""]
        made = {line.name for line in forward}
        code += self.function(
            "static void backward(const double *params, const double *x, const double *y,\n"
            "                     const struct nn_sample *q, double *grad)",
            "dL/dparam for one sample, from its forward pass q, written to grad[NN_N_PARAMS].",
            self.unpack(back_reads - made, [name for name in stored if name in back_reads])
            + self.statements(backward, "backward"),
            [""] + [f"    grad[{k}] = {g};" for k, g in enumerate(ls.gradients)],
        )
        code += ["", BACKPROP.strip("\n")]
        history = self.training_loop(forward, backward)
        parts = [
            *comment_block(self.header_lines()),
            "",
            "#include <math.h>",
            "",
            f"#define NN_N_PARAMS {len(ls.params)}",
            f"#define NN_N_INPUTS {len(ls.inputs)}",
            f"#define NN_N_OUTPUTS {n_out}",
            "/* samples per block in nn_gradients: their forward passes run together, which is faster */",
            f"#define NN_BLOCK {block_size(self.n_stored)}",
            "",
            *self.helpers(),
            rule("one sample"),
            "",
            *code,
            "",
            rule("every sample"),
            BATCH.replace("{training}", SGD_STEP + "\n".join(history) + "\n\n" + NN_TRAIN).rstrip("\n"),
        ]
        return "\n".join(parts) + "\n"

    def training_loop(self, forward, backward):
        """nn_train_history: the article's train(), each step written out, the parameters in locals."""
        ls = self.listing
        used = {symbol.name for line in forward + backward for symbol in line.expr.free_symbols}
        step = self.row_inputs(used)
        step += [(f"const double {t} = y[i * NN_N_OUTPUTS + {k}];", "") for k, t in enumerate(ls.targets) if t in used]
        step += self.statements(forward, "forward") + self.statements(backward, "backward")
        step += [("", ""), ("/* the step: each parameter minus learn_rate * dL/dparam */", "")]
        step += [(f"{p} -= learn_rate * {g};", "") for p, g in zip(ls.params, ls.gradients)]
        step += [("", ""), ("/* the loss after the epoch before, at params: waits for no step */", ""),
                 ("if (loss_history && epoch > 0)", ""),
                 ("    total += nn_sample_loss(params, X + i * NN_N_INPUTS, y + i * NN_N_OUTPUTS);", "")]
        rows = [(f"double {p} = params[{k}];", "") for k, p in enumerate(ls.params)]
        rows += [("for (long epoch = 0; epoch < epochs; epoch++) {", ""),
                 ("    double total = 0.0;    /* n times the loss after the epoch before */", ""),
                 ("    for (long i = 0; i < n; i++) {", "")]
        rows += [("        " + code if code else "", comment) for code, comment in step]
        rows += [("    }", ""), ("    if (loss_history && epoch > 0)", ""),
                 ("        loss_history[epoch - 1] = total / n;", "")]
        rows += [(f"    params[{k}] = {p};", "") for k, p in enumerate(ls.params)]
        rows += [("}", ""), ("if (loss_history && epochs > 0)", ""),
                 ("    loss_history[epochs - 1] = nn_loss(params, X, y, n);", "")]
        return self.function(
            "void nn_train_history(double *params, const double *X, const double *y, long n, long epochs,\n"
            "                      double learn_rate, double *loss_history)",
            "The article's training, in place; the mean loss after each epoch goes to "
            "loss_history[epochs] unless it is NULL. As in the article's train(), each step is "
            "written out: the forward pass, the chain rule, the update. Each step waits for the "
            "one before (for its exp() calls most of all), so the parameters live in local "
            "variables, which the compiler keeps in registers, and params is written once an "
            "epoch: where the epoch ended. The loss after an epoch is summed during the next, a "
            "sample after each step, at params: those forward passes wait for no step, so the "
            "processor runs them while the steps wait. The numbers are nn_sgd_step's and "
            "nn_loss's to the last bit.",
            rows, [],
        )

    def helpers(self):
        out = []
        for source in self.printer.helpers():
            out += [source, ""]
        return out

    def header_lines(self):
        ls = self.listing
        ys = ", ".join(ls.targets)
        interface = interface_lines(", ".join(ls.inputs), ys)
        return header(ls, TARGET, interface)


#: what the scalar C computes, compiled as the header says
EXACT = "(with -ffp-contract=off as well, it computes exactly what the Python targets compute)."


def interface_lines(inputs, targets, note=EXACT):
    """The header's lines on the C functions (shared by both styles): ``inputs``, ``targets`` as names."""
    return [
        "Interface. params and grad hold NN_N_PARAMS numbers in the order above; X is",
        f"row-major, n rows of NN_N_INPUTS ({inputs}); y is n rows of NN_N_OUTPUTS ({targets}).",
        "",
        "  double nn_loss(const double *params, const double *X, const double *y, long n);",
        "      the mean loss over the n samples",
        "  void nn_gradients(const double *params, const double *X, const double *y, long n,",
        "                    double *grad);",
        "      its gradient, written to grad",
        "  void nn_train(double *params, const double *X, const double *y, long n, long epochs,",
        "                double learn_rate);",
        "      the article's loop: every epoch, one SGD step per sample in order; params in place",
        "  void nn_train_history(double *params, const double *X, const double *y, long n,",
        "                        long epochs, double learn_rate, double *loss_history);",
        "      the same, also writing the mean loss after each epoch to loss_history[epochs]",
        "      (which may be NULL)",
        "  void nn_sgd_step(double *params, const double *x, const double *y, double learn_rate);",
        "      one step of the article's SGD on one sample",
        "  void nn_predict(const double *params, const double *X, long n, double *out);",
        "      the network's outputs, n rows of NN_N_OUTPUTS",
        "  void nn_feedforward(const double *params, const double *x, double *out);",
        "  double nn_sample_loss(const double *params, const double *x, const double *y);",
        "  void nn_backprop(const double *params, const double *x, const double *y, double *grad);",
        "      the same for one sample (nn_backprop: dL/dparam)",
        "",
        "It needs only <math.h>; the activations are computed in forms that cannot overflow.",
        "Compile it, e.g., with",
        "",
        "    cc -O3 -Wall -shared -fPIC -o libnn.so this_file.c -lm",
        "",
        note,
    ]


def doc_comment(text):
    """``/* text */``, over several lines when it is long."""
    lines = textwrap.wrap(text, WIDTH - 6)
    if len(lines) == 1:
        return [f"/* {text} */"]
    return [f"/* {lines[0]}"] + [f" * {line}" for line in lines[1:-1]] + [f" * {lines[-1]} */"]


def block_size(n_stored):
    """Samples per block: up to 64, with the block's forward passes kept under 32 KiB."""
    return max(1, min(64, 4096 // max(n_stored, 1)))


BACKPROP = """
/* dL/dparam for one sample, written to grad[NN_N_PARAMS] in parameter order. */
void nn_backprop(const double *params, const double *x, const double *y, double *grad)
{
    struct nn_sample q;
    forward(params, x, 1, &q);
    backward(params, x, y, &q, grad);
}
"""


def rule(title):
    """``/* ---- title ---- */``: a section rule as wide as the code."""
    return f"/* ---- {title} ".ljust(WIDTH - 3, "-") + " */"


#: the scalar style's nn_sgd_step (its nn_train_history is written by CFile.training_loop)
SGD_STEP = """/* One step of the article's SGD on one sample: each parameter minus learn_rate * dL/dparam. */
void nn_sgd_step(double *params, const double *x, const double *y, double learn_rate)
{
    double grad[NN_N_PARAMS];
    nn_backprop(params, x, y, grad);
    for (int k = 0; k < NN_N_PARAMS; k++)
        params[k] -= learn_rate * grad[k];
}

"""

#: nn_train, the same in both styles
NN_TRAIN = """/* The article's training, in place: every epoch, one SGD step per sample, in order. */
void nn_train(double *params, const double *X, const double *y, long n, long epochs,
              double learn_rate)
{
    nn_train_history(params, X, y, n, epochs, learn_rate, 0);
}

"""

SECTIONS = {
    "forward": "forward pass: each neuron's weighted sum, then its activation",
    "backward": "backward pass: every factor of the chain rule, from the loss back to the inputs",
}

BATCH = """
/* The mean loss over n samples: X is n x NN_N_INPUTS (row-major), y is n x NN_N_OUTPUTS. */
double nn_loss(const double *params, const double *X, const double *y, long n)
{
    double total = 0.0;
    for (long i = 0; i < n; i++)
        total += nn_sample_loss(params, X + i * NN_N_INPUTS, y + i * NN_N_OUTPUTS);
    return total / n;
}

/* The gradient of nn_loss, written to grad[NN_N_PARAMS]. */
void nn_gradients(const double *params, const double *X, const double *y, long n, double *grad)
{
    struct nn_sample q[NN_BLOCK];
    double sample[NN_N_PARAMS], total[NN_N_PARAMS] = {0.0};
    for (long start = 0; start < n; start += NN_BLOCK) {
        const long m = n - start < NN_BLOCK ? n - start : NN_BLOCK;
        forward(params, X + start * NN_N_INPUTS, m, q);
        for (long i = 0; i < m; i++) {
            backward(params, X + (start + i) * NN_N_INPUTS, y + (start + i) * NN_N_OUTPUTS, &q[i], sample);
            for (int k = 0; k < NN_N_PARAMS; k++)
                total[k] += sample[k];
        }
    }
    for (int k = 0; k < NN_N_PARAMS; k++)
        grad[k] = total[k] / n;
}

{training}/* The network's outputs for every sample, written to out (n rows of NN_N_OUTPUTS). */
void nn_predict(const double *params, const double *X, long n, double *out)
{
    for (long i = 0; i < n; i++)
        nn_feedforward(params, X + i * NN_N_INPUTS, out + i * NN_N_OUTPUTS);
}
"""
