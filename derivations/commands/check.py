"""``nnderive check``: cross-check a hand-written backprop (issue 5; not built yet)."""

from derivations.commands.common import UsageError

NAME = "check"
HELP = "cross-check a hand-written backprop"
DESCRIPTION = HELP


def add_arguments(parser):
    pass


def run(args):
    raise UsageError("'nnderive check' is not available yet")
