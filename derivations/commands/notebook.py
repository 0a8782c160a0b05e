"""``nnderive notebook``: a Jupyter notebook that walks the article with nnderive.

Examples::

    nnderive notebook -o article.ipynb      # then: jupyter lab article.ipynb
"""

from derivations.commands.common import add_output_options, check_output, emit

NAME = "notebook"
EXAMPLES = """\
  nnderive notebook -o article.ipynb      then: jupyter lab article.ipynb"""
HELP = "write a Jupyter notebook that walks the article with nnderive"
DESCRIPTION = (
    "Write a Jupyter notebook (.ipynb) that walks the article with nnderive: the network, the chain-rule "
    "derivation rendered as maths, Alice worked step by step, the computation graph, training with the loss "
    "curve and the predictions for Emily and Frank, and a cell that checks a deliberately wrong backprop."
)


def add_arguments(parser):
    add_output_options(parser)


def run(args):
    from derivations.notebook import build_notebook

    check_output(args)
    emit(build_notebook(), args.output, args.force)
    return 0
