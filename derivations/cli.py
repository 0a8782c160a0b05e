"""The ``nnderive`` command: parse the command line, run one subcommand.

With no arguments it runs the overview (the article's nine partials and a
side-by-side check on Alice).  Every subcommand lives in its own module under
:mod:`derivations.commands`; a mistake the user can fix is reported as one
line on stderr with exit status 2, never a traceback.
"""

import argparse
import difflib
import os
import re
import sys
import textwrap

from derivations import __version__
from derivations.commands import COMMANDS, overview
from derivations.commands.common import ArgumentParser, UsageError

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


class Parser(ArgumentParser):
    """One line for a mistake, naming the nearest valid choice and this command's help."""

    def error(self, message):
        choice = re.search(r"invalid choice: '(.*?)' \(choose from (.*)\)", message)
        if choice:
            options = re.findall(r"'?([^,' ]+)'?", choice[2])
            message += _nearest(choice[1], options)
        super().error(message)

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


def build_parser():
    """The ``nnderive`` parser; ``.commands`` holds the subcommands' parsers by name."""
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
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.DESCRIPTION)
        module.add_arguments(command)
        # every --help ends with examples, after the module's own notes
        notes = getattr(module, "EPILOG", None) or command.epilog
        command.epilog = (notes + "\n\n" if notes else "") + "examples:\n" + module.EXAMPLES
        command.formatter_class = HelpFormatter
        command.set_defaults(run=module.run)
        commands[module.NAME] = command
    parser.commands = commands
    return parser


def main(argv=None):
    """Run ``nnderive`` with ``argv`` (default: the command line); return the exit status."""
    parser = build_parser()
    try:
        try:
            try:
                args, extras = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
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
