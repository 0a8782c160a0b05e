"""``nnderive train``: train the article's network with a chosen backend (issue 4; not built yet)."""

from derivations.commands.common import UsageError

NAME = "train"
HELP = "train the article's network with a chosen backend"
DESCRIPTION = HELP


def add_arguments(parser):
    pass


def run(args):
    raise UsageError("'nnderive train' is not available yet")
