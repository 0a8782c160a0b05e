"""``nnderive graph``: draw the computation graph (Graphviz DOT) (issue 6; not built yet)."""

from derivations.commands.common import UsageError

NAME = "graph"
HELP = "draw the computation graph (Graphviz DOT)"
DESCRIPTION = HELP


def add_arguments(parser):
    pass


def run(args):
    raise UsageError("'nnderive graph' is not available yet")
