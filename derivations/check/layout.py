"""Parameters as matrices: ``{"W1": 2×2, "b1": 2, "W2": 1×2, "b2": 1}`` or ``[W1, b1, W2, b2]``.

After the article, students write numpy code with one weight matrix and one
bias vector per layer.  A :class:`MatrixLayout` turns the article's named
parameters into that shape (``to_user``) and the arrays the code returns back
into named partials (``from_user``), and names every entry both ways:
``W1[0,1]`` is ``w2`` (row = neuron, column = input, in the ``rows``
orientation; ``columns`` is the transpose, inputs × neurons).

>>> from derivations import derive
>>> layout = MatrixLayout(derive(), "rows")
>>> layout.entry["w2"], layout.entry["w6"], layout.entry["b3"]
('W1[0,1]', 'W2[0,1]', 'b2[0]')
>>> user = layout.to_user(dict(w1=1, w2=2, w3=3, w4=4, w5=5, w6=6, b1=7, b2=8, b3=9))
>>> user["W1"].tolist(), user["W2"].tolist(), user["b2"].tolist()
([[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0]], [9.0])
>>> MatrixLayout(derive(), "columns").to_user(dict.fromkeys(layout.entry, 0.0))["W2"].shape
(2, 1)
"""

import itertools
from collections.abc import Mapping

import numpy as np

ORIENTATIONS = ("rows", "columns")
#: how a gradient dict may name the gradient of W1 (the step form uses the bare name)
GRADIENT_KEYS = ("d{K}", "d_{K}", "grad_{K}", "dL_d{K}", "d_L_d_{K}", "{K}_grad", "{K}")


class MatrixLayout:
    """The article's parameters laid out as one matrix and one vector per layer."""

    def __init__(self, derivation, orientation="rows", as_list=False):
        self.derivation = derivation
        n = len(derivation.graph.layers)
        #: one orientation per layer: code may keep W1 as neurons × inputs and W2 as a column
        self.orientations = (orientation,) * n if isinstance(orientation, str) else tuple(orientation)
        self.as_list = as_list
        self.layers = []  # (W name, b name, [[weight names by neuron]], [bias names])
        self.entry = {}
        for k, layer in enumerate(derivation.graph.layers, start=1):
            weights = [[w.name for w in n.weights] for n in layer]
            biases = [n.bias.name for n in layer]
            self.layers.append((f"W{k}", f"b{k}", weights, biases))
            for j, row in enumerate(weights):
                for i, name in enumerate(row):
                    rows = self.orientations[k - 1] == "rows"
                    self.entry[name] = f"W{k}[{j},{i}]" if rows else f"W{k}[{i},{j}]"
            for j, name in enumerate(biases):
                self.entry[name] = f"b{k}[{j}]"

    def shape(self, k):
        weights = self.layers[k][2]
        rows = (len(weights), len(weights[0]))
        return rows if self.orientations[k] == "rows" else rows[::-1]

    @property
    def square(self):
        """True when every weight matrix is square: the shapes cannot tell the orientation."""
        return all(len(w) == len(w[0]) for _, _, w, _ in self.layers)

    @property
    def description(self):
        shapes = ", ".join(f"{W} {'×'.join(map(str, self.shape(k)))} "
                           f"({'neurons × inputs' if self.orientations[k] == 'rows' else 'inputs × neurons'})"
                           for k, (W, *_) in enumerate(self.layers))
        form = "a list [W1, b1, W2, ...]" if self.as_list else "a dict of arrays"
        return f"parameters as {form}: {shapes}"

    def to_user(self, params):
        out = {}
        for k, (W, b, weights, biases) in enumerate(self.layers):
            matrix = np.array([[float(params[w]) for w in row] for row in weights])
            out[W] = matrix if self.orientations[k] == "rows" else matrix.T.copy()
            out[b] = np.array([float(params[name]) for name in biases])
        return [out[key] for W, b, *_ in self.layers for key in (W, b)] if self.as_list else out

    def from_user(self, result, step=False, n_samples=None):
        """``(values, invalid, notes)``: the named entries of what the code returned.

        ``values`` maps article names to floats; ``invalid`` to why not;
        ``notes`` say what was read how (a transposed matrix, a missing array).
        """
        values, invalid, notes = {}, {}, []
        arrays = self._arrays(result, step)
        for k, (W, b, weights, biases) in enumerate(self.layers):
            for key, names, shape in ((W, weights, self.shape(k)), (b, [biases], (len(biases),))):
                flat = [n for row in names for n in row]
                found = arrays.get(key)
                if found is None:
                    for n in flat:
                        invalid[n] = f"missing ({self._wanted(key, step)} not found)"
                    continue
                try:
                    array = np.asarray(found, dtype=float)
                except (TypeError, ValueError):
                    for n in flat:
                        invalid[n] = f"{key} is not an array of numbers"
                    continue
                if key == W:
                    read = self._matrix(array, shape, key, notes)
                    if read is None:
                        for n in flat:
                            invalid[n] = f"{key} has shape {array.shape}, not {shape}"
                        continue
                    rows = read if self.orientations[k] == "rows" else read.T
                    for j, row in enumerate(weights):
                        for i, n in enumerate(row):
                            values[n] = float(rows[j, i])
                else:
                    if array.size != len(biases):
                        why = f"{key} has shape {array.shape}, not ({len(biases)},)"
                        if n_samples and n_samples > 1 and n_samples in array.shape:
                            why += (f": one value per sample, a mean over the wrong axis (average over the "
                                    f"{n_samples} "
                                    "samples, not over the neurons)?")
                        for n in flat:
                            invalid[n] = why
                        continue
                    for j, n in enumerate(biases):
                        values[n] = float(array.reshape(-1)[j])
        for name, value in list(values.items()):
            if not np.isfinite(value):
                invalid[name] = "NaN" if np.isnan(value) else "infinite"
                del values[name]
        return values, invalid, notes

    def _matrix(self, array, shape, key, notes):
        if array.shape == shape:
            return array
        if array.shape == shape[::-1] and shape[0] != shape[1]:
            notes.append(f"{key} came back with shape {array.shape}, the transpose of the {shape} it was given: "
                         "read transposed (is it computed as the transpose, e.g. H.T @ delta for delta.T @ H?).")
            return array.T
        if array.size == shape[0] * shape[1] and 1 in shape:
            return array.reshape(shape)
        return None

    def _wanted(self, key, step):
        return key if step else " or ".join(GRADIENT_KEYS[:2]).format(K=key)

    def _arrays(self, result, step):
        keys = [key for W, b, *_ in self.layers for key in (W, b)]
        if isinstance(result, (list, tuple)):
            return dict(zip(keys, result))
        if not isinstance(result, Mapping):
            return {}
        found = {}
        for key in keys:
            patterns = ("{K}",) if step else GRADIENT_KEYS
            for pattern in patterns:
                name = pattern.format(K=key)
                if name in result:
                    found[key] = result[name]
                    break
        return found


class Probe(dict):
    """The article's parameters, recording how the user's code asks for them (to tell the layouts apart).

    >>> probe = Probe({"w1": 1.0})
    >>> _ = probe.get("W1"), probe.get("w1")
    >>> probe.asked
    ['W1', 'w1']
    """

    def __init__(self, *args):
        super().__init__(*args)
        self.asked = []
        self.iterated = False

    def __getitem__(self, key):
        self.asked.append(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.asked.append(key)
        return super().get(key, default)

    def __iter__(self):
        self.iterated = True
        return super().__iter__()

    def layout(self):
        """"scalar", "dict" (of matrices) or "list", from what was asked."""
        if any(isinstance(k, str) and len(k) > 1 and k[0] == "W" and k[1:].isdigit() for k in self.asked):
            return "dict"
        if any(isinstance(k, int) for k in self.asked) or (self.iterated and not any(k in self for k in self.asked)):
            return "list"
        return "scalar"


def orientations(derivation, weights_as=None):
    """The orientations to try, in order: all rows, all columns, then each mix (square layers follow the rest).

    >>> from derivations import derive
    >>> orientations(derive())
    [('rows', 'rows'), ('columns', 'columns'), ('rows', 'columns'), ('columns', 'rows')]
    >>> orientations(derive(), "columns")
    [('columns', 'columns')]
    """
    n = len(derivation.graph.layers)
    if weights_as is not None:
        return [(weights_as,) * n]
    found = [("rows",) * n, ("columns",) * n]
    if n <= 3:
        found += [c for c in itertools.product(ORIENTATIONS, repeat=n) if c not in found]
    return found
