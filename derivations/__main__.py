"""``python -m derivations``: the same as the ``nnderive`` command."""

import sys

from derivations.cli import main

if __name__ == "__main__":
    sys.exit(main())
