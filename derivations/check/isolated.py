"""The check run in a guarded child process (:mod:`derivations.check.guard`): what the CLI does.

:func:`check_isolated` loads and runs the user's file in a child with a time
limit and returns an :class:`IsolatedReport`: the child's report, rendered
there, received whole over the private channel.  When the user's code does
not let the check finish (it loops, exits, is killed), it raises
:class:`UserCodeFailed`, whose one-line message says what the code did.

>>> from pathlib import Path
>>> import derivations
>>> example = Path(derivations.__file__).parent.parent / "tests" / "check_inputs" / "article_backprop.py"
>>> report = check_isolated(f"{example}:backprop", points=1, timeout=60)
>>> report.ok, report.exit_status, report.wrong_parameters
(True, 0, [])
"""

import json
import math
import numbers

from derivations.check.core import check
from derivations.check.guard import DEFAULT_TIMEOUT, run_guarded
from derivations.check.loading import CheckError
from derivations.check.naming import plain
from derivations.errors import NnderiveError


class UserCodeFailed(CheckError):
    """The user's code did not let the check finish: ``error`` says how (kind, message, phase)."""

    def __init__(self, error, target):
        self.error = dict(error)
        super().__init__(f"{target} {error['message']}")


class IsolatedReport:
    """A report made in the child: ``data`` (as :meth:`CheckReport.as_dict`) and ``text``."""

    def __init__(self, data, text):
        self.data = data
        self.text = text

    ok = property(lambda self: self.data["ok"])
    exit_status = property(lambda self: self.data["exit_status"])
    summary = property(lambda self: self.data["summary"])
    hints = property(lambda self: self.data["hints"])
    notes = property(lambda self: self.data["notes"])

    @property
    def wrong_parameters(self):
        return [name for name, v in self.data["parameters"].items() if not v["ok"]]

    def as_dict(self):
        return self.data

    def to_json(self, indent=2, ensure_ascii=False):
        return json.dumps(self.data, indent=indent, ensure_ascii=ensure_ascii, allow_nan=False) + "\n"

    def to_text(self, unicode=True):
        return self.text if unicode else plain(self.text)

    def __str__(self):
        return self.text

    def __repr__(self):
        state = "OK" if self.ok else "WRONG " + ", ".join(self.wrong_parameters)
        return f"<IsolatedReport {self.data['target']}: {state}>"


def run_in_child(target, render, timeout=DEFAULT_TIMEOUT, **options):
    """Check ``target`` in a child; ``render(report)`` (run there) makes the JSON-ready payload.

    A :class:`CheckError` in the child (no such file, a syntax error, a bad
    argument) comes back as a ``CheckError`` whose message ``spell`` has already
    written; the user's code failing the check raises :class:`UserCodeFailed`.
    """
    def work(phase):
        try:
            report = check(target, phase=phase, **options)
        except NnderiveError as error:
            return {"check_error": render(error)}
        return {"report": render(report)}

    outcome = run_guarded(work, timeout)
    if outcome.error is not None:
        raise UserCodeFailed(outcome.error, _shown(target))
    if "check_error" in outcome.payload:
        raise CheckError(outcome.payload["check_error"])
    return outcome.payload["report"]


def check_isolated(target, kind="auto", *, timeout=DEFAULT_TIMEOUT, **options):
    """:func:`derivations.check.check` of ``"PATH.py:NAME"`` in a guarded child process.

    ``timeout`` (seconds) bounds loading and checking together.  Returns an
    :class:`IsolatedReport`; raises :class:`CheckError` when the check cannot
    run, :class:`UserCodeFailed` when the user's code stops it.
    """
    if not isinstance(target, str):
        raise CheckError("check_isolated() takes a \"PATH.py:NAME\" string; pass objects to check()")
    validate_timeout(timeout)

    def render(result):
        if isinstance(result, NnderiveError):
            return str(result)
        return {"data": result.as_dict(), "text": result.to_text()}

    payload = run_in_child(target, render, timeout, kind=kind, **options)
    return IsolatedReport(payload["data"], payload["text"])


def validate_timeout(timeout):
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or not math.isfinite(timeout) \
            or not 0 < timeout <= 86400:
        raise CheckError("timeout must be a number of seconds above 0 (at most a day), got ", repr(timeout),
                         argument="timeout")


def _shown(target):
    return target.rpartition(":")[0] or target


__all__ = ["IsolatedReport", "UserCodeFailed", "check_isolated", "run_in_child"]
