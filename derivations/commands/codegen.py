"""``nnderive codegen``: generate standalone gradient code (numpy, Python, C) (issue 4; not built yet)."""

from derivations.commands.common import UsageError

NAME = "codegen"
HELP = "generate standalone gradient code (numpy, Python, C)"
DESCRIPTION = HELP


def add_arguments(parser):
    pass


def run(args):
    raise UsageError("'nnderive codegen' is not available yet")
