"""The article's training loop: stochastic gradient descent, one sample at a time."""

from nncore.losses import mse_loss
from nncore.network import PARAM_NAMES


def train(network, data, all_y_trues, epochs=1000, learn_rate=0.1, verbose=False):
    """Train ``network`` in place with the article's SGD; return the loss history.

    For every epoch and every sample in order, all nine parameters move by
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
    history = []
    for epoch in range(epochs):
        for x, y_true in zip(data, all_y_trues):
            partials = network.backprop(x, y_true)
            for name in PARAM_NAMES:
                setattr(network, name, getattr(network, name) - learn_rate * partials[name])
        loss = mse_loss(all_y_trues, network.predict(data))
        history.append(loss)
        if verbose and epoch % 10 == 0:
            print(f"Epoch {epoch} loss: {loss:.3f}")
    return history
