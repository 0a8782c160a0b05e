"""The ``nnderive`` command: parse the command line, run one subcommand.

With no arguments it runs the overview (the article's nine partials and a
side-by-side check on Alice).  Every subcommand lives in its own module under
:mod:`derivations.commands`; a mistake the user can fix is reported as one
line on stderr with exit status 2, never a traceback.
"""

import os
import sys

from derivations import __version__
from derivations.commands import COMMANDS, overview
from derivations.commands.common import ArgumentParser, UsageError


def build_parser():
    parser = ArgumentParser(
        prog="nnderive",
        description=(
            "Derive, print, generate and check the backpropagation of Victor Zhou's beginner "
            "neural network (and any layered network). Without a command: the article's nine "
            "partials by the chain rule, checked against a hand-written backprop on Alice."
        ),
    )
    parser.add_argument("--version", action="version", version=f"nnderive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    for module in COMMANDS:
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.DESCRIPTION)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv=None):
    """Run ``nnderive`` with ``argv`` (default: the command line); return the exit status."""
    parser = build_parser()
    try:
        try:
            try:
                args = parser.parse_args(sys.argv[1:] if argv is None else argv)
            except SystemExit as exit:  # --help, --version, or a bad argument (already reported)
                return exit.code
            run = getattr(args, "run", overview.run)
            return run(args) or 0
        finally:
            # inside the try: a reader that went away shows here, not at interpreter exit
            sys.stdout.flush()
    except UsageError as error:
        print(f"nnderive: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: not an error of ours.  What is still
        # buffered would fail again at exit, so standard output goes to the null device.
        _silence_stdout()
        return 0
    except UnicodeEncodeError as error:  # a command printed what this terminal cannot show
        what = error.object[error.start:error.end]
        print(f"nnderive: error: standard output ({error.encoding}) cannot show {what!r}: "
              "set PYTHONIOENCODING=utf-8", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _silence_stdout():
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no file descriptor (e.g. captured in a test)
        pass
