"""``nnderive derive``: print the chain-rule derivation (text, LaTeX, Markdown) (issue 3; not built yet)."""

from derivations.commands.common import UsageError

NAME = "derive"
HELP = "print the chain-rule derivation (text, LaTeX, Markdown)"
DESCRIPTION = HELP


def add_arguments(parser):
    pass


def run(args):
    raise UsageError("'nnderive derive' is not available yet")
