"""Which style of generated code a network gets, decided from its sizes alone.

No SymPy here: ``nnderive codegen --help`` lists the styles and ``nnderive
train`` says which one it runs without deriving anything.  The emitters of
each style are in :mod:`derivations.codegen`.

>>> from derivations.network import Network
>>> choose_style(Network()), choose_style(Network((2, 4, 1))), choose_style(Network((2, 3, 3, 3, 3, 1)))
('scalar', 'layers', 'layers')
>>> choose_style(Network((2, 8, 1)), target="python")   # the pure-Python target is scalar only
'scalar'
"""

#: the styles, in the order the command line lists them
STYLES = ("scalar", "layers")
#: the targets with a layer style (the pure-Python target is the article's, scalar only)
LAYER_TARGETS = ("numpy", "c")
#: past this many neurons in any layer (inputs included), the default is the layer style
MAX_SCALAR_WIDTH = 3
#: past this many parameters, too
MAX_SCALAR_PARAMS = 40


def choose_style(network, target="numpy"):
    """The style a network gets when none is asked for.

    The scalar style while it is readable: at most :data:`MAX_SCALAR_WIDTH`
    neurons in every layer and at most :data:`MAX_SCALAR_PARAMS` parameters
    (the article's 2-2-1 and networks like 2-3-3-1); past that, the layer
    style, whose file grows with the number of layers only.  The Python target
    has only the scalar style.
    """
    if target not in LAYER_TARGETS:
        return "scalar"
    if max(network.layers) > MAX_SCALAR_WIDTH or network.n_params > MAX_SCALAR_PARAMS:
        return "layers"
    return "scalar"
