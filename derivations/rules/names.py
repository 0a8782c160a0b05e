"""What a command needs to know of the rules without loading them: names, and a few plain facts.

The records (:mod:`derivations.rules.activations`, :mod:`derivations.rules.losses`)
are SymPy functions; reading one loads SymPy.  Checking a ``--net``
description, writing ``--help`` and training with cached generated code need
only what is listed here, so ``nnderive --help`` and a cached
``nnderive train`` start without SymPy.  :mod:`derivations.rules.registry`
refuses to load if these tables disagree with the records, and
tests/test_startup.py checks them too.

>>> ACTIVATION_NAMES[0], LOSS_NAMES[0], LOSS_OUTPUTS["bce"], BOUNDS["sigmoid"]
('sigmoid', 'mse', 'sigmoid', (0.0, 1.0))
"""

#: every activation's name, in the records' order
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity")
#: every loss's name -> the output activation it needs (None: any)
LOSS_OUTPUTS = {"mse": None, "bce": "sigmoid", "half-mse": None}
#: every loss's name, in the records' order
LOSS_NAMES = tuple(LOSS_OUTPUTS)
#: each activation's (low, high) where it saturates, or None for an unbounded one (the records' ``bounds``)
BOUNDS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": None, "leaky_relu": None, "softplus": None,
          "identity": None}
