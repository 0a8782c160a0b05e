"""The rules: one record per activation and per loss, and what is built from all of them.

Each activation is one :class:`~derivations.rules.base.Activation` record in
:mod:`derivations.rules.activations` and each loss one
:class:`~derivations.rules.base.Loss` in :mod:`derivations.rules.losses`.
Every other module looks rules up here; none names an activation.

The records are SymPy functions, so they and the tables built from them
(:mod:`derivations.rules.registry`) are loaded on first use; the names alone
(:mod:`derivations.rules.names`) are here at once, for the commands that
start without SymPy.

>>> sorted(ACTIVATIONS)
['identity', 'leaky_relu', 'relu', 'sigmoid', 'softplus', 'tanh']
>>> ACTIVATION_NAMES == tuple(ACTIVATIONS) and LOSS_NAMES == tuple(LOSSES)
True
>>> NUMPY_FUNCTIONS["d_softplus"] is NUMPY_FUNCTIONS["sigmoid"]      # softplus' is the sigmoid
True
>>> FUNCTIONS["d_tanh"].name, FUNCTIONS["tanh"].name
('tanh', 'tanh')
"""

from derivations.rules.names import ACTIVATION_NAMES, BOUNDS, LOSS_NAMES, LOSS_OUTPUTS

#: what the registry provides, loaded on first use
_REGISTRY = (
    "ACTIVATIONS", "FUNCTIONS", "LOSSES", "NUMPY_FUNCTIONS",
    "Activation", "ActivationFunction", "Helper", "Loss", "Spelling",
    "d_leaky_relu", "d_relu", "d_sigmoid", "d_softplus", "d_tanh",
    "leaky_relu", "relu", "sigmoid", "softplus",
    "helper_calls", "helper_sources", "is_derivative", "to_explicit",
)


def __getattr__(name):
    if name not in _REGISTRY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from derivations.rules import registry

    value = getattr(registry, name)
    globals()[name] = value  # once loaded, an ordinary attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(_REGISTRY))


__all__ = ["ACTIVATION_NAMES", "BOUNDS", "LOSS_NAMES", "LOSS_OUTPUTS", *_REGISTRY]
