"""``nnderive derive``: the chain-rule derivation, as text, LaTeX or Markdown, with a worked example.

Examples::

    nnderive derive                                  # every partial of the article's network
    nnderive derive w1 --at alice                    # ∂L/∂w1, then the article's numbers for Alice
    nnderive derive --format latex --param w1        # LaTeX (amsmath align*) to paste
    nnderive derive --document -o chain.tex          # a whole LaTeX document (pdflatex)
    nnderive derive --at -2,-1,1 --weights 1,1,1,1,1,1 --biases 0,0,0 --digits 4
    nnderive derive --net 2-3-3-1 --activation tanh --output-activation sigmoid --loss bce
"""

import re

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
from derivations.errors import Argument

# The derivation and its printers load SymPy: --help reads these copies of the printers'
# settings (tests/test_startup.py checks they are the library's), and run() imports them.
#: derivations.printing.options.VIEWS
VIEWS = ("scalar", "layers", "both")
#: derivations.printing.options.DEFAULT_DIGITS
DEFAULT_DIGITS = 3

NAME = "derive"
HELP = "print the chain-rule derivation (text, LaTeX, Markdown), with a worked example"
DESCRIPTION = (
    "Print every partial derivative of the loss by the chain rule, in the article's notation: the "
    "chain, each factor's formula and the partial written out; with --at, the numbers substituted "
    "step by step as the article does for Alice."
)
EPILOG = (
    "Negative numbers may follow their option directly (--at -2,-1,1). Emily and Frank have no label "
    "in the article: --at emily uses the gender the article's trained network predicts (F, y_true = 1; "
    "Frank M, 0); give the numbers (--at -7,-3,0) for another label."
)

EXAMPLES = """\
  nnderive derive                                  every partial of the article's network, compact
  nnderive derive w1 --at alice                    dL/dw1, then the article's numbers for Alice
  nnderive derive w1 b3 --format latex             LaTeX (amsmath align*) to paste
  nnderive derive --format markdown -o chain.md    Markdown with $ maths (Jupyter, GitHub)
  nnderive derive --document --title "Lecture 3" -o chain.tex   a whole LaTeX document
  nnderive derive --view layers --at alice         the same in matrix form: BP1-BP4, the article's numbers
  nnderive derive --net 2-3-3-1 --activation tanh --output-activation sigmoid --loss bce w1"""

#: the --format choices: each is derivations.printing's to_<format>
PRINTERS = ("text", "latex", "markdown")
#: "-2,-1,1" is a value here, not an option (argparse only knows "-2" and "-.5" as numbers)
_NEGATIVE_VALUES = re.compile(r"^-\.?\d[\d.,eE+\- ]*$")
_NAME = re.compile(r"[A-Za-z]+")


def add_arguments(parser):
    parser.epilog = EPILOG
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = _NEGATIVE_VALUES
    parser.add_argument("params", nargs="*", metavar="PARAM",
                        help="show only these parameters, e.g. w1 b3 (default: all)")
    parser.add_argument("--param", action="append", metavar="NAME",
                        help="show only this parameter, as PARAM does (repeat for several)")
    parser.add_argument("--format", choices=tuple(PRINTERS), default=None,
                        help="text (Unicode, the default), latex (amsmath fragments) or markdown ($ maths)")
    parser.add_argument("--document", action="store_true",
                        help="a complete LaTeX document (compiles with pdflatex), with a worked example: at "
                             "--at, else Alice (every input and target 1 where she does not fit the network)")
    parser.add_argument("--view", choices=VIEWS, default=None,
                        help="scalar (the article's chain, per parameter), layers (matrices: the forward pass and "
                             "backpropagation's four equations) or both (default: layers past 3 neurons in a "
                             "layer unless parameters are named, both for --document, else scalar)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--compact", action="store_true", default=None,
                        help="each factor once, one chain per parameter, one partial written out "
                             "(the default for several parameters)")
    length.add_argument("--full", dest="compact", action="store_false",
                        help="a section per parameter with its chain, factors and written-out form "
                             "(the default for one parameter)")
    document = parser.add_argument_group("document (with --document)")
    document.add_argument("--title", metavar="TEXT", help="the document's title (default: what it derives)")
    document.add_argument("--author", metavar="TEXT", help="the document's author (default: none)")
    example = parser.add_argument_group("worked example")
    example.add_argument("--at", metavar="POINT",
                         help="work the numbers at a person of the article (alice, bob, charlie, diana, emily, "
                              "frank) or at numbers x1,x2,...,y_true")
    example.add_argument("--weights", metavar="LIST",
                         help="the weights there, comma-separated (default: all 1, as the article)")
    example.add_argument("--biases", metavar="LIST",
                         help="the biases there, comma-separated (default: all 0, as the article)")
    example.add_argument("--digits", type=int, metavar="N",
                         help=f"significant digits of each step (default {DEFAULT_DIGITS}, as the article)")
    add_network_options(parser)
    add_output_options(parser)


def run(args):
    from derivations import printing
    from derivations.chain import derive
    from derivations.printing import OptionError

    network = network_from_args(args)
    check_output(args)  # now, not after deriving a big network
    d = derive(network)
    form = args.format or ("latex" if args.document else "text")
    if args.document and form != "latex":
        raise UsageError(f"--document writes LaTeX; leave out --format {form} or use --format latex")
    worked = args.at is not None or args.document
    for option, value in (("--weights", args.weights), ("--biases", args.biases), ("--digits", args.digits)):
        if value is not None and not worked:
            raise UsageError(f"{option} sets the worked example: give --at too (e.g. --at alice)")
    for option, value in (("--title", args.title), ("--author", args.author)):
        if value is not None and not args.document:
            raise UsageError(f"{option} belongs to a document: give --document too")
    params = list(args.params) + list(args.param or [])
    options = {"params": params or None, "document": args.document, "compact": args.compact, "view": args.view}
    if args.document:
        options.update(title=args.title, author=args.author)
    if args.at is not None:
        options["at"] = _point(args.at, d)
    if args.weights is not None:
        options["weights"] = parse_numbers(args.weights, len(d.graph.weights), "--weights")
    if args.biases is not None:
        options["biases"] = parse_numbers(args.biases, len(d.graph.biases), "--biases")
    if args.digits is not None:
        options["digits"] = args.digits
    try:
        output = getattr(printing, f"to_{form}")(d, **options)
    except OptionError as error:
        message = error.spelled(flag)
        # a parameter is named as the user typed it (derive w9 or --param w9): the message says which
        raise UsageError(message if error.option == "params" else f"{flag(Argument(error.option))}: {message}") from None
    emit_unicode(output, args.output, args.force)
    return 0


def emit_unicode(output, path=None, force=False, hint="; or use --format latex, --format markdown or -o FILE"):
    """:func:`emit`, with one clear line where the terminal cannot show ∂, σ or subscripts."""
    try:
        emit(output, path, force)
    except UnicodeEncodeError as error:
        raise UsageError(
            f"standard output ({error.encoding}) cannot show Unicode maths: set PYTHONIOENCODING=utf-8{hint}"
        ) from None


def _point(text, derivation):
    """A person's name as it is, or the numbers x1, ..., y_true parsed strictly."""
    from derivations.printing.options import list_names

    if _NAME.fullmatch(text.strip()):
        return text.strip()
    names = [s.name for s in derivation.inputs + derivation.targets]
    if len(text.split(",")) != len(names):
        raise UsageError(
            f"--at: expected {len(names)} numbers ({list_names(names)}) separated by commas, or a name such as "
            f"alice, got {text!r}"
        )
    return parse_numbers(text, len(names), "--at")
