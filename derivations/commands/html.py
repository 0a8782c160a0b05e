"""``nnderive html``: the companion page, one self-contained HTML file to open in a browser.

Examples::

    nnderive html -o page.html                       # the article's network, starting at Alice
    nnderive html -o page.html --at bob --weights 0.5,-1,1,2,0,1 --biases 0,0,1
    nnderive html -o deep.html --net 2-3-3-1 --activation tanh --output-activation sigmoid --loss bce
"""

from derivations.commands.common import (
    UsageError,
    add_network_options,
    add_output_options,
    check_output,
    emit,
    flag,
    network_from_args,
    parse_numbers,
)
from derivations.commands.derive import _point
from derivations.errors import Argument

NAME = "html"
HELP = "write the companion page: live maths, sliders, training (one self-contained HTML file)"
DESCRIPTION = (
    "Write one self-contained HTML page (no network access, nothing else to ship): the derivation in "
    "MathML, the network drawn with its weights, sliders for every weight, bias and the sample that move "
    "every intermediate, chain-rule factor and partial (computed by the generated JavaScript), and a "
    "button that trains the network on the article's four people and draws the loss. Open it in any "
    "current browser."
)
EXAMPLES = """\
  nnderive html -o page.html                       the article's network, starting at Alice
  nnderive html -o page.html --at bob --weights 0.5,-1,1,2,0,1 --biases 0,0,1
  nnderive html -o deep.html --net 2-3-3-1 --activation tanh --output-activation sigmoid --loss bce"""


def add_arguments(parser):
    parser.add_argument("--at", metavar="POINT",
                        help="where the numbers start: a person (alice, the default where she fits; bob, charlie, "
                             "diana, emily, frank) or numbers x1,x2,...,y_true (default for other networks: all 1)")
    parser.add_argument("--weights", metavar="LIST", help="the starting weights (default: all 1, as the article)")
    parser.add_argument("--biases", metavar="LIST", help="the starting biases (default: all 0, as the article)")
    parser.add_argument("--param", metavar="NAME", help="the parameter whose chain is shown first (default: w1)")
    add_network_options(parser)
    add_output_options(parser)
    derive_parser_numbers(parser)


def derive_parser_numbers(parser):
    # "-2,-1,1" after --at is a value, as in `nnderive derive`
    from derivations.commands.derive import _NEGATIVE_VALUES

    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = _NEGATIVE_VALUES


def run(args):
    from derivations.chain import derive
    from derivations.page import build_page
    from derivations.printing import OptionError

    network = network_from_args(args)
    check_output(args)
    d = derive(network)
    if args.at is not None:
        at = _point(args.at, d)
    elif (len(d.inputs), len(d.targets)) == (2, 1):
        at = "alice"
    else:  # Alice does not fit: every input and target 1
        at = (1.0,) * (len(d.inputs) + len(d.targets))
    options = {}
    if args.weights is not None:
        options["weights"] = parse_numbers(args.weights, len(d.graph.weights), "--weights")
    if args.biases is not None:
        options["biases"] = parse_numbers(args.biases, len(d.graph.biases), "--biases")
    try:
        page = build_page(network, at=at, param=args.param, **options)
    except OptionError as error:
        raise UsageError(f"{flag(Argument(error.option))}: {error.spelled(flag)}") from None
    emit(page, args.output, args.force)
    return 0
