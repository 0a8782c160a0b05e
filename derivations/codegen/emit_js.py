"""The JavaScript target: one standalone ES module, no imports, no dependencies.

The same statements and the same interface as the Python target
(``PARAMS``, ``loss``, ``gradients``, ``sgd_step``, ``train``, ``predict``
and, per sample, ``feedforward``, ``sample_loss`` and ``backprop``), in plain
JavaScript numbers (IEEE doubles, as Python's floats), so it runs in Node and
in any current browser.  One more function, ``trace``, returns every named
quantity of one sample (``sum_h1``, ``h1``, ..., ``L``, every factor and
partial), optionally passing each through a rounding function before the
next step uses it: that is how the companion page (``nnderive html``) shows
the article's step-by-step rounded numbers beside the exact ones.

>>> from derivations import derive
>>> source = emit(derive())
>>> "export function backprop(params, x, y_true)" in source, "require(" in source
(True, False)
"""

from sympy.printing.jscode import JavascriptCodePrinter

from derivations.codegen.base import WIDTH, HelperCalls, aligned, header, joined, wrap
from derivations.codegen.listing import Listing
from derivations.naming import ascii_ratio, factor_name

TARGET = "js"


class JavaScriptPrinter(HelperCalls, JavascriptCodePrinter):
    """SymPy's JavaScript printer, with our activations as calls to their helpers.

    The helpers' source comes from the activation records (:mod:`derivations.rules.activations`);
    each stays finite for any double (sigmoid and softplus are tested at |x| = 1e4).
    """

    TARGET = TARGET
    language = "JavaScript"



SECTIONS = {
    "forward": "forward pass: each neuron's weighted sum, then its activation",
    "backward": "backward pass: every factor of the chain rule, from the loss back to the inputs",
}


def emit(derivation):
    """The JavaScript module for ``derivation``, as text."""
    return JavaScriptModule(Listing(derivation)).text()


class JavaScriptModule:
    """Writes the module: header, names, helpers, one-sample functions, batch functions."""

    def __init__(self, listing):
        self.listing = listing
        self.printer = JavaScriptPrinter()
        self.single = len(listing.outputs) == 1

    # --- pieces -----------------------------------------------------------------------

    def arguments(self, targets):
        """``const [w1, ...] = params;`` and the same for the inputs (and the targets)."""
        ls = self.listing
        lines = destructuring(ls.params, "params")
        lines += destructuring(ls.inputs, "x")
        if targets and not self.single:
            lines += destructuring(ls.targets, "y_true")
        return lines

    def statements(self, lines, sections=False, traced=False, indent="  "):
        """``const name = expr;``, comments aligned; ``traced`` rounds and records each value."""
        rows = []
        group = None
        for line in lines:
            kind = "forward" if line.kind in ("forward", "loss") else "backward"
            if sections and kind != group:
                if group is not None:
                    rows.append(("", ""))
                rows.append((f"// {SECTIONS[kind]}", ""))
                group = kind
            code = self.printer.line(line)
            if traced:
                code = f"t.{line.name} = round({code})"
            rows.append((f"const {line.name} = {code};", line.comment))
        return [(indent + text) if text else "" for text in aligned(rows, "//")]

    def function(self, signature, doc, wanted, returns, targets=True, sections=False, traced=False):
        lines, _ = self.listing.needed(wanted)
        out = [f"/** {doc} */", f"export function {signature} {{"]
        out += self.arguments(targets)
        if traced:
            known = self.listing.params + self.listing.inputs + (self.listing.targets if targets else ())
            out += joined("const t = {", list(known), "};", "  ")
        out += [""] if sections else []
        out += self.statements(lines, sections, traced)
        out += returns
        out += ["}"]
        return out

    def returning(self, names, array=False):
        if len(names) == 1 and not array:
            return [f"  return {names[0]};"]
        return joined("return [", list(names), "];", "  ")

    # --- the module ---------------------------------------------------------------------

    def text(self):
        ls = self.listing
        one = self.single
        target_doc = "target y_true" if one else f"targets y_true = [{', '.join(ls.targets)}]"
        outputs = ls.outputs[0] if one else f"[{', '.join(ls.outputs)}]"
        everything = [line.name for line in ls.statements]
        code = []
        code += self.function(
            "feedforward(params, x)", f"{outputs} for one sample x = [{', '.join(ls.inputs)}].",
            ls.outputs, self.returning(list(ls.outputs)), targets=False,
        )
        code += [""]
        code += self.function(
            "sample_loss(params, x, y_true)", f"L for one sample x with {target_doc}.",
            [ls.loss.name], [f"  return {ls.loss.name};"],
        )
        code += [""]
        code += self.function(
            "backprop(params, x, y_true)",
            "dL/dparam for one sample, in PARAMS order: the chain rule, factor by factor.",
            ls.gradients, self.returning(list(ls.gradients), array=True), sections=True,
        )
        code += [""]
        code += [
            "/**",
            " * Every named quantity of one sample: parameters, inputs, targets, sums, activations,",
            " * L, every factor and every dL/dparam, as an object keyed by name.  Each value is passed",
            " * through round() before the next step uses it (the default keeps it exact): with a",
            " * rounding to 3 significant digits this is the article's worked example, carried by hand.",
            " */",
        ]
        code += self.function(
            "trace(params, x, y_true, round = (value) => value)", "", everything,
            self.other_factors() + ["  return t;"], sections=True, traced=True,
        )[1:]
        helpers = self.helpers()
        parts = [
            *self.comment_header(),
            "",
            *names_array("PARAMS", ls.params),
            *names_array("INPUTS", ls.inputs),
            *names_array("TARGETS", ls.targets),
            "",
            *helpers,
            "",
            rule("one sample"),
            "",
            *code,
            "",
            rule("every sample"),
            "",
            BATCH.format(
                n=len(ls.inputs),
                n_params=len(ls.params),
                inputs=", ".join(ls.inputs),
                check_y=CHECK_ONE_TARGET if one else CHECK_TARGET_ROWS.format(n_targets=len(ls.targets),
                                                                           targets=", ".join(ls.targets)),
            ).strip("\n"),
        ]
        return "\n".join(parts) + "\n"

    def other_factors(self):
        """Trace lines for the derivation's factors the statements merged away (dy_pred/db3 is f'(sum_o1))."""
        ls = self.listing
        made = {line.name for line in ls.statements}
        bias_of = {n.bias: n for n in ls.graph.neurons}
        rows = []
        for f in ls.derivation.factors.values():
            if f.name in made:
                continue
            neuron = bias_of.get(f.wrt)
            if neuron is not None and neuron.out == f.of and factor_name(f.of, neuron.sum) in made:
                code = factor_name(f.of, neuron.sum)  # d(out)/d(bias) = d(out)/d(sum): the sum's coefficient is 1
            else:
                code = f"round({self.printer.doprint(f.named)})"
            rows.append((f"t.{f.name} = {code};", ascii_ratio(f.of, f.wrt)))
        if not rows:
            return []
        rows.insert(0, ("// factors the statements above share with others", ""))
        return [""] + ["  " + text for text in aligned(rows, "//")]

    def helpers(self):
        out = []
        for source in self.printer.helpers():
            out += ["", source]
        return out[1:] if out else []

    def comment_header(self):
        ls = self.listing
        one = self.single
        y_row = "one target y_true per sample" if one else f"one array [{', '.join(ls.targets)}] per sample"
        out_name = ls.outputs[0] if one else f"[{', '.join(ls.outputs)}]"
        interface = wrap(
            f"Functions (params: an array of numbers in the order of PARAMS; X: one array "
            f"[{', '.join(ls.inputs)}] per sample; y: {y_row}):"
        ) + [
            "",
            "    loss(params, X, y)          the mean loss over the samples",
            "    gradients(params, X, y)     its gradient: an array in PARAMS order",
            "    sgd_step(params, x, y_true, learn_rate)",
            "                                one step of the article's SGD on one sample: new params",
            "    train(params, X, y, epochs = 1000, learn_rate = 0.1)",
            "                                the article's loop, sample by sample in order; returns",
            "                                [trained params, mean loss after each epoch]",
            f"    predict(params, X)          {out_name} for every sample",
            "    feedforward(params, x), sample_loss(params, x, y_true), backprop(params, x, y_true)",
            "                                the same for one sample (backprop: dL/dparam)",
            "    trace(params, x, y_true, round)",
            "                                every named quantity of one sample, by name",
            "",
            "An ES module with no imports: `import * as net from \"./this-file.mjs\"` in Node or a",
            "browser.  The activations are computed in forms that stay finite for any input.",
        ]
        return [f"// {line}".rstrip() for line in header(ls, TARGET, interface)]


def destructuring(names, value, indent="  "):
    """``const [a, b] = value;``, over several lines when it is long."""
    line = f"{indent}const [{', '.join(names)}] = {value};"
    if len(line) <= WIDTH:
        return [line]
    return joined("const [", list(names), f"] = {value};", indent)


def names_array(name, names):
    """``export const PARAMS = Object.freeze(["w1", "w2"]);``"""
    quoted = [f'"{n}"' for n in names]
    return joined(f"export const {name} = Object.freeze([", quoted, "]);", "")


def rule(title):
    """``// --- title -----``: a section rule as wide as the code."""
    return f"// --- {title} ".ljust(WIDTH, "-")


CHECK_ONE_TARGET = '  y = checkNumbers(y, "y");'
CHECK_TARGET_ROWS = '''  y = Array.from(y, (row) => checkNumbers(row, "every row of y"));
  if (y.some((row) => row.length !== {n_targets})) {{
    throw new RangeError("every row of y needs {n_targets} numbers ({targets})");
  }}'''

BATCH = '''
/** The mean loss over the samples (the rows of X, with targets y). */
export function loss(params, X, y) {{
  params = checkParams(params);
  [X, y] = checkSamples(X, y);
  return mean(X.map((x, i) => sample_loss(params, x, y[i])));
}}

/** The gradient of loss(params, X, y): an array in PARAMS order. */
export function gradients(params, X, y) {{
  params = checkParams(params);
  [X, y] = checkSamples(X, y);
  const perSample = X.map((x, i) => backprop(params, x, y[i]));
  return params.map((_, j) => mean(perSample.map((row) => row[j])));
}}

/** One step of the article's SGD on one sample: each parameter minus learn_rate * dL/dparam. */
export function sgd_step(params, x, y_true, learn_rate) {{
  params = checkParams(params);
  const [[row], [target]] = checkSamples([x], [y_true]);
  const d = backprop(params, row, target);
  return params.map((p, j) => p - learn_rate * d[j]);
}}

/**
 * The article's training: every epoch, one SGD step per sample, in order.
 * Returns [trained params (an array in PARAMS order), the mean loss after each epoch].
 */
export function train(params, X, y, epochs = 1000, learn_rate = 0.1) {{
  params = checkParams(params);
  [X, y] = checkSamples(X, y);
  const lossHistory = [];
  for (let epoch = 0; epoch < epochs; epoch++) {{
    for (let i = 0; i < X.length; i++) {{
      const d = backprop(params, X[i], y[i]);
      params = params.map((p, j) => p - learn_rate * d[j]);
    }}
    lossHistory.push(mean(X.map((x, i) => sample_loss(params, x, y[i]))));
  }}
  return [params, lossHistory];
}}

/** The network's output for every sample (row of X), an array. */
export function predict(params, X) {{
  params = checkParams(params);
  return checkRows(X).map((x) => feedforward(params, x));
}}

// the sum is compensated (Neumaier), as Python's math.fsum is exact: the mean does not depend on order

function mean(values) {{
  let sum = 0;
  let lost = 0;
  for (const v of values) {{
    const t = sum + v;
    lost += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }}
  return (sum + lost) / values.length;
}}

// numbers, or text that reads as one (as Python's float() takes it); not true, null or ""
function checkNumbers(values, what) {{
  const numeric = (v) => typeof v === "number" || (typeof v === "string" && v.trim() !== "");
  const numbers = Array.from(values, (v) => (numeric(v) ? Number(v) : NaN));
  if (numbers.some((v) => Number.isNaN(v))) throw new TypeError(`${{what}} must hold numbers`);
  return numbers;
}}

function checkParams(params) {{
  params = checkNumbers(params, "params");
  if (params.length !== {n_params}) {{
    throw new RangeError(`params must hold {n_params} numbers (${{PARAMS.join(", ")}}), got ${{params.length}}`);
  }}
  return params;
}}

function checkRows(X) {{
  X = Array.from(X, (x) => checkNumbers(x, "every row of X"));
  if (X.length === 0) throw new RangeError("X has no samples");
  if (X.some((x) => x.length !== {n})) throw new RangeError("every row of X needs {n} numbers ({inputs})");
  return X;
}}

function checkSamples(X, y) {{
  X = checkRows(X);
{check_y}
  if (y.length !== X.length) throw new RangeError(`y has ${{y.length}} targets for ${{X.length}} samples`);
  return [X, y];
}}
'''
