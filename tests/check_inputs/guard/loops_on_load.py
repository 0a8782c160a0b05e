"""Loading never ends: a training loop left at module level, with no stopping condition."""

epoch = 0
while True:
    epoch += 1
