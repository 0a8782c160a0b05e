"""Kills its own process with a signal while checked (as a crashing C extension would)."""

import os
import signal


def backprop(params, x, y_true):
    os.kill(os.getpid(), signal.SIGSEGV)
