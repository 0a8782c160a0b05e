"""Cross-check a hand-written backprop against the exact symbolic derivation.

``check(obj)`` runs the user's code as it is, at the article's Alice point and
at seeded random points, and compares every partial (and every chain-rule
factor it reports) with :meth:`Derivation.evaluate`; central finite
differences of the loss are shown as a third opinion.  It says which
parameters are wrong, which factor, and, when the numbers fit a known
mistake exactly, offers it as a hint.

Three forms are accepted (see :mod:`derivations.check.forms`): a gradient
function ``f(params, x, y_true) -> dict``, a step function
``f(params, x, y_true, learn_rate) -> dict`` of new values, and the article's
class with ``w1``..``b3`` and ``train(data, all_y_trues)``.

>>> import nncore
>>> report = check(nncore.OurNeuralNetwork, points=2)
>>> report.ok, report.exit_status
(True, 0)
>>> def backprop(params, x, y_true):            # the sign of d_L_d_ypred flipped
...     grads = article_backprop(params, x, y_true)
...     return {name: -value for name, value in grads.items()}
>>> report = check(backprop, points=2)
>>> report.ok, report.wrong_parameters == list(nncore.PARAM_NAMES)
(False, True)
>>> print(report.hints[0].text)
Every partial has the wrong sign: ∂L/∂y_pred = -2(y_true - y_pred) seems flipped, and that flips them all.
"""

from derivations.check.article import ARTICLE_TARGETS, article_backprop, article_step
from derivations.check.core import MAX_POINTS, check
from derivations.check.isolated import IsolatedReport, UserCodeFailed, check_isolated
from derivations.check.kinds import KINDS
from derivations.check.loading import CheckError, UserProblem, load_target
from derivations.check.report import CheckReport

__all__ = [
    "ARTICLE_TARGETS",
    "CheckError",
    "CheckReport",
    "KINDS",
    "MAX_POINTS",
    "UserProblem",
    "article_backprop",
    "article_step",
    "IsolatedReport",
    "UserCodeFailed",
    "check",
    "check_isolated",
    "load_target",
]

