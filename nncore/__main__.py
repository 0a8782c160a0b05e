"""``python -m nncore``: the article's script, run as it is on the page.

Trains the article's network on Alice, Bob, Charlie and Diana (1000 epochs of
SGD, learning rate 0.1, the loss printed every 10 epochs), then predicts Emily
and Frank.  ``python -m nncore 0`` makes the random start repeatable (seed 0).
The article's own run prints Emily 0.951 and Frank 0.039; its random draw is
not known, so a seeded run here ends near those numbers, not on them.
"""

import sys

from nncore.data import ALL_Y_TRUES, DATA, EMILY, FRANK, gender_of
from nncore.network import OurNeuralNetwork

USAGE = "usage: python -m nncore [SEED]   (the article's training, then Emily and Frank)"


def main(argv=None):
    """Run the article's script; ``argv`` may hold one whole-number seed. Returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if len(argv) > 1 or (argv and not argv[0].isascii()) or (argv and not argv[0].isdigit()):
        print(f"python -m nncore: error: expected at most one seed, a whole number, got {' '.join(argv)!r}\n{USAGE}",
              file=sys.stderr)
        return 2
    seed = int(argv[0]) if argv else None
    network = OurNeuralNetwork(seed=seed)
    network.train(DATA, ALL_Y_TRUES, verbose=True)
    for person in (EMILY, FRANK):
        y_pred = network.feedforward(person.x)
        print(f"{person.name}: {y_pred:.3f} - {gender_of(y_pred)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
