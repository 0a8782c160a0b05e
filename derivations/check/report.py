"""The check's report: the verdict first, a short table, hints labelled as hints.

:class:`CheckReport` holds everything the check found; :meth:`to_text` is
for a person (summary, a table per parameter and per reported factor,
hints, notes) and :meth:`to_json` for a program.  Both say the same.
"""

import json
import math
import os
import textwrap
from dataclasses import dataclass, field

from derivations.check.naming import are, factor_label, join, plain
from derivations.errors import Argument, spelled

#: where every row and point is listed
JSON = Argument("format", "json", python="to_json()")

#: beyond this many rows, the text table shows only the wrong ones
MAX_ROWS = 30
#: sentences (summary, hints, notes) are wrapped at this width; tables are not
WIDTH = 100


@dataclass
class CheckReport:
    """What ``check`` found about a hand-written backprop.

    ``parameters`` and ``factors`` map names to
    :class:`~derivations.check.compare.Verdict`; ``hints`` are
    :class:`~derivations.check.hints.Hint`; ``problem`` is a
    :class:`~derivations.check.loading.UserProblem` when the user's code
    failed, and then nothing was compared.
    """

    target: str
    kind: str
    form: str
    derivation: object = field(repr=False)
    model: object = field(repr=False)
    points: list = field(repr=False)
    learn_rate: float = 0.1
    rtol: float = 1e-6
    seed: int = 0
    parameters: dict = field(default_factory=dict)
    factors: dict = field(default_factory=dict)
    hints: list = field(default_factory=list)
    problem: object = None
    notes: list = field(default_factory=list)
    #: article name -> the matrix entry it is in the user's code (W1[0,1] for w2), for matrix code
    entries: dict = field(default_factory=dict)

    # --- the verdict ------------------------------------------------------------------

    @property
    def ok(self):
        """True when the user's code ran and every partial and reported factor agrees."""
        return self.problem is None and all(v.ok for v in self.parameters.values()) \
            and all(v.ok for v in self.factors.values())

    @property
    def exit_status(self):
        """0 when everything agrees, 1 otherwise (the command's exit status)."""
        return 0 if self.ok else 1

    @property
    def wrong_parameters(self):
        return [name for name, v in self.parameters.items() if not v.ok]

    @property
    def wrong_factors(self):
        return [name for name, v in self.factors.items() if not v.ok]

    @property
    def summary(self):
        """The verdict in a few sentences: what is wrong, and which factor."""
        return _Summary(self).lines()

    def __repr__(self):
        if self.problem is not None:
            return f"<CheckReport {self.target}: the code failed ({self.problem.message})>"
        if self.ok:
            return f"<CheckReport {self.target}: OK>"
        wrong = self.wrong_parameters or self.wrong_factors
        return f"<CheckReport {self.target}: WRONG {', '.join(wrong)}>"

    def __str__(self):
        return self.to_text()

    # --- rendering ----------------------------------------------------------------------

    def as_dict(self, spell=Argument.python):
        """Everything in the report as JSON-ready data (non-finite numbers become null).

        ``spell`` writes the arguments hints and notes name (Python's ``learn_rate=0.2`` by default).
        """
        d = self.derivation
        data = {
            "ok": self.ok,
            "exit_status": self.exit_status,
            "target": self.target,
            "kind": self.kind,
            "form": self.form,
            "network": {"spec": d.network.spec, "description": d.network.describe(),
                        "activations": list(d.network.activations), "loss": d.network.loss},
            "learn_rate": self.learn_rate if self.kind != "gradient" else None,
            "rtol": self.rtol,
            "seed": self.seed,
            "points": [p.as_dict() for p in self.points],
            "summary": self.summary,
            "parameters": {name: dict(v.as_dict(), **({"entry": self.entries[name]} if name in self.entries else {}))
                           for name, v in self.parameters.items()},
            "factors": {name: v.as_dict() for name, v in self.factors.items()},
            "hints": [spelled(h.message, spell) for h in self.hints],
            "hint_details": [h.as_dict(spell) for h in self.hints],
            "problem": self.problem.as_dict() if self.problem else None,
            "notes": [spelled(n, spell) for n in self.notes],
        }
        return _finite(data)

    def to_json(self, indent=2, ensure_ascii=False, spell=Argument.python):
        """The report as JSON text (always valid JSON: no NaN or Infinity)."""
        return json.dumps(self.as_dict(spell), indent=indent, ensure_ascii=ensure_ascii, allow_nan=False) + "\n"

    def to_text(self, unicode=True, spell=Argument.python):
        """The report for a person; ``unicode=False`` spells ∂ and · in ASCII; ``spell`` as in :meth:`as_dict`."""
        text = "\n".join(_Text(self, spell).lines()) + "\n"
        return text if unicode else plain(text)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


class _Summary:
    """The sentences at the top of the report."""

    def __init__(self, report):
        self.r = report
        self.d = report.derivation
        self.m = report.model

    def label(self, names):
        return join([factor_label(self.d, n) for n in names])

    def lines(self):
        r = self.r
        n_points = len(r.points)
        at = f"at all {n_points} points" if n_points > 1 else "at the one point"
        if r.problem is not None:
            where = f" at {r.problem.point}" if r.problem.point else ""
            what = "raised an exception" if r.problem.raised else "returned something unusable"
            return [f"PROBLEM: your code {what}{where}, so nothing could be compared."]
        params, factors = r.wrong_parameters, r.wrong_factors
        n = len(r.parameters)
        if r.ok:
            line = f"OK: all {n} partials agree with the exact derivation {at}"
            if r.factors:
                line += f", and so do the {len(r.factors)} factors you report"
            return [line + "."]
        if params:
            verb = "disagrees" if len(params) == 1 else "disagree"
            which = "all of them" if len(params) == n and n > 1 else self.partials(params)
            lines = [f"WRONG: {len(params)} of {n} partials {verb} with the exact derivation: {which}."]
        else:
            lines = [f"WRONG: every partial agrees, but {len(factors)} of the {len(r.factors)} factors you "
                     f"report {'does' if len(factors) == 1 else 'do'} not: {join(factors)}."]
        verdicts = {**r.parameters, **r.factors}
        unusable = [name for name in params + factors if verdicts[name].problem]
        lines += self.problem_lines(unusable, verdicts)
        params = [p for p in params if p not in unusable]
        factors = [f for f in factors if f not in unusable]
        lines += self.factor_lines(factors)
        lines += self.unexplained_lines(params, factors)
        if r.hints:
            lines.append(f"{'A hint' if len(r.hints) == 1 else f'{len(r.hints)} hints'} below "
                         f"{'fits' if len(r.hints) == 1 else 'fit'} your numbers exactly.")
        return lines

    def problem_lines(self, names, verdicts):
        """Values that were not numbers at all: missing, NaN, a string ..."""
        groups = {}
        for name in names:
            groups.setdefault(verdicts[name].problem, []).append(name)
        lines = []
        for why, group in groups.items():
            if why.startswith("missing"):
                lines.append(f"{join(group)} {are(group)} missing from your result{why[len('missing'):]}.")
            else:
                lines.append(f"{join(group)}: {why}" + ("" if why.endswith(("?", ".")) else "."))
        return lines

    def factor_lines(self, factors):
        lines = []
        summed = {}  # wrong upstream factors, grouped by the wrong factors they sum
        for name in factors:
            fed = self.m.feeds[name]
            sources = tuple(g for g in factors if g != name and name in self.m.flows_into[g])
            if sources:
                summed.setdefault(sources, []).append(name)
                continue
            lines.append(f"{factor_label(self.d, name)} is wrong; it feeds {self.partials(fed)}.")
            right = [p for p in fed if self.r.parameters[p].ok]
            if right and len(right) == len(fed):
                lines.append(f"Yet {join(right)} {are(right)} right: {'is it' if len(right) == 1 else 'are they'} "
                             f"not computed from {factor_label(self.d, name)}?")
        for sources, names in summed.items():
            they = "it sums" if len(names) == 1 else "they sum"
            lines.append(f"{self.label(names)} {are(names)} wrong too, as {they} {self.label(sources)}.")
        return lines

    def partials(self, params):
        """A list of partials, shortened when long; in matrix code each with its entry: w2 (W1[0,1])."""
        if len(params) == len(self.m.params) and len(params) > 1:
            return "every partial"
        entries = self.r.entries
        shown = [f"{p} ({entries[p]})" if p in entries else p for p in params]
        if len(params) > 8:
            return f"{len(params)} partials ({', '.join(shown[:5])}, ...)"
        return join(shown)

    def unexplained_lines(self, params, factors):
        explained = set()
        for name in factors:
            explained.update(self.m.feeds[name])
        rest = [p for p in params if p not in explained]
        if not rest:
            return []
        if self.r.factors:
            whole = [p for p in rest if all(f in self.r.factors for f in self.m.chains[p])]
            if whole:
                its = "its" if len(whole) == 1 else "their"
                return [f"{join(whole)} {are(whole)} wrong though every factor of {its} "
                        f"chain{'s' if len(whole) > 1 else ''} that you report is right: the product goes wrong."]
        if self.r.hints:
            return []  # the hints say it better: each one fits the numbers
        suspects = [f for f in self.m.order if set(self.m.feeds[f]) == set(rest)]
        lines = []
        if len(rest) == 1 and suspects:
            lines.append(f"Only {rest[0]} is wrong, so look first at what only it uses: {self.label(suspects)}, "
                         f"and the product for {rest[0]}.")
        elif suspects:
            lines.append(f"The wrong partials are exactly the ones {self.label(suspects)} feeds: look there first.")
        if not self.r.factors and self.r.kind == "gradient" and rest:
            lines.append("Return your chain-rule factors too (e.g. \"d_h1_d_w1\": d_h1_d_w1, in the article's "
                         "names) and the check will say which one is wrong.")
        return lines


def _number(value):
    return f"{value:.6g}" if value is not None else "-"


def _error(value):
    return f"{value:.1e}" if value is not None else "-"


class _Text:
    """The text report, section by section."""

    def __init__(self, report, spell):
        self.r = report
        self.d = report.derivation
        self.spell = spell

    def lines(self):
        r = self.r
        out = [f"nnderive check: {r.target}", f"  {r.form}", f"  network: {self.d.network.describe()}"]
        out += [f"  {line}" for line in self.points_lines()]
        out.append("")
        summary = r.summary
        out += _wrap(summary[0], "", "  ") + [w for line in summary[1:] for w in _wrap(line, "  ", "    ")]
        if r.problem is not None:
            out += self.problem_lines()
        else:
            out.append("")
            out += self.parameter_table()
            if r.factors:
                out.append("")
                out += self.factor_table()
        if r.hints:
            out += ["", "Hints (each is a known mistake that reproduces your numbers at every point; "
                        "a hint, not a proof):"]
            out += [w for h in r.hints for w in _wrap(spelled(h.message, self.spell), "  - ", "    ")]
        if r.notes:
            out += ["", "Notes:"]
            out += [w for n in r.notes for w in _wrap(spelled(n, self.spell), "  - ", "    ")]
        return out

    def points_lines(self):
        r = self.r
        first = r.points[0]
        lines = [f"checked at {first.name} ({first.describe()}; weights 1, biases 0)"]
        others = len(r.points) - 1
        if others:
            lines.append(f"and at {others} random point{'s' if others > 1 else ''} (seed {r.seed}; "
                         f"{self.spell(JSON)} lists them)")
        lines[-1] += f", rtol {r.rtol:g}"
        return lines

    def problem_lines(self):
        p = self.r.problem
        if not p.raised:
            where = f" (defined at {os.path.basename(p.location.filename)}, line {p.location.lineno})" \
                if p.location else ""
            return [f"  {p.message}{where}."]
        out = []
        if p.location is not None:
            out.append(f"  {p.location}")
            if p.location.line:
                out.append(f"    {p.location.line}")
        out.append(f"  {p.message}")
        return out

    def parameter_table(self):
        header = ("partial", "verdict", "expected", "got", "finite diff.", "abs error", "rel error", "worst at")
        rows = []
        for name, v in self.r.parameters.items():
            got = _number(v.got) if v.problem is None else _short(v.problem)
            label = f"dL/d{name}" + (f" {self.r.entries[name]}" if name in self.r.entries else "")
            rows.append((label, _verdict(v), _number(v.expected), got, _number(v.finite_difference),
                         _error(v.abs_error), _error(v.rel_error), v.point))
        return _table(header, rows, [v.ok for v in self.r.parameters.values()], self.spell)

    def factor_table(self):
        header = ("factor", "verdict", "expected", "got", "abs error", "rel error", "worst at", "feeds")
        rows = []
        n = len(self.r.parameters)
        for name, v in self.r.factors.items():
            got = _number(v.got) if v.problem is None else _short(v.problem)
            feeds = "all partials" if len(v.feeds) == n and n > 1 else ", ".join(v.feeds)
            rows.append((name, _verdict(v), _number(v.expected), got, _error(v.abs_error), _error(v.rel_error),
                         v.point, feeds))
        return _table(header, rows, [v.ok for v in self.r.factors.values()], self.spell)


def _wrap(text, first, rest):
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False)


def _short(text, width=26):
    return text if len(text) <= width else text[:width - 1] + "…"


def _verdict(v):
    return "ok" if v.ok else "WRONG"


def _table(header, rows, oks, spell):
    shown, hidden = rows, []
    if len(rows) > MAX_ROWS:
        shown = [row for row, ok in zip(rows, oks) if not ok][:MAX_ROWS]
        hidden = [ok for row, ok in zip(rows, oks) if row not in shown]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *shown)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header] + shown]
    if hidden:
        wrong = hidden.count(False)
        which = "all ok" if not wrong else f"{wrong} of them wrong"
        lines.append(f"({len(hidden)} more rows, {which}; {spell(JSON)} lists every one)")
    return lines
