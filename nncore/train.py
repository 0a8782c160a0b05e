"""The article's training loop: stochastic gradient descent, one sample at a time."""

from nncore.losses import mse_loss


def train(network, data, all_y_trues, epochs=1000, learn_rate=0.1, verbose=False):
    """Train ``network`` in place with the article's SGD; return the loss history.

    ``network`` is an :class:`~nncore.network.OurNeuralNetwork` (or anything
    with its ``params``, ``backprop`` and ``predict``).  For every epoch and
    every sample in order, all nine parameters move by
    ``-learn_rate * dL/dparam``, every partial taken from the same forward pass
    (:meth:`OurNeuralNetwork.backprop`).  After each epoch the MSE over
    ``data`` is appended to the history; with ``verbose`` it is also printed
    every 10 epochs as ``Epoch N loss: X``, like the article.

    Examples
    --------
    >>> from nncore import DATA, ALL_Y_TRUES, OurNeuralNetwork
    >>> history = train(OurNeuralNetwork(seed=1), DATA, ALL_Y_TRUES, epochs=20, verbose=True)
    Epoch 0 loss: ...
    Epoch 10 loss: ...
    >>> len(history), history[-1] < history[0]
    (20, True)
    """
    # the names come from the network, so this module needs nothing from nncore.network (no import cycle)
    names = tuple(network.params)
    # Plain floats, once: the same IEEE doubles as numpy's, but arithmetic on a
    # float is several times quicker than on a numpy scalar.
    xs = [tuple(float(value) for value in x) for x in data]
    y_trues = [float(y_true) for y_true in all_y_trues]
    history = []
    for epoch in range(epochs):
        for x, y_true in zip(xs, y_trues):
            partials = network.backprop(x, y_true)
            for name in names:
                setattr(network, name, getattr(network, name) - learn_rate * partials[name])
        loss = mse_loss(y_trues, network.predict(xs))
        history.append(loss)
        if verbose and epoch % 10 == 0:
            print(f"Epoch {epoch} loss: {loss:.3f}")
    return history
