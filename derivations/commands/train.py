"""``nnderive train``: the article's training, with a backend of your choice.

Trains the article's network on its four people (or any network on samples
from ``--data``), prints the loss every 10 epochs as the article does, then
the predictions for Emily and Frank.  Every backend starts from the same
draw for the same ``--seed`` and follows the same trajectory.
"""

import argparse
import io
import os
import re
import secrets
import sys

from derivations.asciinum import non_ascii
from derivations.commands.common import (
    UsageError,
    add_network_options,
    check_writable,
    network_from_args,
    parse_number,
    printable_line,
    write_file,
)
from derivations.styles import STYLES, choose_style

NAME = "train"
HELP = "train the article's network with a chosen backend"
DESCRIPTION = (
    "Train the article's network on Alice, Bob, Charlie and Diana with the article's SGD (one step "
    "per sample, every epoch), print the loss every 10 epochs, then predict Emily and Frank. "
    "Backends: handwritten (the article's numpy class, nncore), python, numpy or c (the generated "
    "code). The same --seed gives the same start, and every backend the same trajectory."
)

#: the figure formats --plot writes, by file suffix
PLOT_FORMATS = ("png", "pdf", "svg")
#: how many samples of a --data file get their prediction shown
SHOWN = 10
#: beyond this many parameters, compiling the C target takes minutes (2-100-100-1: over 2 minutes, 2.4 GB)
BIG_FOR_C = 2_000
#: ten thousand times the article's 1000: the loss history (a float per epoch) must fit in memory
MAX_EPOCHS = 10_000_000

EXAMPLES = """\
  nnderive train --seed 0                        the article's network and data, a repeatable start
  nnderive train --seed 0 --backend c --plot loss.png
  nnderive train --seed 0 --backend numpy --net 2-8-1 --style scalar
  nnderive train --net 2-3-1 --activation tanh --output-activation sigmoid --loss bce --seed 1
  nnderive train --net 3-4-2 --activation relu --output-activation identity --data examples/samples.csv"""


def _whole(minimum, maximum=None):
    def parse(text):
        character = non_ascii(text)
        if character:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {minimum}, got {text!r}: "
                                             f"{character} is not ASCII (write numbers with 0-9)")
        # few enough digits for int()
        if not re.fullmatch(r"[0-9]{1,1000}", text.strip()) or int(text) < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {minimum}, got {text!r}")
        if maximum is not None and int(text) > maximum:
            raise argparse.ArgumentTypeError(f"at most {maximum:,}, got {text!r}")
        return int(text)

    return parse


def _rate(text):
    try:
        value = parse_number(text, "--learn-rate")
    except UsageError as error:  # "'x' is not a number" or "'1e400' is too large"
        raise argparse.ArgumentTypeError(str(error).removeprefix("--learn-rate: ")) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"the learning rate must be positive, got {text!r}")
    return value


def add_arguments(parser):
    # numpy, not SymPy: the training module is imported for `nnderive train` only, not for `nnderive --help`
    from derivations.training import BACKENDS, CSV_FORMAT, MAX_ROWS

    parser.add_argument("--epochs", type=_whole(1, MAX_EPOCHS), default=1000, metavar="N",
                        help=f"passes over the samples (default 1000, as the article; at most {MAX_EPOCHS:,})")
    parser.add_argument("--learn-rate", type=_rate, default=0.1, metavar="RATE",
                        help="the SGD step size (default 0.1, as the article)")
    parser.add_argument("--seed", type=_whole(0), default=None, metavar="S",
                        help="seed of the initial parameters (default: a fresh one, printed so you can repeat)")
    parser.add_argument("--backend", choices=tuple(BACKENDS), default="python",
                        help="what runs the training: " + "; ".join(f"{k}: {v}" for k, v in BACKENDS.items())
                        + " (default python)")
    parser.add_argument("--style", choices=STYLES, default=None,
                        help="the style of the generated code (python, numpy, c): scalar, one line per weight as "
                             "the article; layers (numpy, c), BP1-BP4 per layer. Default: what nnderive codegen "
                             "picks, scalar up to 3 neurons per layer and 40 parameters, layers past that")
    parser.add_argument("--every", type=_whole(0), default=10, metavar="N",
                        help="print the loss every N epochs (default 10, as the article; 0: only at the end)")
    parser.add_argument("--data", metavar="FILE.csv", help="train on your own samples: " + CSV_FORMAT)
    parser.add_argument("--max-rows", type=_whole(1), default=MAX_ROWS, metavar="N",
                        help=f"read at most N samples from --data (default {MAX_ROWS:,}); a bigger file is an error")
    parser.add_argument("--plot", metavar="FILE.png",
                        help="draw the loss curve to FILE (.png, .pdf or .svg; needs matplotlib: "
                             "pip install 'nnderive[plot]')")
    parser.add_argument("--force", action="store_true", help="overwrite the --plot file if it exists")
    add_network_options(parser)


def _style_words(args, network):
    """`` (layers style ...)``: the generated code's style, and why when nnderive chose it."""
    if args.backend == "handwritten":
        return ""
    if args.style is not None:
        return f" ({args.style} style)"
    style = choose_style(network, args.backend)
    if args.backend == "python" or style == "scalar":
        return f" ({style} style)"
    return " (layers style, chosen for the network's size)"


def run(args):
    from derivations.training import BACKENDS, TrainingError, saturation, train

    network = network_from_args(args)
    if args.backend == "handwritten" and args.style is not None:
        raise UsageError("--style chooses the generated code's style; --backend handwritten is the article's own "
                         "code: use --backend python, numpy or c")
    if args.backend == "python" and args.style == "layers":
        raise UsageError("--style layers exists for the numpy and c backends; --backend python is scalar only")
    if args.backend == "handwritten" and not network.is_article:
        raise UsageError(
            f"--backend handwritten is the article's 2-2-1 sigmoid network with mse only; "
            f"for a {network.describe()} use --backend python, numpy or c"
        )
    if args.plot is not None:
        _check_plot(args.plot, args.force)
    X, y, names = _samples(args, network)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**32)

    where = "the article's four people (Alice, Bob, Charlie, Diana)" if args.data is None else (
        f"{len(X)} sample{'s' if len(X) != 1 else ''} from {args.data}")
    print(printable_line(f"Training a {network.describe()} on {where}"))
    print(f"backend {args.backend}: {BACKENDS[args.backend]}{_style_words(args, network)}")
    if args.backend == "c" and network.n_params > BIG_FOR_C:
        print(f"(the C of {network.n_params:,} parameters takes the compiler minutes and gigabytes the first "
              "time; it is cached after that, and --backend numpy starts at once)", flush=True)
    print(f"seed {args.seed if args.seed is not None else str(seed) + ' (repeat with --seed ' + str(seed) + ')'}, "
          f"{args.epochs} epochs, learning rate {args.learn_rate:g}")

    def report(epoch, loss):
        print(f"Epoch {epoch} loss: {loss:.3f}", flush=True)

    try:
        result = train(network, X, y, backend=args.backend, epochs=args.epochs, learn_rate=args.learn_rate,
                       seed=seed, every=args.every, report=report if args.every else None, style=args.style)
    except TrainingError as error:
        raise UsageError(error) from None
    print(f"Loss after {args.epochs} epochs: {result.history[-1]:.6g}")

    if names is None:
        import nncore

        people = (nncore.EMILY, nncore.FRANK)
        for person, value in zip(people, result.predict([p.x for p in people])):
            value = float(value)
            print(f"{person.name}: {value:.3f} ({nncore.gender_of(value)})")
    else:
        _show_predictions(result, X, y, names)
    warning = saturation(result, X, y)
    if warning:
        print(f"nnderive: warning: {warning}", file=sys.stderr)
    if args.plot is not None:
        write_file(args.plot, _plot(result, args.plot), force=args.force)
        print(printable_line(f"Loss curve written to {args.plot}"))
    return 0


def _samples(args, network):
    """``(X, y, names)``: names is None for the article's people."""
    import nncore
    from derivations.training import TrainingError, read_samples

    if args.data is not None:
        if not args.data.strip():
            raise UsageError("--data: the file name is empty")
        try:
            X, y = read_samples(args.data, network, max_rows=args.max_rows)
        except TrainingError as error:
            raise UsageError(error) from None
        return X, y, "data"
    if network.n_inputs != 2 or network.n_outputs != 1:
        columns = ", ".join(network.sample_names)
        raise UsageError(
            f"the article's people have 2 inputs and 1 target, a {network.spec} network needs samples "
            f"with {network.n_inputs} inputs and {network.n_outputs} target{'s' if network.n_outputs != 1 else ''}: "
            f"give them with --data FILE.csv "
            f"(columns {columns})"
        )
    return nncore.DATA.astype(float), nncore.ALL_Y_TRUES.astype(float), None


def _show_predictions(result, X, y, names):
    predictions = result.predict(X)
    shown = min(len(X), SHOWN)
    print(f"Predictions on the first {shown} of {len(X)} samples:" if shown < len(X) else "Predictions:")
    for x, target, value in list(zip(X, y, predictions))[:shown]:
        print(f"  x = {_numbers(x)}  y_true = {_numbers(target)}  prediction = {_numbers(value)}")


def _numbers(values):
    values = list(values) if hasattr(values, "__len__") else [values]
    text = ", ".join(f"{float(v):.4g}" for v in values)
    return text if len(values) == 1 else f"({text})"


def _check_plot(path, force):
    """Fail before training, not after: a bad name, an existing file, no matplotlib."""
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if suffix not in PLOT_FORMATS:
        raise UsageError(f"--plot {path}: give a file name ending in {', '.join('.' + f for f in PLOT_FORMATS)}")
    check_writable(path, force)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError("--plot needs matplotlib, which is not installed: pip install 'nnderive[plot]'") from None


def _plot(result, path):
    """The loss curve as the bytes of a figure file (format from the suffix)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 4.0))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(range(len(result.history)), result.history, color="tab:blue")
    axes.set_xlabel("epoch")
    axes.set_ylabel(f"mean loss ({result.network.loss})")
    axes.set_title(f"{result.network.describe()}\nbackend {result.backend}, seed {result.seed}, "
                   f"learning rate {result.learn_rate:g}", fontsize=10)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    metadata = {"Software": None} if path.lower().endswith(".png") else None
    figure.savefig(buffer, format=os.path.splitext(path)[1].lstrip(".").lower(), metadata=metadata)
    return buffer.getvalue()
