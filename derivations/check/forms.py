"""The three forms a hand-written backprop can take, each turned into partials.

* a **gradient** function ``f(params, x, y_true) -> dict`` of partials by
  parameter name (``"w1"``, or the article's ``"d_L_d_w1"``), and optionally
  chain-rule factors under the article's names (``"d_h1_d_w1"``);
* a **step** function ``f(params, x, y_true, learn_rate) -> dict`` of the new
  parameter values after one SGD step: the gradient is what the step implies,
  ``(old - new) / learn_rate``;
* an article-style **class** with attributes ``w1``..``b3`` and
  ``train(data, all_y_trues)``, run as it is: the checker records the first
  write of each parameter and stops the training there.

Each form is an object whose :meth:`observe` runs the user's code at one
evaluation point and returns an :class:`Observation`.

The class form is in :mod:`derivations.check.training`; telling the forms
apart is :mod:`derivations.check.kinds`.

>>> obs = Observation(got={"w1": 0.02})
>>> obs.got, obs.invalid
({'w1': 0.02}, {})
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from derivations.check.layout import GRADIENT_KEYS, MatrixLayout, Probe, orientations
from derivations.check.loading import (
    Capture, UserProblem, captured, definition_location, describe_exception, source_file, user_location,
)
from derivations.errors import Argument, Message

EPS = float(np.finfo(float).eps)


class UserCodeError(Exception):
    """The user's code failed at a point; ``problem`` says how and where."""

    def __init__(self, problem):
        super().__init__(problem.message)
        self.problem = problem


class StopTraining(BaseException):
    """Raised inside the user's train() once every parameter has been updated (see :mod:`training`).

    A BaseException, so that a user's ``except Exception`` does not swallow it.
    """


@dataclass
class Observation:
    """What the user's code gave at one point.

    ``got``: name -> float for every parameter and reported factor that is a
    valid number; ``invalid``: name -> why not ("missing", "NaN", ...);
    ``rounding``: name -> the absolute error the form itself adds (a step's
    ``(old - new) / learn_rate`` loses about eps·|param|/learn_rate);
    ``extra``: keys that are neither parameters nor factors.
    """

    got: dict = field(default_factory=dict)
    invalid: dict = field(default_factory=dict)
    rounding: dict = field(default_factory=dict)
    extra: list = field(default_factory=list)
    #: the point the values belong to, where the form finds it is not the one it was given
    #: (a per-sample class given a batch computes its first step from the first sample)
    point: object = None


def as_number(value):
    """``(float, None)`` for a real number, else ``(None, why)``.

    >>> as_number(np.float64(0.5)), as_number(np.array([2.0]))
    ((0.5, None), (2.0, None))
    >>> as_number("0.5")[1], as_number(float("nan"))[1], as_number([1, 2])[1]
    ("a str ('0.5'), not a number", 'NaN', 'an array of 2 numbers, not one')
    """
    if value is None:
        return None, "None, not a number"
    if isinstance(value, (str, bytes, bool, np.bool_)):
        shown = repr(value) if len(repr(value)) <= 14 else repr(value)[:12] + "…"
        return None, f"a {type(value).__name__} ({shown}), not a number"
    if isinstance(value, (complex, np.complexfloating)):
        return None, "a complex number"
    if isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value, dtype=object)
        if array.size != 1:
            return None, f"an array of {array.size} numbers, not one"
        return as_number(array.reshape(-1)[0])
    try:
        number = float(value)
    except Exception:  # whatever the user's object raises, it is not a number
        return None, f"a {type(value).__name__}, not a number"
    if math.isnan(number):
        return None, "NaN"
    if math.isinf(number):
        return None, "infinite"
    return number, None


class Form:
    """One way of running a hand-written backprop; subclasses say how."""

    kind = ""
    #: does the gradient come from a parameter update (so rounding of old - new applies)?
    from_step = False

    def __init__(self, obj, derivation, learn_rate, names=None, batch=False):
        self.obj = obj
        self.derivation = derivation
        self.learn_rate = learn_rate
        #: article name -> the user's name for it (names=, --map)
        self.names = {p.name: (names or {}).get(p.name, p.name) for p in derivation.params}
        self.batch = batch
        self.file = source_file(obj)
        self.capture = Capture()  # everything the user's code prints or warns, kept out of the report

    @property
    def description(self):
        raise NotImplementedError

    def observe(self, point):
        raise NotImplementedError

    # --- shared ---------------------------------------------------------------------

    def _call(self, fn, args, point):
        """Run the user's ``fn(*args)`` captured; their exception becomes a UserCodeError."""
        try:
            with captured(self.capture):
                return fn(*args)
        except (KeyboardInterrupt, StopTraining):
            raise
        except BaseException as error:
            raise UserCodeError(UserProblem(
                f"{describe_exception(error)}", user_location(error, self.file), point.name,
            )) from None

    def _mapping(self, result, point, what):
        if not isinstance(result, Mapping):
            raise UserCodeError(UserProblem(
                f"{self.name} returned {with_article(result)}, not a dict of {what} by parameter name",
                definition_location(self.obj), point.name, raised=False,
            ))
        return result

    @property
    def name(self):
        return getattr(self.obj, "__qualname__", None) or type(self.obj).__name__

    def _read(self, result, observation, partial_keys, point):
        """Take the parameters (under ``partial_keys``) and the factors out of ``result``."""
        try:
            return self._take(result, observation, partial_keys, point)
        except Exception as error:  # a mapping of the user's own that fails when read
            raise UserCodeError(UserProblem(
                f"reading what {self.name} returned raised {describe_exception(error)}",
                user_location(error, self.file), point.name,
            )) from None

    def _take(self, result, observation, partial_keys, point):
        d = self.derivation
        used = set()
        for name in (p.name for p in d.params):
            key = next((k for k in partial_keys(self.names[name]) if k in result), None)
            if key is None:
                observation.invalid[name] = "missing"
                continue
            used.add(key)
            observation.got[name], why = as_number(result[key])
            if why and getattr(point, "n", 0) > 1 and np.size(result[key]) == point.n:
                why += f", one per sample: a mean over the wrong axis (the {point.n} samples are not averaged)?"
            if why:
                del observation.got[name]
                observation.invalid[name] = why
        for name in d.factors:
            if name in result and self.batch:
                used.add(name)  # a batch's factors are one per sample: only the mean partials are judged
            elif name in result:
                used.add(name)
                value, why = as_number(result[name])
                if why:
                    observation.invalid[name] = why
                else:
                    observation.got[name] = value
        observation.extra = sorted(str(k) for k in result if k not in used)
        return observation


class _Unreadable(Exception):
    pass


class FunctionForm(Form):
    """A gradient or step function: its parameters as named numbers, or as matrices (:mod:`layout`)."""

    #: a MatrixLayout when the code takes W1, b1, ... (chosen by :meth:`choose_layout`)
    layout = None
    step = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.layout_notes = []

    def user_params(self, point):
        if self.layout is not None:
            return self.layout.to_user(point.params)
        return {self.names[p]: v for p, v in point.params.items()}

    def _args(self, point, params):
        args = (params, np.array(point.x, dtype=float), point.user_y)
        return args + (self.learn_rate,) if self.step else args

    def choose_layout(self, point, weights_as=None):
        """Named numbers, or matrices (a dict of W1, b1, ... or a list) in the orientation the code runs with.

        The code is called once with the named parameters, watching what it
        asks for; matrix code is then called with each orientation until one
        runs (``weights_as`` fixes it).
        """
        probe = Probe(self.user_params(point))
        try:
            with captured():  # the probing calls' prints and warnings are not the check's
                self.obj(*self._args(point, probe))
        except (KeyboardInterrupt, StopTraining):
            raise
        except BaseException:  # what it asked for before failing is what counts
            pass
        layout = probe.layout()
        if layout == "scalar" and weights_as is None:
            return
        if layout == "scalar":
            layout = "dict"
        tries = orientations(self.derivation, weights_as)
        runs = []  # (partials that disagree at this point, order tried, layout)
        for k, orientation in enumerate(tries):
            candidate = MatrixLayout(self.derivation, orientation, as_list=layout == "list")
            try:
                with captured():
                    values = self._unpack(self.obj(*self._args(point, candidate.to_user(point.params))), candidate)
            except (KeyboardInterrupt, StopTraining):
                raise
            except BaseException:
                continue
            runs.append((self._disagreements(values, point), k, candidate))
        # where the shapes allow several orientations (a square W1), the one the code's numbers fit is its own
        self.layout = min(runs, key=lambda run: run[:2])[2] if runs else \
            MatrixLayout(self.derivation, tries[0], as_list=layout == "list")
        ambiguous = len({run[2].orientations for run in runs if run[0] == min(r[0] for r in runs)}) > 1
        if ambiguous and weights_as is None:
            self.layout_notes.append(Message(
                "The shapes and numbers fit more than one orientation of the weight matrices: the check took "
                f"{self.layout.description.split(': ', 1)[1]} (set ", Argument("weights_as", "columns"), " or ",
                Argument("weights_as", "rows"), " to choose)."))

    def _disagreements(self, values, point):
        if self.step:
            values = {p: (point.params[p] - v) / self.learn_rate for p, v in values.items()}
        wrong = 0
        for p in point.params:
            exact = point.expected(p)
            wrong += p not in values or not abs(values[p] - exact) <= 1e-6 * (abs(exact) + point.partial_scale)
        return wrong

    def _unpack(self, result, layout):
        values, invalid, _ = layout.from_user(result, step=self.step)
        if not values:
            raise _Unreadable
        return values

    def _read_layout(self, result, point):
        values, invalid, notes = self.layout.from_user(result, step=self.step, n_samples=getattr(point, "n", None))
        for note in notes:
            if note not in self.layout_notes:
                self.layout_notes.append(note)
        observation = Observation(got=values, invalid=invalid)
        if isinstance(result, Mapping):
            keys = {pattern.format(K=k) for W, b, *_ in self.layout.layers for k in (W, b)
                    for pattern in GRADIENT_KEYS}
            observation.extra = sorted(str(k) for k in result if k not in keys)
        return observation


class GradientForm(FunctionForm):
    kind = "gradient"

    @property
    def description(self):
        if self.batch:
            return f"batch gradient function {self.name}(params, X, Y): the mean gradient over the samples"
        return f"gradient function {self.name}(params, x, y_true)"

    def observe(self, point):
        result = self._call(self.obj, self._args(point, self.user_params(point)), point)
        if self.layout is not None:
            return self._read_layout(result, point)
        result = self._mapping(result, point, "partials")
        return self._read(result, Observation(), lambda name: (name, f"d_L_d_{name}"), point)


class StepForm(FunctionForm):
    kind = "step"
    from_step = True
    step = True

    @property
    def description(self):
        if self.batch:
            return (f"batch step function {self.name}(params, X, Y, learn_rate), learn_rate = {self.learn_rate:g}: "
                    "one step on the mean gradient")
        return f"step function {self.name}(params, x, y_true, learn_rate), learn_rate = {self.learn_rate:g}"

    def observe(self, point):
        result = self._call(self.obj, self._args(point, self.user_params(point)), point)
        if self.layout is not None:
            return implied_gradient(self._read_layout(result, point), point.params, self.learn_rate)
        result = self._mapping(result, point, "new parameter values")
        observation = self._read(result, Observation(), lambda name: (name,), point)
        return implied_gradient(observation, point.params, self.learn_rate)

def implied_gradient(observation, old, learn_rate):
    """Turn new parameter values into the gradient the step implies, with its rounding.

    ``new = old - learn_rate * g`` is rounded to the spacing of ``new``, so
    ``g = (old - new) / learn_rate`` carries an absolute error of about
    eps·max(|old|, |new|)/learn_rate; twice that is allowed on top of the
    relative tolerance.

    >>> obs = implied_gradient(Observation(got={"w1": 0.99}), {"w1": 1.0}, 0.1)
    >>> round(obs.got["w1"], 12), obs.rounding["w1"] < 1e-14
    (0.1, True)
    """
    for name, new in list(observation.got.items()):
        if name not in old:
            continue  # a factor the step function also reports: taken as it is
        before = float(old[name])
        observation.got[name] = (before - new) / learn_rate
        observation.rounding[name] = 2 * EPS * max(abs(before), abs(new)) / learn_rate
    return observation


def name_of(obj):
    return getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__name__


def with_article(value):
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"
