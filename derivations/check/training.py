"""The class form: an article-style class, trained as it is for one whole step.

The article's ``OurNeuralNetwork.train(data, all_y_trues)`` hard-codes its
learning rate and epochs and prints as it goes; it is checked without editing
it.  The checker sets the parameters, hands ``train`` a batch of samples
whose rows it watches, and stops the training (raising a BaseException the
user's ``except Exception`` does not catch) when the first step is over:

* when the code goes back to the data after it has written a parameter
  (the next sample, the next epoch, the loss over the data), or
* when the first parameter it wrote is about to be written again (code that
  copied the data up front, so its reads cannot be seen), or
* when ``train`` returns.

Every write until then counts, so a later overwrite in the same step is
judged, not only the first update.  What the code read before its first
write tells a per-sample class (it read one row: the step is that sample's)
from a batch class (it used the whole array, or a slice: the step is the
mean gradient of those rows).  The gradient is ``(old - new) / learn_rate``.

>>> import nncore
>>> from derivations import derive
>>> from derivations.check.points import make_batches
>>> form = ClassForm(nncore.OurNeuralNetwork, derive(), learn_rate=0.1)
>>> form.description
'class OurNeuralNetwork (its train() runs for one whole step)'
>>> people = make_batches(derive(), 0)[0]
>>> observation = form.observe(people)
>>> observation.point.name, round(observation.got["w1"], 12)   # per sample: Alice's dL/dw1
('Alice', 0.021469535266)
"""

import copy
import inspect
import operator

import numpy as np

from derivations.check.forms import Form, Observation, StopTraining, as_number, implied_gradient
from derivations.check.layout import MatrixLayout, orientations
from derivations.check.loading import CheckError, describe_exception
from derivations.errors import Argument, Message


class ClassForm(Form):
    """An article-style class, run as-is for one whole step (see the module docstring)."""

    kind = "class"
    from_step = True

    def __init__(self, obj, derivation, learn_rate, names=None):
        super().__init__(obj, derivation, learn_rate)
        self.cls = obj if inspect.isclass(obj) else type(obj)
        self.params = tuple(p.name for p in derivation.params)
        #: article name -> the attribute that holds it (renamed with names=)
        self.attributes = {p: (names or {}).get(p, p) for p in self.params}
        self.how = ""  # how the last step ended, for the notes
        self.batch = False
        self.layout_notes = []
        if inspect.isclass(obj):
            try:
                inspect.signature(obj).bind()
            except TypeError:
                raise CheckError(
                    f"{obj.__name__}() needs arguments; the class form creates it with none, "
                    "as the article's OurNeuralNetwork() is"
                ) from None
            except ValueError:
                pass
        train = getattr(self.cls, "train", None)
        if not callable(train):
            raise CheckError(f"{self.cls.__name__} has no train(data, all_y_trues) method")
        self._check_bind(train, 3, "train(data, all_y_trues)")

    @property
    def description(self):
        what = "class" if inspect.isclass(self.obj) else "a copy of the instance of"
        return f"{what} {self.cls.__name__} (its train() runs for one whole step)"

    @staticmethod
    def _check_bind(fn, n, what):
        try:
            inspect.signature(fn).bind(*range(n))
        except TypeError:
            raise CheckError(f"{getattr(fn, '__qualname__', fn)} does not take {what}") from None
        except ValueError:
            pass

    def instance(self, point=None):
        """A fresh instance (or a copy of the given one), with the recording ``__setattr__``."""
        watch = _Watch(set(self.attributes.values()))
        base = self.cls
        original = base.__setattr__

        def __setattr__(instance, name, value):
            if watch.active and name in watch.names:
                watch.wrote(name)
            original(instance, name, value)

        recording = type(base.__name__, (base,), {"__setattr__": __setattr__, "__module__": base.__module__})
        if inspect.isclass(self.obj):
            network = recording() if point is None else self._call(recording, (), point)
        else:
            try:
                network = copy.deepcopy(self.obj)
                network.__class__ = recording
            except Exception as error:  # an instance that cannot be copied: the class is needed
                raise CheckError(
                    f"cannot copy this {base.__name__} instance ({describe_exception(error)}); give the class"
                ) from None
        return network, watch, original

    #: a MatrixLayout when the class keeps W1, b1, ... as arrays (see :meth:`choose_layout`)
    layout = None

    def choose_layout(self, point, weights_as=None):
        """Matrix attributes (``self.W1``...): each layer's orientation from the instance's own shapes,
        and where they cannot tell (a square W1), from the one the code's numbers fit."""
        network, _, _ = self.instance(point)
        if not hasattr(network, "W1") or hasattr(network, self.attributes[self.params[0]]):
            return
        self.watched = {f"{kind}{k}" for k in range(1, len(self.derivation.graph.layers) + 1) for kind in "Wb"}
        candidates = []
        for orientation in orientations(self.derivation, weights_as):
            layout = MatrixLayout(self.derivation, orientation)
            shapes = [np.shape(getattr(network, W, None)) for W, *_ in layout.layers]
            if all(shape == layout.shape(k) for k, shape in enumerate(shapes)):
                candidates.append(layout)
        candidates = candidates or [MatrixLayout(self.derivation, orientations(self.derivation, weights_as)[0])]
        scored = []
        for k, layout in enumerate(candidates):
            self.layout = layout
            observation = self.observe(point)
            exact = observation.point or point
            wrong = sum(p not in observation.got or not abs(observation.got[p] - exact.expected(p))
                        <= 1e-6 * (abs(exact.expected(p)) + exact.partial_scale) for p in self.params)
            scored.append((wrong, k, layout))
        self.layout = min(scored, key=lambda s: s[:2])[2]
        self.layout_notes = []
        if len({s[2].orientations for s in scored if s[0] == min(t[0] for t in scored)}) > 1 and weights_as is None:
            self.layout_notes.append(Message(
                "The shapes and numbers fit more than one orientation of the weight matrices: the check took "
                f"{self.layout.description.split(': ', 1)[1]} (set ", Argument("weights_as", "columns"), " or ",
                Argument("weights_as", "rows"), " to choose)."))

    def observe(self, point):
        if self.layout is not None:
            return self._observe_matrices(point)
        network, watch, original = self.instance(point)
        missing = [p for p, a in self.attributes.items() if not hasattr(network, a)]
        if len(missing) == len(self.params):
            raise CheckError(
                f"{self.cls.__name__} has none of the attributes {', '.join(self.attributes.values())}; the class "
                "form needs the article's parameter names (map yours with ", Argument("names"), ", or give a "
                "gradient or step function)", argument="names")
        for p, a in self.attributes.items():
            original(network, a, float(point.params[p]))
        X = getattr(point, "X", None)
        X = np.array([point.x], dtype=float) if X is None else X
        Y = getattr(point, "Y", None)
        Y = np.array([point.user_y], dtype=float) if Y is None else Y
        self._train(network, watch, point)
        observation = Observation()
        for p, a in self.attributes.items():
            if p in missing:
                observation.invalid[p] = f"{self.cls.__name__} has no attribute {a}"
                continue
            value, why = as_number(getattr(network, a))
            if why:
                observation.invalid[p] = f"train() set it to {why}"
            elif value == float(point.params[p]) and a not in watch.written:
                observation.invalid[p] = "never updated by train()"
            else:
                observation.got[p] = value
        return self._finish(observation, watch, point)

    def _data(self, point):
        X = getattr(point, "X", None)
        X = np.array([point.x], dtype=float) if X is None else X
        Y = getattr(point, "Y", None)
        return X, (np.array([point.user_y], dtype=float) if Y is None else Y)

    def _train(self, network, watch, point):
        X, Y = self._data(point)
        watch.active = True
        try:
            self._call(network.train, (Samples(X, watch), Y), point)
            self.how = "returned"
        except StopTraining as stop:
            self.how = str(stop)
        finally:
            watch.active = False

    def _finish(self, observation, watch, point):
        rows = watch.rows(len(self._data(point)[0]))
        self.batch = len(rows) > 1
        if hasattr(point, "subset"):
            observation.point = point.subset(rows)
        return implied_gradient(observation, point.params, self.learn_rate)

    def _observe_matrices(self, point):
        saved = self.attributes
        self.attributes = {name: name for name in self.watched}
        try:
            network, watch, original = self.instance(point)
        finally:
            self.attributes = saved
        given = self.layout.to_user(point.params)
        for name, array in given.items():
            original(network, name, array.copy())
        self._train(network, watch, point)
        now = {name: getattr(network, name, None) for name in given}
        values, invalid, notes = self.layout.from_user(now, step=True, n_samples=getattr(point, "n", None))
        for note in notes:
            if note not in self.layout_notes:
                self.layout_notes.append(note)
        for name, array in given.items():
            if name not in watch.written and np.array_equal(np.asarray(now[name], dtype=float), array):
                for p, entry in self.layout.entry.items():
                    if entry.split("[")[0] == name:
                        values.pop(p, None)
                        invalid[p] = "never updated by train()"
        return self._finish(Observation(got=values, invalid=invalid), watch, point)


class _Watch:
    """What the user's train() did: which parameters it wrote, which rows it read, and when."""

    def __init__(self, names):
        self.names = names
        self.written = []
        self.active = False
        self.row_reads = []  # rows read one by one before the first write
        self.whole = False  # the whole array used before the first write
        self.slices = []

    def wrote(self, name):
        if self.written and name == self.written[0] and len(set(self.written)) > 1:
            raise StopTraining("the first parameter it updated was about to be updated again")
        self.written.append(name)

    def read(self, rows=None, whole=False):
        if not self.active:
            return
        if self.written:
            raise StopTraining("it went back to the data after updating")
        if whole:
            self.whole = True
        elif rows is not None:
            self.row_reads.extend(rows) if isinstance(rows, list) else self.row_reads.append(rows)

    def rows(self, n):
        """The rows the first step was computed from."""
        if self.row_reads and not self.whole:
            single = [r for r in self.row_reads if isinstance(r, int)]
            if single and len(single) == len(self.row_reads):
                return [single[0]]
            return sorted({r for group in self.row_reads for r in (group if isinstance(group, tuple) else (group,))})
        if self.row_reads and self.whole:
            return [self.row_reads[0] if isinstance(self.row_reads[0], int) else self.row_reads[0][0]]
        return list(range(n))


class Samples:
    """The ``data`` train() gets: a 2-D array that tells the watch how it is read.

    Reading one row (iterating, ``data[i]``) is a per-sample read; a slice is
    a batch of rows; anything on the whole array (``data @ W``, ``np.asarray``,
    ``data.T``) is the whole batch.  What comes out is a plain numpy array.
    """

    def __init__(self, array, watch):
        self._array = array
        self._watch = watch

    def __len__(self):
        return len(self._array)

    def __iter__(self):
        for i in range(len(self._array)):
            self._watch.read(i)
            yield self._array[i].copy()

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            self._watch.read(int(index) % len(self._array))
        elif isinstance(index, slice):
            self._watch.read(tuple(range(len(self._array))[index]))
        elif isinstance(index, tuple) and index and isinstance(index[0], (int, np.integer)):
            self._watch.read(int(index[0]) % len(self._array))
        elif isinstance(index, (list, np.ndarray)) and np.asarray(index).dtype.kind in "iu" \
                and np.asarray(index).ndim == 1:  # a mini-batch picked by its row numbers
            self._watch.read(tuple(int(i) % len(self._array) for i in index))
        else:
            self._watch.read(whole=True)
        result = self._array[index]
        return result.copy() if isinstance(result, np.ndarray) else result

    def __array__(self, dtype=None, copy=None):
        self._watch.read(whole=True)
        return self._array.copy() if dtype is None else self._array.astype(dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        self._watch.read(whole=True)
        inputs = tuple(i._array if isinstance(i, Samples) else i for i in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        self._watch.read(whole=True)
        args = tuple(a._array if isinstance(a, Samples) else a for a in args)
        return func(*args, **kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._watch.read(whole=True)
        return getattr(self._array, name)

    def __repr__(self):
        return repr(self._array)


def _binary(op, reflected=False):
    def method(self, other):
        self._watch.read(whole=True)
        other = other._array if isinstance(other, Samples) else other
        return op(other, self._array) if reflected else op(self._array, other)
    return method


for _name, _op in (("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("matmul", operator.matmul), ("pow", operator.pow)):
    setattr(Samples, f"__{_name}__", _binary(_op))
    setattr(Samples, f"__r{_name}__", _binary(_op, reflected=True))
Samples.__neg__ = lambda self: (self._watch.read(whole=True), -self._array)[1]
