"""The C target in the layer style: BP1-BP4 as loops per layer over fixed-size arrays.

A block of up to NN_BLOCK samples is held one column per sample, as in the
equations (A_0 is the block's inputs, Z_l, A_l and delta_l a layer's sums,
activations and deltas); the weights are read in place from ``params``.
Each layer is a call to one of two small matrix kernels (``matrix_times``
for W A and W^T delta, ``add_times_transpose`` for delta A^T) and a loop for
the activation or its derivative, never one line per weight, so the file
grows with the number of layers and compiles in a moment.  The kernels keep
tiles of running sums in vector registers (GCC's vector types where the
compiler has them, plain loops otherwise, the same numbers either way) and
on x86-64 Linux are built for AVX2 and for any x86-64, picked when the
library loads.  The activations' exp is the file's own ``nn_exp`` (a few
multiplications and additions, within 1-2 units in the last place of libm's),
because a call to libm's exp per number keeps the activation loops out of
vector registers.  One sample at a time (``nn_backprop``, ``nn_sgd_step``,
the training loop) the same equations run on vectors (``struct nn_one``)
instead of a block padded to NN_LANES columns, adding in the kernels' order:
the same numbers, for an eighth of the work.  Same functions and constants as
the scalar C.

>>> from derivations import Network, derive
>>> source = emit(derive(Network((2, 64, 64, 1))))
>>> "#define NN_N_PARAMS 4417" in source, "matrix_times(q->Z_2[0], params + W_2_AT, N_1, 1, q->A_1[0], N_2, N_1, cols);" in source
(True, True)
>>> len(source) - len(emit(derive(Network((2, 8, 8, 1))))) < 100       # 4417 parameters or 105: the same lines
True
"""

from sympy import Symbol
from sympy.printing.c import C99CodePrinter

from derivations.codegen.base import HelperCalls, wrap
from derivations.codegen.emit_c import NN_TRAIN, comment_block, interface_lines, rule
from derivations.codegen.layered import LayerHelpers, Plan, equations, style_command, style_note

TARGET = "c"
#: the most bytes a block's work arrays take (they live on the stack)
BLOCK_BYTES = 256 * 1024
#: samples a loop takes at a time, held in registers (two or four vector registers' worth)
LANES = 8


class LayerCPrinter(LayerHelpers, HelperCalls, C99CodePrinter):
    """The C99 printer with the helpers written for loops where a record has them."""

    TARGET = TARGET
    LAYER_TARGET = "c_layers"


def emit(derivation):
    """The layer-style C source for ``derivation``, as text."""
    return CLayers(Plan(derivation)).text()


def block_size(plan):
    """Samples per block: up to 64, a multiple of LANES, its work arrays within BLOCK_BYTES (if it can)."""
    sizes = plan.sizes
    per_sample = sizes[0] + 3 * sum(sizes[1:]) + sizes[-1]
    block = min(64, BLOCK_BYTES // (8 * per_sample))
    return max(LANES, block - block % LANES)


Z, A, Y = Symbol("z"), Symbol("a"), Symbol("y")


def declared(expr, indent, places):
    """``const double z = ..., a = ...;`` for the element symbols (z, a, y) ``expr`` reads, from ``places``."""
    used = [f"{symbol} = {places[symbol]}" for symbol in (Z, A, Y) if symbol in expr.free_symbols]
    return [f"{indent}const double {', '.join(used)};"] if used else []


def reads(expr, layer, indent, row="j", column="s", skip=False):
    """``const double z = q->Z_2[j][s], ...;`` for the element symbols ``expr`` reads, in a block ``q``."""
    arrays = {Z: f"Z_{layer}", A: f"A_{layer}", Y: "Y"}
    places = {symbol: f"q->{array}[{row}][{column}]" for symbol, array in arrays.items()}
    return [] if skip else declared(expr, indent, places)


def one_reads(expr, layer, indent, row="j"):
    """``const double z = v->z_2[j], ...;`` for the element symbols ``expr`` reads, of one sample ``v``."""
    return declared(expr, indent, {Z: f"v->z_{layer}[{row}]", A: f"v->a_{layer}[{row}]", Y: f"t[{row}]"})


class CLayers:
    """Writes the C file: header, sizes, helpers, the block's arrays, forward, BP1-BP4, one sample, the interface."""

    def __init__(self, plan):
        self.plan = plan
        self.printer = LayerCPrinter()

    def expr(self, expr):
        return self.printer.doprint(expr)

    # --- declarations ---------------------------------------------------------------------

    def sizes(self):
        p = self.plan
        sizes = ", ".join(f"N_{l} = {n}" for l, n in enumerate(p.sizes))
        at = ", ".join(f"W_{layer.name}_AT = {layer.weight_at}" for layer in p.layers)
        bias_at = ", ".join(f"b_{layer.name}_AT = {layer.bias_at}" for layer in p.layers)
        return [
            "/* The layer sizes, inputs first: layer l has N_l neurons. */",
            *wrap(f"enum {{ {sizes} }};", hang="    ", width=96),
            "/* Where each layer's parameters start in params and grad: every W_l (row by row: one row",
            " * per neuron, one column per input), then every b_l. */",
            *wrap(f"enum {{ {at}, {bias_at} }};", hang="    ", width=96),
        ]

    def block_struct(self):
        p = self.plan
        rows = ["    double A_0[N_0][NN_BLOCK];    /* the inputs, one column per sample */"]
        for layer in p.layers:
            l = layer.name
            rows.append(f"    double Z_{l}[N_{l}][NN_BLOCK], A_{l}[N_{l}][NN_BLOCK], delta_{l}[N_{l}][NN_BLOCK];")
        rows.append(f"    double Y[N_{p.output.name}][NN_BLOCK];    /* the targets */")
        return [
            "/* One block of samples, one column each, as in the equations: every layer's Z, A and delta. */",
            "struct nn_block {", *rows, "};",
        ]

    # --- the functions --------------------------------------------------------------------

    def forward(self):
        p = self.plan
        body = []
        for layer in p.layers:
            l, prev = layer.name, layer.index - 1
            body += [
                f"    /* layer {l}: Z_{l} = W_{l} A_{prev} + b_{l}, A_{l} = f(Z_{l}) with f = {layer.activation.name} */",
                f"    matrix_times(q->Z_{l}[0], params + W_{l}_AT, N_{prev}, 1, q->A_{prev}[0], N_{l}, N_{prev}, cols);",
                f"    for (int j = 0; j < N_{l}; j++) {{",
                f"        const double b = params[b_{l}_AT + j];",
                "        long s = 0;",
                "        for (; s < m; s++) {",
                f"            const double z = q->Z_{l}[j][s] + b;    /* z = W a + b */",
                f"            q->Z_{l}[j][s] = z;",
                f"            q->A_{l}[j][s] = {self.printer.doprint(p.activation(layer, Z))};    /* a = f(z) */",
                "        }",
                "        for (; s < cols; s++) {",
                f"            q->Z_{l}[j][s] = b;",
                f"            q->A_{l}[j][s] = 0.0;",
                "        }",
                "    }",
            ]
        return [
            "/* The forward pass of the block's m samples in cols columns (q->A_0), layer by layer; the",
            " * padding columns get no activation (a = 0): one sample costs one f per neuron, not NN_LANES. */",
            "NN_VECTOR_CLONES",
            "static void forward(const double *params, struct nn_block *q, long m, long cols)",
            "{", *body, "}",
        ]

    def gradient_sums(self, layer):
        """BP3 and BP4 of one layer: the sums over the block of dL/db_l = delta_l and dL/dW_l = delta_l A^T."""
        l, prev = layer.name, layer.index - 1
        return [
            f"    /* BP4: dL/dW_{l} += delta_{l} A_{prev}^T; BP3: dL/db_{l} += delta_{l} (sums over the samples) */",
            f"    add_times_transpose(grad + W_{l}_AT, q->delta_{l}[0], q->A_{prev}[0], N_{l}, N_{prev}, cols);",
            f"    for (int j = 0; j < N_{l}; j++)",
            f"        grad[b_{l}_AT + j] += lanes_sum(q->delta_{l}[j], cols);",
        ]

    def backward(self):
        p = self.plan
        out = p.output
        L = out.name
        delta = p.output_delta(Z, A, Y)
        body = [
            f"    /* BP1: {p.output_delta_words()}; the padding columns carry none */",
            f"    for (int j = 0; j < N_{L}; j++)",
            "        for (long s = 0; s < cols; s++) {",
            *reads(delta, L, "            "),
            f"            q->delta_{L}[j][s] = s < m ? {self.expr(delta)} : 0.0;",
            "        }",
        ]
        if len(p.layers) == 1:
            body.append("    (void)params;    /* one layer: no BP2, so no W is read */")
        for layer in reversed(p.layers):
            body += self.gradient_sums(layer)
            if layer.index == 1:
                break
            below = p.layers[layer.index - 2]
            l, k = layer.name, below.name
            fprime = p.fprime(below, Z, A)
            body += [
                f"    /* BP2: delta_{k} = (W_{l}^T delta_{l}) * f'(Z_{k}) with f = {below.activation.name} */",
                f"    matrix_times(q->delta_{k}[0], params + W_{l}_AT, 1, N_{k}, q->delta_{l}[0], N_{k}, N_{l}, cols);",
            ]
            if fprime is not None:
                body += [
                    f"    for (int k = 0; k < N_{k}; k++)",
                    "        for (long s = 0; s < cols; s++) {",
                    *reads(fprime, k, "            ", row="k"),
                    f"            q->delta_{k}[k][s] *= {self.expr(fprime)};",
                    "        }",
                ]
        return [
            "/* BP1-BP4 for a forward block q of m samples (in cols columns): every delta, and the sums over",
            " * the samples of dL/dW_l and dL/db_l added to grad[NN_N_PARAMS]. */",
            "NN_VECTOR_CLONES",
            "static void backward(const double *params, struct nn_block *q, long m, long cols, double *grad)",
            "{", *body, "}",
        ]

    def block_loss(self):
        p = self.plan
        L = p.output.name
        loss = p.sample_loss(Z, A, Y)
        return [
            "/* The sum of L over the m samples of a forward block q. */",
            "static double block_loss(const struct nn_block *q, long m)",
            "{",
            "    double total = 0.0;",
            f"    for (int j = 0; j < N_{L}; j++)",
            "        for (long s = 0; s < m; s++) {",
            *reads(loss, L, "            "),
            f"            total += {self.expr(loss)};",
            "        }",
            "    return total;",
            "}",
        ]

    # --- one sample ----------------------------------------------------------------------

    def one_struct(self):
        rows = ["    double a_0[N_0];    /* the inputs */"]
        for layer in self.plan.layers:
            l = layer.name
            rows.append(f"    double z_{l}[N_{l}], a_{l}[N_{l}], delta_{l}[N_{l}];")
        return [
            "/* One sample's vectors, a single column of the block's arrays: every layer's z, a and delta. */",
            "struct nn_one {", *rows, "};",
        ]

    def one_forward(self):
        p = self.plan
        body = ["    for (int k = 0; k < N_0; k++)", "        v->a_0[k] = x[k];"]
        for layer in p.layers:
            l, prev = layer.name, layer.index - 1
            body += [
                f"    /* layer {l}: z_{l} = W_{l} a_{prev} + b_{l}, a_{l} = f(z_{l}) with f = {layer.activation.name} */",
                f"    for (int j0 = 0; j0 < N_{l}; j0 += 4) {{    /* four rows at a time (row_sums), then their f */",
                f"        const int rows = N_{l} - j0 < 4 ? N_{l} - j0 : 4;",
                f"        row_sums(v->z_{l} + j0, params + W_{l}_AT + (long)j0 * N_{prev}, v->a_{prev}, rows, N_{prev});",
                "        for (int j = j0; j < j0 + rows; j++) {",
                f"            const double z = v->z_{l}[j] + params[b_{l}_AT + j];    /* z = W a + b */",
                f"            v->z_{l}[j] = z;",
                f"            v->a_{l}[j] = {self.printer.doprint(p.activation(layer, Z))};    /* a = f(z) */",
                "        }",
                "    }",
            ]
        return [
            ROW_SUMS.strip("\n"),
            "",
            "/* The forward pass of one sample x[NN_N_INPUTS] into v, layer by layer.  Each sum adds as the",
            " * block's kernels add (from 0, input by input, then the bias), so the numbers are the same. */",
            "static void one_forward(const double *params, const double *x, struct nn_one *v)",
            "{", *body, "}",
        ]

    def one_deltas(self):
        p = self.plan
        L = p.output.name
        delta = p.output_delta(Z, A, Y)
        body = [
            f"    /* BP1: {p.output_delta_words()} */",
            f"    for (int j = 0; j < N_{L}; j++) {{",
            *one_reads(delta, L, "        "),
            f"        v->delta_{L}[j] = {self.expr(delta)};",
            "    }",
        ]
        if len(p.layers) == 1:
            body.append("    (void)params;    /* one layer: no BP2, so no W is read */")
        for layer in reversed(p.layers[1:]):
            below = p.layers[layer.index - 2]
            l, k = layer.name, below.name
            fprime = p.fprime(below, Z, A)
            body += [
                f"    /* BP2: delta_{k} = (W_{l}^T delta_{l}) * f'(z_{k}) with f = {below.activation.name}; W_{l}^T delta_{l} row",
                f"     * by row of W_{l}, so that the inner loop runs along a row (each sum adds in the same order) */",
                f"    for (int k = 0; k < N_{k}; k++)",
                f"        v->delta_{k}[k] = 0.0;",
                f"    for (int j = 0; j < N_{l}; j++) {{",
                f"        const double *row = params + W_{l}_AT + j * N_{k};",
                f"        const double d = v->delta_{l}[j];",
                f"        for (int k = 0; k < N_{k}; k++)",
                f"            v->delta_{k}[k] += row[k] * d;",
                "    }",
            ]
            if fprime is not None:
                body += [
                    f"    for (int k = 0; k < N_{k}; k++) {{",
                    *one_reads(fprime, k, "        ", row="k"),
                    f"        v->delta_{k}[k] *= {self.expr(fprime)};",
                    "    }",
                ]
        return [
            "/* BP1 and BP2 for a forward sample v with targets t[NN_N_OUTPUTS]: every delta. */",
            "static void one_deltas(const double *params, const double *t, struct nn_one *v)",
            "{", *body, "}",
        ]

    def one_loss(self):
        p = self.plan
        L = p.output.name
        loss = p.sample_loss(Z, A, Y)
        return [
            "/* L for a forward sample v with targets t[NN_N_OUTPUTS]. */",
            "static double one_loss(const struct nn_one *v, const double *t)",
            "{",
            "    double total = 0.0;",
            f"    for (int j = 0; j < N_{L}; j++) {{",
            *one_reads(loss, L, "        "),
            f"        total += {self.expr(loss)};",
            "    }",
            "    return total;",
            "}",
        ]

    def one_gradient(self, step):
        """BP3 and BP4 of one sample for every layer: written to grad, or (``step``) taken as an SGD step."""
        body = []
        for layer in self.plan.layers:
            l, prev = layer.name, layer.index - 1
            if step:
                body += [
                    f"    for (int j = 0; j < N_{l}; j++) {{    /* W_{l} -= learn_rate delta_{l} a_{prev}^T, b_{l} -= learn_rate delta_{l} */",
                    f"        double *row = params + W_{l}_AT + j * N_{prev};",
                    f"        for (int k = 0; k < N_{prev}; k++)",
                    f"            row[k] -= learn_rate * (v.delta_{l}[j] * v.a_{prev}[k]);",
                    f"        params[b_{l}_AT + j] -= learn_rate * v.delta_{l}[j];",
                    "    }",
                ]
            else:
                body += [
                    f"    for (int j = 0; j < N_{l}; j++) {{    /* BP4: dL/dW_{l} = delta_{l} a_{prev}^T; BP3: dL/db_{l} = delta_{l} */",
                    f"        for (int k = 0; k < N_{prev}; k++)",
                    f"            grad[W_{l}_AT + j * N_{prev} + k] = v.delta_{l}[j] * v.a_{prev}[k];",
                    f"        grad[b_{l}_AT + j] = v.delta_{l}[j];",
                    "    }",
                ]
        return body

    def one_step(self):
        return [
            "/* One step of the article's SGD on one sample, in place: every delta first (BP2 reads each",
            " * W_l as it was), then each parameter minus learn_rate * dL/dparam, as BP3 and BP4 give it. */",
            "static void one_step(double *params, const double *x, const double *y, double learn_rate)",
            "{",
            "    struct nn_one v;",
            "    one_forward(params, x, &v);",
            "    one_deltas(params, y, &v);",
            *self.one_gradient(step=True),
            "}",
        ]

    def one_sample(self):
        """The one-sample functions: the same equations for one column, without a block's padding."""
        return [*self.one_struct(), "", *self.one_forward(), "", *self.one_deltas(), "",
                *self.one_loss(), "", *self.one_step()]

    # --- the file ------------------------------------------------------------------------

    def text(self):
        p = self.plan
        code = [*self.forward(), "", *self.backward(), "", *self.block_loss(), "",
                LOAD.format(L=p.output.name).strip("\n")]
        helpers = []
        for source in self.printer.helpers():
            helpers += [source, ""]
        parts = [
            *comment_block(self.header_lines()),
            "",
            "#include <math.h>",
            "#include <stdint.h>",
            "#include <string.h>",
            "",
            f"#define NN_N_PARAMS {len(p.params)}",
            f"#define NN_N_INPUTS {len(p.inputs)}",
            f"#define NN_N_OUTPUTS {len(p.outputs)}",
            "/* samples per block: their columns run through each layer's loops together, NN_LANES at a",
            " * time (a block is padded with zero columns to a multiple of NN_LANES) */",
            f"#define NN_BLOCK {block_size(p)}",
            f"#define NN_LANES {LANES}",
            "",
            *self.sizes(),
            "",
            LOOPS.strip("\n"),
            "",
            EXP.strip("\n"),
            "",
            *helpers,
            KERNELS.strip("\n"),
            "",
            rule("a block of samples: BP1-BP4"),
            "",
            *self.block_struct(),
            "",
            *code,
            "",
            rule("one sample: the same equations for one column"),
            "",
            *self.one_sample(),
            "",
            rule("the interface"),
            INTERFACE_CODE.format(L=p.output.name, backprop="\n".join(self.one_gradient(step=False)),
                                  train=NN_TRAIN).rstrip("\n"),
        ]
        return "\n".join(parts) + "\n"

    def header_lines(self):
        p = self.plan
        net = p.network
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
            "Parameters: NN_N_PARAMS numbers, the weights w1, w2, ... then the biases b1, b2, ...",
            "",
            *interface_lines(", ".join(p.inputs[:4]) + (", ..." if len(p.inputs) > 4 else ""),
                             ", ".join(p.targets[:4]) + (", ..." if len(p.targets) > 4 else ""),
                             note="(it adds in another order than the scalar style: the same numbers to rounding)."),
        ]
        return [line.rstrip() for line in lines]


EXP = """
/* e^x for the activations, in a form a compiler can vectorize: glibc's exp is a call per number,
 * which no loop around it can put in vector registers.  e^x = 2^k e^r with k the integer nearest
 * x / ln 2 and |r| <= ln(2) / 2, e^r by its Taylor series to r^13 (the first term left out is
 * below 1e-17 of it), 2^k as two powers of two made from their bits (so that results between
 * 1e-308 and 5e-324 come out subnormal, as exp's do, and beyond e^709.8 overflow to inf).
 * Within a few units in the last place of exp's result, and finite or 0 or inf for any input;
 * every activation of this file that calls exp calls this (the #define below). */
static inline double nn_pow2(double k)
{
    /* 2^k for an integer k in [-1022, 1023]: its exponent bits (k + 1023) << 52 */
    const double shifted = k + 0x1.8p52;    /* k in the low bits of the mantissa */
    uint64_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    bits = (bits + 1023) << 52;
    double power;
    memcpy(&power, &bits, sizeof power);
    return power;
}

static inline double nn_exp(double x_in)
{
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double shift = 0x1.8p52;    /* adding it rounds a double below 2^51 to an integer */
    /* past 746 either way e^x is inf or 0 anyway: one select, which a vector loop can make */
    const double x = fabs(x_in) > 746.0 ? copysign(746.0, x_in) : x_in;
    const double k = (x * 1.44269504088896338700e+00 + shift) - shift;    /* nearest x / ln 2 */
    const double r = (x - k * ln2_hi) - k * ln2_lo;    /* k ln2_hi is exact: ln2_hi ends in zeros */
    /* the series in Estrin's order: pairs, then pairs of pairs (a short chain of dependent
     * operations, so one e^x on its own, as in a training step, does not wait 14 times) */
    const double r2 = r * r, r4 = r2 * r2;
    const double q1 = 0.5 + r * (1.0 / 6.0), q2 = 1.0 / 24.0 + r * (1.0 / 120.0),
                 q3 = 1.0 / 720.0 + r * (1.0 / 5040.0), q4 = 1.0 / 40320.0 + r * (1.0 / 362880.0),
                 q5 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0), q6 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
    const double tail = r2 * q1 + r4 * ((q2 + r2 * q3) + r4 * ((q4 + r2 * q5) + r4 * q6));
    const double p = 1.0 + (r + tail);    /* the largest terms last: the least rounding */
    const double half = (k * 0.5 + shift) - shift;    /* k = half + (k - half), each within range */
    return p * nn_pow2(half) * nn_pow2(k - half);
}
#define exp(x) nn_exp(x)
"""

LOOPS = """
/* The loops over a block's samples are where the time goes; GCC at -O2 vectorizes only the
 * simplest loops, so this file asks for its -O3 (other compilers vectorize at -O2). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
"""

KERNELS = """
/* The two kinds of matrix product in BP1-BP4, over a block's arrays (rows of NN_BLOCK columns,
 * one column per sample, cols of them in use: a multiple of NN_LANES).  Both keep a tile of
 * running sums in registers, NN_LANES samples wide, so that each number loaded is used more than
 * once, and the tile's sums are independent of one another, so they keep the vector units busy.
 *
 * They are written with nn_vec, 4 doubles side by side: with GCC or clang a vector type (one AVX
 * register, or two SSE ones), otherwise (or with -DNN_PLAIN_C) a struct the macros below loop
 * over.  Either way each lane does the same operations in the same order, and there is no fused
 * multiply-add (-ffp-contract=off): the same numbers to the last bit.  On x86-64 Linux the two
 * kernels are built twice, for AVX2 and for any x86-64, and the loader picks the one this CPU
 * runs (not -march=native, which would make the library fail on an older CPU). */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(NN_PLAIN_C)
typedef double nn_vec __attribute__((vector_size(4 * sizeof(double))));
#define NN_ZERO(v) ((v) = (nn_vec){0.0, 0.0, 0.0, 0.0})
#define NN_LOAD(v, p) __builtin_memcpy(&(v), (p), sizeof(nn_vec))
#define NN_STORE(p, v) __builtin_memcpy((p), &(v), sizeof(nn_vec))
#define NN_ADD(sum, v) ((sum) += (v))
#define NN_ADD_PRODUCT(sum, u, v) ((sum) += (u) * (v))
#define NN_ADD_SCALED(sum, w, v) ((sum) += (w) * (v))
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define NN_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#else
typedef struct { double lane[4]; } nn_vec;
#define NN_EACH(body) do { for (int i_ = 0; i_ < 4; i_++) { body; } } while (0)
#define NN_ZERO(v) NN_EACH((v).lane[i_] = 0.0)
#define NN_LOAD(v, p) NN_EACH((v).lane[i_] = (p)[i_])
#define NN_STORE(p, v) NN_EACH((p)[i_] = (v).lane[i_])
#define NN_ADD(sum, v) NN_EACH((sum).lane[i_] += (v).lane[i_])
#define NN_ADD_PRODUCT(sum, u, v) NN_EACH((sum).lane[i_] += (u).lane[i_] * (v).lane[i_])
#define NN_ADD_SCALED(sum, w, v) NN_EACH((sum).lane[i_] += (w) * (v).lane[i_])
#endif
#if NN_LANES != 8
#error "the kernels hold NN_LANES samples in two nn_vec of 4"
#endif
#ifndef NN_VECTOR_CLONES
#define NN_VECTOR_CLONES
#endif

/* out = M in for a rows x inner matrix M and a block in of inner rows, where M(r, c) is
 * M[r * row_step + c * col_step]: a W_l read in place (row_step = its columns, col_step = 1) or its
 * transpose (row_step = 1, col_step = its columns).  Four rows of out at a time, NN_LANES samples
 * (two nn_vec) wide, so each number of in is loaded once for four rows; then the rest of the rows
 * one by one. */
NN_VECTOR_CLONES
static void matrix_times(double *out, const double *M, long row_step, long col_step,
                         const double *in, int rows, int inner, long cols)
{
    long r = 0;    /* long: r * NN_BLOCK cannot overflow */
    for (; r + 4 <= rows; r += 4)
        for (long s = 0; s < cols; s += NN_LANES) {
            nn_vec sum[4][2], x[2];
            for (int i = 0; i < 4; i++) {
                NN_ZERO(sum[i][0]);
                NN_ZERO(sum[i][1]);
            }
            const double *m = M + r * row_step;
            for (int c = 0; c < inner; c++, m += col_step) {
                NN_LOAD(x[0], in + c * NN_BLOCK + s);
                NN_LOAD(x[1], in + c * NN_BLOCK + s + 4);
                for (int i = 0; i < 4; i++) {
                    const double w = m[i * row_step];
                    NN_ADD_SCALED(sum[i][0], w, x[0]);
                    NN_ADD_SCALED(sum[i][1], w, x[1]);
                }
            }
            for (int i = 0; i < 4; i++) {
                NN_STORE(out + (r + i) * NN_BLOCK + s, sum[i][0]);
                NN_STORE(out + (r + i) * NN_BLOCK + s + 4, sum[i][1]);
            }
        }
    for (; r < rows; r++)
        for (long s = 0; s < cols; s += NN_LANES) {
            nn_vec sum[2], x[2];
            NN_ZERO(sum[0]);
            NN_ZERO(sum[1]);
            const double *m = M + r * row_step;
            for (int c = 0; c < inner; c++, m += col_step) {
                NN_LOAD(x[0], in + c * NN_BLOCK + s);
                NN_LOAD(x[1], in + c * NN_BLOCK + s + 4);
                NN_ADD_SCALED(sum[0], *m, x[0]);
                NN_ADD_SCALED(sum[1], *m, x[1]);
            }
            NN_STORE(out + r * NN_BLOCK + s, sum[0]);
            NN_STORE(out + r * NN_BLOCK + s + 4, sum[1]);
        }
}

/* The sum of the NN_LANES running sums in two nn_vec, lane by lane in order. */
static double lanes_total(const nn_vec *sum)
{
    double lane[NN_LANES], total = 0.0;
    NN_STORE(lane, sum[0]);
    NN_STORE(lane + 4, sum[1]);
    for (int t = 0; t < NN_LANES; t++)
        total += lane[t];
    return total;
}

/* dW += d a^T (BP4 summed over the block's samples) for a block d of rows rows and a of inner
 * rows: dW[j][k] += the sum over the cols columns of d[j][s] a[k][s], a 2 x 2 tile of dW at a
 * time (each number loaded used twice).  Past the last row of d or of a, a tile repeats that row
 * and drops its sums: no separate code for the edges. */
NN_VECTOR_CLONES
static void add_times_transpose(double *dW, const double *d, const double *a, int rows, int inner, long cols)
{
    for (int j = 0; j < rows; j += 2)
        for (int k = 0; k < inner; k += 2) {
            const int j1 = j + 1 < rows, k1 = k + 1 < inner;    /* is there a second row, column? */
            const double *d0 = d + j * NN_BLOCK, *d1 = d0 + j1 * NN_BLOCK;
            const double *a0 = a + k * NN_BLOCK, *a1 = a0 + k1 * NN_BLOCK;
            nn_vec s00[2], s01[2], s10[2], s11[2], u0, u1, v0, v1;
            for (int h = 0; h < 2; h++) {
                NN_ZERO(s00[h]);
                NN_ZERO(s01[h]);
                NN_ZERO(s10[h]);
                NN_ZERO(s11[h]);
            }
            for (long s = 0; s < cols; s += NN_LANES)
                for (int h = 0; h < 2; h++) {    /* the two nn_vec of the NN_LANES samples from s */
                    NN_LOAD(u0, d0 + s + 4 * h);
                    NN_LOAD(u1, d1 + s + 4 * h);
                    NN_LOAD(v0, a0 + s + 4 * h);
                    NN_LOAD(v1, a1 + s + 4 * h);
                    NN_ADD_PRODUCT(s00[h], u0, v0);
                    NN_ADD_PRODUCT(s01[h], u0, v1);
                    NN_ADD_PRODUCT(s10[h], u1, v0);
                    NN_ADD_PRODUCT(s11[h], u1, v1);
                }
            double *row = dW + j * inner + k;
            row[0] += lanes_total(s00);
            if (k1)
                row[1] += lanes_total(s01);
            if (j1) {
                row[inner] += lanes_total(s10);
                if (k1)
                    row[inner + 1] += lanes_total(s11);
            }
        }
}

/* The sum over a block's cols columns of u[s], in NN_LANES running sums added at the end. */
static double lanes_sum(const double *u, long cols)
{
    nn_vec sum[2], x[2];
    NN_ZERO(sum[0]);
    NN_ZERO(sum[1]);
    for (long s = 0; s < cols; s += NN_LANES) {
        NN_LOAD(x[0], u + s);
        NN_LOAD(x[1], u + s + 4);
        NN_ADD(sum[0], x[0]);
        NN_ADD(sum[1], x[1]);
    }
    return lanes_total(sum);
}
"""

ROW_SUMS = """
/* out = M a for a rows x inner matrix M (row-major, as W_l in params) and a vector a: each row's
 * sum from 0, input by input, as the block's kernels add.  Four rows at a time, so that four sums
 * are under way at once; one sum alone waits for each of its additions before the next.  The
 * forward pass asks for four rows, then takes their activations while the numbers are at hand. */
static void row_sums(double *out, const double *M, const double *a, int rows, int inner)
{
    int j = 0;
    for (; j + 4 <= rows; j += 4) {
        const double *m = M + (long)j * inner;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (int k = 0; k < inner; k++) {
            s0 += m[k] * a[k];
            s1 += m[inner + k] * a[k];
            s2 += m[2 * inner + k] * a[k];
            s3 += m[3 * inner + k] * a[k];
        }
        out[j] = s0;
        out[j + 1] = s1;
        out[j + 2] = s2;
        out[j + 3] = s3;
    }
    for (; j < rows; j++) {
        const double *m = M + (long)j * inner;
        double sum = 0.0;
        for (int k = 0; k < inner; k++)
            sum += m[k] * a[k];
        out[j] = sum;
    }
}
"""

LOAD = """
/* Copy m samples (rows of X, and of y unless it is NULL) into the block's columns, padded with
 * zero columns to a multiple of NN_LANES; returns the number of columns. */
static long load_block(struct nn_block *q, const double *X, const double *y, long m)
{{
    const long cols = (m + NN_LANES - 1) / NN_LANES * NN_LANES;
    for (long s = 0; s < cols; s++)
        for (int k = 0; k < N_0; k++)
            q->A_0[k][s] = s < m ? X[s * N_0 + k] : 0.0;
    for (long s = 0; s < cols; s++)
        for (int j = 0; j < N_{L}; j++)
            q->Y[j][s] = y && s < m ? y[s * N_{L} + j] : 0.0;
    return cols;
}}
"""

INTERFACE_CODE = """
/* The mean loss over n samples: X is n x NN_N_INPUTS (row-major), y is n x NN_N_OUTPUTS. */
double nn_loss(const double *params, const double *X, const double *y, long n)
{{
    struct nn_block q;
    double total = 0.0;
    for (long start = 0; start < n; start += NN_BLOCK) {{
        const long m = n - start < NN_BLOCK ? n - start : NN_BLOCK;
        const long cols = load_block(&q, X + start * NN_N_INPUTS, y + start * NN_N_OUTPUTS, m);
        forward(params, &q, m, cols);
        total += block_loss(&q, m);
    }}
    return total / n;
}}

/* The gradient of nn_loss, written to grad[NN_N_PARAMS]: the means of BP3 and BP4 over the samples. */
void nn_gradients(const double *params, const double *X, const double *y, long n, double *grad)
{{
    struct nn_block q;
    for (int k = 0; k < NN_N_PARAMS; k++)
        grad[k] = 0.0;
    for (long start = 0; start < n; start += NN_BLOCK) {{
        const long m = n - start < NN_BLOCK ? n - start : NN_BLOCK;
        const long cols = load_block(&q, X + start * NN_N_INPUTS, y + start * NN_N_OUTPUTS, m);
        forward(params, &q, m, cols);
        backward(params, &q, m, cols, grad);
    }}
    for (int k = 0; k < NN_N_PARAMS; k++)
        grad[k] /= n;
}}

/* The network's outputs for one sample x[NN_N_INPUTS], written to out[NN_N_OUTPUTS]. */
void nn_feedforward(const double *params, const double *x, double *out)
{{
    struct nn_one v;
    one_forward(params, x, &v);
    for (int j = 0; j < N_{L}; j++)
        out[j] = v.a_{L}[j];
}}

/* L for one sample x[NN_N_INPUTS] with targets y[NN_N_OUTPUTS]. */
double nn_sample_loss(const double *params, const double *x, const double *y)
{{
    struct nn_one v;
    one_forward(params, x, &v);
    return one_loss(&v, y);
}}

/* dL/dparam for one sample, written to grad[NN_N_PARAMS] in parameter order. */
void nn_backprop(const double *params, const double *x, const double *y, double *grad)
{{
    struct nn_one v;
    one_forward(params, x, &v);
    one_deltas(params, y, &v);
{backprop}
}}

/* One step of the article's SGD on one sample: each parameter minus learn_rate * dL/dparam. */
void nn_sgd_step(double *params, const double *x, const double *y, double learn_rate)
{{
    one_step(params, x, y, learn_rate);
}}

/* The article's training, in place; the mean loss after each epoch goes to
 * loss_history[epochs] unless it is NULL. */
void nn_train_history(double *params, const double *X, const double *y, long n, long epochs,
                      double learn_rate, double *loss_history)
{{
    for (long epoch = 0; epoch < epochs; epoch++) {{
        for (long i = 0; i < n; i++)
            one_step(params, X + i * NN_N_INPUTS, y + i * NN_N_OUTPUTS, learn_rate);
        if (loss_history)
            loss_history[epoch] = nn_loss(params, X, y, n);
    }}
}}

{train}/* The network's outputs for every sample, written to out (n rows of NN_N_OUTPUTS). */
void nn_predict(const double *params, const double *X, long n, double *out)
{{
    struct nn_block q;
    for (long start = 0; start < n; start += NN_BLOCK) {{
        const long m = n - start < NN_BLOCK ? n - start : NN_BLOCK;
        forward(params, &q, m, load_block(&q, X + start * NN_N_INPUTS, 0, m));
        for (long s = 0; s < m; s++)
            for (int j = 0; j < N_{L}; j++)
                out[(start + s) * NN_N_OUTPUTS + j] = q.A_{L}[j][s];
    }}
}}
"""
