"""``nnderive codegen``: the derived gradient as standalone code (Python, numpy, C or JavaScript).

Prints the source (or writes it with ``-o FILE``, never over an existing
file without ``--force``).  The same command always gives the same bytes.
"""

from derivations.commands.common import (
    UsageError,
    add_network_options,
    add_output_options,
    check_output,
    emit,
    network_from_args,
)

from derivations.styles import STYLES

# derivations.codegen loads SymPy: --help reads this copy of its targets (tests/test_startup.py
# checks it is the library's), and run() imports the code generator itself.
#: derivations.codegen.TARGETS, in its order
TARGETS = ("python", "numpy", "c", "js")

NAME = "codegen"
HELP = "generate standalone gradient code (numpy, Python, C, JavaScript)"
DESCRIPTION = (
    "Print the chain-rule gradient of the network's loss as standalone source code: a pure-Python "
    "module (imports only math), a numpy module (vectorized over samples), a C file (only "
    "<math.h>) or an ES module (JavaScript, no imports, for Node and browsers). Each file explains itself in a header and offers loss, gradients, sgd_step and "
    "train (the article's loop); temporaries carry the article's names (sum_h1, h1, d_L_d_ypred, "
    "d_h1_d_w1) and every gradient line its chain-rule product as a comment."
)

EXAMPLES = """\
  nnderive codegen -o article_gradients.py           pure Python (imports only math)
  nnderive codegen --target numpy -o grads_np.py     numpy, vectorized over samples
  nnderive codegen --target c -o article_gradients.c  C (only <math.h>)
  nnderive codegen --target c --net 2-3-3-1 --activation tanh --output-activation sigmoid --loss bce"""


def add_arguments(parser):
    parser.add_argument(
        "--target", choices=tuple(TARGETS), default="python",
        help="the language: python (default), numpy, c or js",
    )
    parser.add_argument(
        "--style", choices=STYLES, default=None,
        help="scalar: one line per weight, the article's view; layers (numpy, c): BP1-BP4 per layer over "
             "blocks of samples. Default: scalar up to 3 neurons per layer and 40 parameters, layers past that",
    )
    add_output_options(parser)
    add_network_options(parser)


def run(args):
    from derivations.codegen import CodegenError, generate

    network = network_from_args(args)
    check_output(args)  # now, not after generating code for a big network
    try:
        source = generate(network, args.target, args.style)
    except CodegenError as error:
        raise UsageError(error) from None
    emit(source, args.output, args.force)
    return 0
