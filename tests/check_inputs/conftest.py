"""The files here are *user code* for ``nnderive check``, not tests: never import them.

pytest's ``--doctest-modules`` would import every ``.py`` file it meets, and
``article_network.py`` trains the article's network for 1000 epochs when it is
imported, as the article's own script does.  The checker loads these files
itself, from the tests.
"""

collect_ignore_glob = ["*.py"]
