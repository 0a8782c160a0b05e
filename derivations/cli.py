"""The ``nnderive`` command: parse the command line, run one subcommand.

With no arguments it runs the overview (the article's nine partials and a
side-by-side check on Alice).  Every subcommand lives in its own module under
:mod:`derivations.commands`; a mistake the user can fix is reported as one
line on stderr with exit status 2, never a traceback.

This module imports nothing heavy at its top: the console script imports it
and calls :func:`main`, and only inside :func:`main` can a Ctrl-C during the
import of SymPy and numpy end the command quietly (exit status 130).  Nor do
the command modules, whose run functions import what they need: ``nnderive
--help`` loads neither SymPy nor numpy, a subcommand's ``--help`` no SymPy,
and only the named subcommand's options are built.  SIGTERM
and SIGHUP become an exception too, so that temporary files and a running
compiler are cleaned up as for Ctrl-C (exit status 128 + the signal).
"""

import argparse
import contextlib
import difflib
import errno
import os
import re
import signal
import sys
import textwrap


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (every ``finally`` runs), then exit 128 + ``signum``.

    A BaseException, as KeyboardInterrupt is, so no ``except Exception`` swallows it.
    """

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


EXAMPLES = """\
  nnderive                                   the article's nine partials, checked on Alice
  nnderive derive w1 --at alice              dL/dw1 step by step, with the article's numbers
  nnderive codegen --target c -o grads.c     the gradient as standalone C
  nnderive train --seed 0                    the article's training, then Emily and Frank
  nnderive check examples/mine.py:backprop   which partial and which factor of your backprop is wrong
  nnderive graph --highlight w1 --format svg -o w1.svg
  nnderive COMMAND --help                    each command's options and examples"""


class HelpFormatter(argparse.HelpFormatter):
    """Prose paragraphs are filled to the terminal; indented ones (lists, examples) kept as written."""

    def _fill_text(self, text, width, indent):
        paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
        filled = []
        for paragraph in paragraphs:
            lines = paragraph.splitlines()
            if any(line[:1].isspace() for line in lines):
                filled.append("\n".join(indent + line for line in lines))
            else:
                filled.append(textwrap.fill(" ".join(lines), width, initial_indent=indent, subsequent_indent=indent))
        return "\n\n".join(filled)


class Parser(argparse.ArgumentParser):
    """One line for a mistake (exit status 2), naming the nearest valid choice and this command's help."""

    def error(self, message):
        choice = re.search(r"invalid choice: '(.*?)' \(choose from (.*)\)", message)
        if choice:
            options = re.findall(r"'?([^,' ]+)'?", choice[2])
            message += _nearest(choice[1], options)
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def unknown(self, extras):
        """An argument this command does not take: the first one, and what was probably meant."""
        first = extras[0]
        names = [o for o in self._option_string_actions if o.startswith("--")]
        if first.startswith("-") and not re.fullmatch(r"-[\d.].*", first):
            name = first.split("=", 1)[0]
            self.error(f"unknown option {name}" + _nearest(name, names))
        close = _nearest("--" + first, names) if first.isidentifier() else ""
        self.error(f"unexpected argument {first!r}" + close)


def _nearest(word, choices):
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def build_parser(command=None):
    """The ``nnderive`` parser; ``.commands`` holds the subcommands' parsers by name.

    Given a ``command`` name, only that subcommand gets its options (another
    one's may need numpy to list its choices); ``""`` gives none, which is
    all ``nnderive --help`` and plain ``nnderive`` need.
    """
    from derivations import __version__
    from derivations.commands import COMMANDS

    parser = Parser(
        prog="nnderive",
        description=(
            "Derive, print, generate and check the backpropagation of Victor Zhou's beginner "
            "neural network (and any layered network). Without a command: the article's nine "
            "partials by the chain rule, checked against a hand-written backprop on Alice."
        ),
        epilog="examples:\n" + EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nnderive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands = {}
    for module in COMMANDS:
        subparser = sub.add_parser(module.NAME, help=module.HELP, description=module.DESCRIPTION)
        if command is None or command == module.NAME:
            module.add_arguments(subparser)
        # every --help ends with examples, after the module's own notes
        notes = getattr(module, "EPILOG", None) or subparser.epilog
        subparser.epilog = (notes + "\n\n" if notes else "") + "examples:\n" + module.EXAMPLES
        subparser.formatter_class = HelpFormatter
        subparser.set_defaults(run=module.run)
        commands[module.NAME] = subparser
    parser.commands = commands
    return parser




def main(argv=None):
    """Run ``nnderive`` with ``argv`` (default: the command line); return the exit status."""
    try:
        with _signals_raise():
            return _main(argv)
    except KeyboardInterrupt:  # also while SymPy is still being imported
        return 130
    except Stopped as stop:
        return 128 + stop.signum


def _main(argv):
    if sys.stdout is None:  # started with standard output closed (`nnderive >&-`)
        _error("standard output is closed; redirect it (e.g. > out.txt or > /dev/null)")
        return 2
    try:
        try:
            from derivations.commands import COMMANDS, overview

            argv = sys.argv[1:] if argv is None else list(argv)
            # the command is the first word that is not an option (nnderive itself takes no option values)
            named = next((word for word in argv if not word.startswith("-")), None)
            parser = build_parser(named if named in {module.NAME for module in COMMANDS} else "")
            try:
                args, extras = parser.parse_known_args(argv)
                if extras and isinstance(getattr(args, "params", None), list) and not any(
                    word.startswith("-") for word in extras
                ):  # derive w1 --at alice b3: parameter names on both sides of an option
                    args.params, extras = args.params + extras, []
                if extras:
                    parser.commands.get(args.command, parser).unknown(extras)
            except SystemExit as exit:  # --help, --version, or a bad argument (already reported)
                return exit.code
            run = getattr(args, "run", overview.run)
            return run(args) or 0
        finally:
            # inside the try: a reader that went away or a full disk shows here, not at interpreter exit
            sys.stdout.flush()
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: not an error of ours.  What is still
        # buffered would fail again at exit, so standard output goes to the null device.
        _silence_stdout()
        return 0
    except OSError as error:
        # every file nnderive opens reports its own errors (as UsageError): what is left
        # is standard output itself, e.g. `> /dev/full` or a full disk
        _silence_stdout()
        reason = error.strerror or errno.errorcode.get(error.errno, str(error))
        _error(f"{error.filename}: {reason}" if error.filename else f"cannot write standard output: {reason}")
        return 2
    except UnicodeEncodeError as error:  # a command printed what this terminal cannot show
        what = error.object[error.start:error.end]
        _error(f"standard output ({error.encoding}) cannot show {what!r}: set PYTHONIOENCODING=utf-8")
        return 2
    except Exception as error:
        from derivations.commands.common import UsageError

        if not isinstance(error, UsageError):
            raise
        _error(str(error))
        return 2


def _error(message):
    """One line on stderr, whatever the message holds (a file name with a newline, say)."""
    from derivations.commands.common import one_line

    if sys.stderr is not None:
        print(f"nnderive: error: {one_line(message)}", file=sys.stderr)


@contextlib.contextmanager
def _signals_raise():
    """SIGTERM and SIGHUP raise :class:`Stopped` while the command runs, then are as before."""
    def stop(signum, frame):
        for name in ("SIGTERM", "SIGHUP"):  # a second signal must not interrupt the cleaning up
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise Stopped(signum)

    previous = {}
    try:
        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                number = getattr(signal, name)
                previous[number] = signal.signal(number, stop)
    except ValueError:  # not the main thread (main() called from a thread): leave signals alone
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _silence_stdout():
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no file descriptor (e.g. captured in a test)
        pass
