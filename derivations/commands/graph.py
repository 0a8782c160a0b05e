"""``nnderive graph``: the computation graph in Graphviz DOT, labelled with the chain rule.

Inputs, one box per neuron (activation, sum, the bias's local derivative),
y_pred, and the loss L with its target; each edge carries its weight and its
local derivatives, from the same derivation ``nnderive derive`` prints.  DOT
by default (pipe it to ``dot -Tsvg``); ``--format svg|png|pdf`` runs
Graphviz's ``dot`` itself.
"""

import sys

from derivations.commands.common import (
    UsageError, add_network_options, add_output_options, check_writable, emit, network_from_args, write_file,
)

# derivations.dot loads SymPy: --help reads these copies of its names (tests/test_startup.py
# checks they are the library's), and run() imports it.
#: derivations.dot.FORMATS, in its order
FORMATS = ("svg", "png", "pdf")
#: derivations.dot.LABELS
LABELS = ("factors", "weights", "none")

NAME = "graph"
HELP = "draw the computation graph (Graphviz DOT), edges labelled with weights and local derivatives"
DESCRIPTION = (
    "Write the network's computation graph in Graphviz DOT: inputs x1, x2, ...; one box per neuron "
    "with its activation, its sum and its bias's local derivative; y_pred; the loss L and its target "
    "y_true. Each edge shows its weight and local derivatives (e.g. dh1/dw1 = x1*f'(sum_h1)), so "
    "dL/dw1 is the product along the path from w1 to L. Render it with 'dot -Tsvg', or use "
    "--format svg (needs Graphviz installed)."
)

#: formats that are not text: never sent to a terminal
BINARY = {"png", "pdf"}

EXAMPLES = """\
  nnderive graph | dot -Tsvg > network.svg              DOT, rendered by Graphviz
  nnderive graph --highlight w1 --format svg -o w1.svg  the chain of dL/dw1 in red
  nnderive graph --net 2-16-16-1 --labels none --format png -o big.png"""


def add_arguments(parser):
    add_network_options(parser)
    parser.add_argument("--format", default="dot", choices=("dot",) + tuple(FORMATS),
                        help="dot: Graphviz source (default); svg, png, pdf: rendered by Graphviz's dot")
    parser.add_argument("--labels", default="factors", choices=LABELS,
                        help="factors: weights and local derivatives (default); weights: weight names "
                             "only; none: bare names (for big networks)")
    parser.add_argument("--highlight", metavar="PARAM",
                        help="draw the chain of dL/dPARAM in red, e.g. --highlight w1")
    add_output_options(parser)


def run(args):
    from derivations.chain import derive
    from derivations.dot import GraphvizError, render, to_dot

    derivation = derive(network_from_args(args))
    if args.highlight is not None and args.highlight not in derivation.partials:
        net = derivation.network
        raise UsageError(
            f"--highlight: no parameter {args.highlight!r} in the {net.spec} network "
            f"(its parameters are w1..w{net.n_weights} and b1..b{net.n_biases})"
        )
    source = to_dot(derivation, labels=args.labels, highlight=args.highlight)
    to_stdout = args.output is None or args.output == "-"
    if args.format == "dot" and to_stdout:
        # DOT is UTF-8 (what dot reads), whatever the terminal's encoding: bytes, as for svg
        sys.stdout.flush()
        sys.stdout.buffer.write(source.encode("utf-8"))
        return 0
    if args.format == "dot":
        emit(source, args.output, args.force)
        return 0
    if to_stdout and args.format in BINARY and sys.stdout.isatty():
        raise UsageError(f"{args.format} is binary: write it to a file with -o FILE")
    if not to_stdout:
        check_writable(args.output, args.force)  # before running dot, which can take a while
    try:
        picture = render(source, args.format)
    except GraphvizError as error:
        raise UsageError(error) from None
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(picture)
    else:
        write_file(args.output, picture, args.force)
    return 0

