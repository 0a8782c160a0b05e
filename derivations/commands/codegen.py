"""``nnderive codegen``: the derived gradient as standalone code (Python, numpy or C).

Prints the source (or writes it with ``-o FILE``, never over an existing
file without ``--force``).  The same command always gives the same bytes.
"""

from derivations.codegen import STYLES, TARGETS, CodegenError, generate
from derivations.commands.common import (
    UsageError,
    add_network_options,
    add_output_options,
    check_output,
    emit,
    network_from_args,
)

NAME = "codegen"
HELP = "generate standalone gradient code (numpy, Python, C)"
DESCRIPTION = (
    "Print the chain-rule gradient of the network's loss as standalone source code: a pure-Python "
    "module (imports only math), a numpy module (vectorized over samples) or a C file (only "
    "<math.h>). Each file explains itself in a header and offers loss, gradients, sgd_step and "
    "train (the article's loop); temporaries carry the article's names (sum_h1, h1, d_L_d_ypred, "
    "d_h1_d_w1) and every gradient line its chain-rule product as a comment."
)


def add_arguments(parser):
    parser.add_argument(
        "--target", choices=tuple(TARGETS), default="python",
        help="the language: python (default), numpy or c",
    )
    parser.add_argument(
        "--style", choices=STYLES, default=None,
        help="scalar: one line per weight, the article's view; layers (numpy, c): BP1-BP4 per layer over "
             "blocks of samples. Default: scalar up to 3 neurons per layer and 40 parameters, layers past that",
    )
    add_output_options(parser)
    add_network_options(parser)


def run(args):
    network = network_from_args(args)
    check_output(args)  # now, not after generating code for a big network
    try:
        source = generate(network, args.target, args.style)
    except CodegenError as error:
        raise UsageError(error) from None
    emit(source, args.output, args.force)
    return 0
