"""The subcommands of ``nnderive``, one module each.

A command module has ``NAME``, ``HELP``, ``DESCRIPTION``,
``add_arguments(parser)`` and ``run(args) -> exit status``.
"""

from derivations.commands import check, codegen, derive, graph, html, notebook, overview, train

#: in the order ``nnderive --help`` lists them
COMMANDS = (overview, derive, codegen, train, check, graph, html, notebook)
