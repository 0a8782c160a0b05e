"""``nnderive check``: cross-check a hand-written backprop against the exact derivation.

The work is done by :func:`derivations.check.check`; this module parses the
command line, prints the report (text or JSON) and turns the verdict into
the exit status: 0 everything agrees, 1 something disagrees (or the user's
code failed), 2 the check could not run.
"""

import argparse
import json
import sys

from derivations.commands.common import (
    UsageError, add_network_options, flag, network_from_args, parse_number, printable,
)
from derivations.errors import NnderiveError

# The checker loads SymPy: --help reads these copies of its settings (tests/test_startup.py
# checks each is the library's), and run() imports the checker itself.
#: derivations.check.KINDS
KINDS = ("auto", "gradient", "step", "class")
#: derivations.check.compare.DEFAULT_RTOL
DEFAULT_RTOL = 1e-6
#: derivations.check.guard.DEFAULT_TIMEOUT
DEFAULT_TIMEOUT = 60.0

NAME = "check"
HELP = "cross-check a hand-written backprop: which partial, which factor, which mistake"
DESCRIPTION = """\
Check a backprop written by hand, as it is, against the exact symbolic derivation:
at the article's Alice point (weights 1, biases 0) and at seeded random points.
It says which partials are wrong, which chain-rule factor, and, when your numbers
fit a known mistake exactly (a flipped sign, a lost 2, f'(h1) for f'(sum_h1),
x1 and x2 swapped, ...), offers it as a hint.

TARGET is PATH.py:NAME, where NAME is one of:
  - a gradient function f(params, x, y_true) -> dict of partials by parameter
    name ("w1": ..., or "d_L_d_w1": ...); params is a dict name -> float, x the
    inputs (x[0], x[1]), y_true a float (an array for several outputs).  Return
    the chain-rule factors too, in the article's names ("d_L_d_ypred",
    "d_ypred_d_h1", "d_h1_d_w1", ...), and each factor is checked as well;
  - a step function f(params, x, y_true, learn_rate) -> dict of the new
    parameter values after one SGD step;
  - an article-style class (or an instance of one) with its parameters as
    attributes (w1..b3, or --map yours) and train(data, all_y_trues), checked as
    it is (the article's own OurNeuralNetwork, pasted from the page, works):
    train() runs for one whole step and the gradient is read off it, with the
    learning rate your code states (or --learn-rate);
  - batch forms f(params, X, Y) and f(params, X, Y, learn_rate) (the mean
    gradient over the rows of X; --reduction sum for a sum), and matrix code:
    params as {"W1", "b1", "W2", "b2"} or a list [W1, b1, W2, b2], either
    orientation (--weights-as).  See docs/checker.md.

Your code runs in a separate process, stopped after --timeout seconds; a
verdict counts only when it comes back whole over a private channel.

Loading PATH runs it, as python and pytest do: its module-level code executes
(keep a script's own work under  if __name__ == "__main__":).  What it prints is
not shown.  Nothing else you type is evaluated: NAME is looked up by name.

Exit status: 0 everything agrees, 1 something disagrees (or your code raised,
returned the wrong thing, or NaN), 2 the check could not run (or your code
looped, exited or was killed: one line says which)."""

EXAMPLES = """\
  nnderive check examples/mine.py:backprop      a backprop with one mistake: which one
  nnderive check network.py:OurNeuralNetwork --points 20
  nnderive check examples/deep.py:grads --net 2-3-3-1 --activation tanh --output-activation sigmoid --loss bce
  nnderive check examples/matrix.py:gradient    matrix code: W1, b1, W2, b2 over a batch
  nnderive check net.py:Net --map w1=w_x1_h1,w2=w_x2_h1 --timeout 10
  nnderive check --article                      nncore's own backprop: a passing check"""


def add_arguments(parser):
    parser.add_argument("target", nargs="?", metavar="PATH.py:NAME",
                        help="the function or class to check (loading the file runs it)")
    parser.add_argument("--article", action="store_true",
                        help="check nncore's own OurNeuralNetwork instead: its backprop, or with --kind "
                             "class its train() (a demo of a passing check)")
    parser.add_argument("--kind", choices=KINDS, default="auto",
                        help="what TARGET is (default: auto, from its signature)")
    parser.add_argument("--points", type=_count, default=5, metavar="N",
                        help="random points besides Alice's (default 5)")
    parser.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed of the random points (default 0)")
    parser.add_argument("--learn-rate", type=_positive, default=None, metavar="RATE",
                        help="learning rate of a step function or class (default: the one your code states, "
                             "else 0.1, the article's)")
    parser.add_argument("--map", metavar="NAMES",
                        help="your names for the article's parameters, e.g. w1=w_in1_h1,w2=w_in2_h1 (or a file "
                             "with one NAME=YOURS per line)")
    parser.add_argument("--batch", action="store_true",
                        help="the function takes a batch, f(params, X, Y) (default: when its 2nd argument is "
                             "named X, xs, batch, ...)")
    parser.add_argument("--reduction", choices=("mean", "sum"), default="mean",
                        help="how a batch's loss combines its samples (default mean)")
    parser.add_argument("--weights-as", choices=("rows", "columns"), default=None,
                        help="matrix code: weight matrices as neurons x inputs (rows) or inputs x neurons "
                             "(columns); default: from the shapes")
    parser.add_argument("--rtol", type=_rtol, default=DEFAULT_RTOL, metavar="R",
                        help=f"relative tolerance (default {DEFAULT_RTOL:g})")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format (default text)")
    parser.add_argument("--timeout", type=_timeout, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"stop your code after this long (default {DEFAULT_TIMEOUT:g}); it runs in a "
                             "separate process")
    add_network_options(parser)


def run(args):
    try:
        return _run(args)
    except UsageError as error:
        if args.format == "json":  # a program reading JSON gets JSON, whatever went wrong
            _write_json({"ok": False, "exit_status": 2, "error": getattr(error, "details", None)
                         or {"kind": "usage", "message": str(error)}})
        raise


def _run(args):
    from derivations.check import ARTICLE_TARGETS, CheckError
    from derivations.check.isolated import UserCodeFailed, run_in_child

    network = network_from_args(args)
    if args.article:
        if args.target is not None:
            raise UsageError("give either PATH.py:NAME or --article, not both")
        if not _default_network(args):
            raise UsageError("--article checks the article's own 2-2-1 network; drop the network options")
        target = ARTICLE_TARGETS[args.kind]
    elif args.target is None:
        raise UsageError("what should be checked? give PATH.py:NAME (or --article for a demo)")
    else:
        target = args.target
    unicode = _can_print("∂·′")

    def render(result):  # runs in the child: the report is spelled for the command line there
        if isinstance(result, NnderiveError):
            return result.spelled(flag)
        return {"status": result.exit_status, "json": result.as_dict(spell=flag),
                "text": result.to_text(unicode=unicode, spell=flag)}

    options = dict(kind=args.kind, network=None if _default_network(args) else network, points=args.points,
                   seed=args.seed, learn_rate=args.learn_rate, rtol=args.rtol, names=_names(args.map),
                   batch=True if args.batch else None, reduction=args.reduction, weights_as=args.weights_as)
    try:
        payload = run_in_child(target, render, args.timeout, **options)
    except UserCodeFailed as error:
        failure = UsageError(str(error))
        failure.details = dict(error.error, message=str(failure))
        raise failure from None
    except CheckError as error:
        raise UsageError(error) from None
    if args.format == "json":
        _write_json(payload["json"])
    else:
        sys.stdout.write(printable(payload["text"]))
    return payload["status"]


def _write_json(data):
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    # JSON's own escapes (\u00fc) where the terminal cannot show a character of a file name
    sys.stdout.write(text if _can_print(text) else json.dumps(data, indent=2, ensure_ascii=True) + "\n")


def _default_network(args):
    return (args.net, args.activation, args.output_activation, args.loss) == ("2-2-1", "sigmoid", None, "mse")


def _can_print(text):
    try:
        text.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _count(text):
    value = parse_number(text, "--points")
    if value != int(value) or not 0 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0 to 1000")
    return int(value)


def _seed(text):
    value = parse_number(text, "--seed")
    if value != int(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 0")
    return int(value)


def _positive(text):
    value = parse_number(text, "--learn-rate")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def _rtol(text):
    value = parse_number(text, "--rtol")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1")
    return value


def _timeout(text):
    value = parse_number(text, "--timeout")
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0 (at most a day)")
    return value


def _names(text):
    """``--map``: ``w1=w_in1_h1,w2=...`` or a file of such pairs, one per line (# comments allowed)."""
    if text is None:
        return None
    source = text
    if "=" not in text:
        try:
            with open(text, encoding="utf-8") as handle:
                source = handle.read()
        except OSError as error:
            raise UsageError(f"--map {text}: neither NAME=YOURS pairs nor a readable file ({error.strerror})") \
                from None
    names = {}
    for part in source.replace("\n", ",").split(","):
        part = part.split("#", 1)[0].strip()
        if not part:
            continue
        article, sep, theirs = (piece.strip() for piece in part.partition("="))
        if not sep or not article.isidentifier() or not theirs.isidentifier():
            raise UsageError(f"--map: {part!r} is not NAME=YOURS (e.g. w1=w_in1_h1)")
        names[article] = theirs
    return names
