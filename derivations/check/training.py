"""The class form: the article's class, trained as it is until its first update.

The article's ``OurNeuralNetwork.train(data, all_y_trues)`` hard-codes its
learning rate and epochs and prints as it goes; it is checked without editing
it.  The checker makes a subclass whose ``__setattr__`` records the first
write of each parameter, sets the parameters, trains on a single sample, and
stops the training (raising a BaseException the user's ``except Exception``
does not catch) once every parameter has been written once: that first SGD
step, ``(old - new) / learn_rate``, is the gradient.

>>> import nncore
>>> from derivations import derive
>>> from derivations.check.points import make_points
>>> form = ClassForm(nncore.OurNeuralNetwork, derive(), learn_rate=0.1)
>>> form.description
'class OurNeuralNetwork (its train() runs until each parameter is first updated)'
>>> alice = make_points(derive(), 0)[0]
>>> print(round(form.observe(alice).got["w1"], 12))   # the article's dL/dw1 at Alice
0.021469535266
"""

import copy
import inspect

import numpy as np

from derivations.check.forms import Form, Observation, StopTraining, as_number, implied_gradient
from derivations.check.loading import CheckError, describe_exception


class ClassForm(Form):
    """The article's class, run as-is: its first update of each parameter is the step."""

    kind = "class"
    from_step = True

    def __init__(self, obj, derivation, learn_rate):
        super().__init__(obj, derivation, learn_rate)
        self.cls = obj if inspect.isclass(obj) else type(obj)
        self.names = tuple(p.name for p in derivation.params)
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
        return f"{what} {self.cls.__name__} (its train() runs until each parameter is first updated)"

    @staticmethod
    def _check_bind(fn, n, what):
        try:
            inspect.signature(fn).bind(*range(n))
        except TypeError:
            raise CheckError(f"{getattr(fn, '__qualname__', fn)} does not take {what}") from None
        except ValueError:
            pass

    def observe(self, point):
        network, recorder = self._recording_instance(point)
        data = np.array([point.x], dtype=float)
        all_y_trues = np.array([point.user_y], dtype=float)
        recorder.active = True
        try:
            self._call(network.train, (data, all_y_trues), point)
        except StopTraining:
            pass
        finally:
            recorder.active = False
        observation = Observation()
        for name in self.names:
            if name in recorder.first:
                value, why = as_number(recorder.first[name])
                if why:
                    observation.invalid[name] = f"train() set it to {why}"
                else:
                    observation.got[name] = value
            else:
                observation.invalid[name] = "never updated by train()"
        return implied_gradient(observation, point.params, self.learn_rate)

    def _recording_instance(self, point):
        recorder = _Recorder(set(self.names))
        base = self.cls
        original = base.__setattr__

        def __setattr__(instance, name, value):
            if recorder.active and name in recorder.names and name not in recorder.first:
                recorder.first[name] = value
                original(instance, name, value)
                if len(recorder.first) == len(recorder.names):
                    raise StopTraining
                return
            original(instance, name, value)

        recording = type(base.__name__, (base,), {"__setattr__": __setattr__, "__module__": base.__module__})
        if inspect.isclass(self.obj):
            network = self._call(recording, (), point)
        else:
            try:
                network = copy.deepcopy(self.obj)
                network.__class__ = recording
            except Exception as error:  # an instance that cannot be copied: the class is needed
                raise CheckError(
                    f"cannot copy this {base.__name__} instance ({describe_exception(error)}); give the class"
                ) from None
        missing = [n for n in self.names if not hasattr(network, n)]
        if len(missing) == len(self.names):
            raise CheckError(
                f"{base.__name__} has none of the attributes {', '.join(self.names)}; the class form needs "
                "the article's parameter names (or give a gradient or step function)"
            )
        for name in self.names:
            original(network, name, float(point.params[name]))
        return network, recorder


class _Recorder:
    def __init__(self, names):
        self.names = names
        self.first = {}
        self.active = False


